#pragma once
// The log panel: what the studio did and what went wrong, with times, selectable for copying.
#include <QPlainTextEdit>

namespace srs::ui {

class LogPanel : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit LogPanel(QWidget* parent = nullptr);
 public slots:
  void append_line(const QString& text);
  void append_error(const QString& text);
};

}  // namespace srs::ui
