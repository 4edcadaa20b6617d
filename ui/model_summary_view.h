#pragma once
// The model summary: architecture, blocks, parameters, size, tokenizer of the open model.
#include <QWidget>

class QFormLayout;
class QLabel;

namespace srs::ui {

class StudioDocument;

class ModelSummaryView : public QWidget {
  Q_OBJECT
 public:
  explicit ModelSummaryView(StudioDocument* doc, QWidget* parent = nullptr);
  // The value shown for a row ("architecture", "blocks", "parameters", "size", "tokenizer", ...).
  QString value(const QString& key) const;

 private:
  void refresh();

  StudioDocument* doc_;
  QFormLayout* form_;
  QLabel* empty_;
};

// "134.5 M", "7.24 B"
QString format_count(int64_t n);

}  // namespace srs::ui
