#pragma once
// The calibration panel: which text the sensitivity is measured on (files or folders), how much
// of it (windows x tokens, seed, batch), and the candidate options. Turns into an AnalyzeRequest.
#include <QStringList>
#include <QWidget>

#include "pipeline/analyze.h"

class QCheckBox;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace srs::ui {

class CalibrationPanel : public QWidget {
  Q_OBJECT
 public:
  explicit CalibrationPanel(QWidget* parent = nullptr);

  // The request for `model_path` from what the panel shows.
  AnalyzeRequest request(const QString& model_path) const;
  QStringList paths() const;
  void set_paths(const QStringList& paths);
  QStringList checked_options() const;
  // Checks exactly these; an option the list does not offer is added (a project made by the
  // CLI may use any preset).
  void set_checked_options(const QStringList& options);
  // Shows what a project was computed from: files, windows, tokens, seed, batch, options.
  void show_settings(const CalibrationSettings& settings, const std::vector<std::string>& options);

  QListWidget* path_list() const { return paths_; }
  QListWidget* option_list() const { return options_; }
  QSpinBox* nsamples_box() const { return nsamples_; }
  QSpinBox* seqlen_box() const { return seqlen_; }
  QSpinBox* seed_box() const { return seed_; }
  QSpinBox* batch_box() const { return batch_; }
  QCheckBox* lm_head_box() const { return lm_head_; }
  QCheckBox* resident_box() const { return resident_; }
  QPushButton* analyze_button() const { return analyze_; }

 signals:
  void analyze_requested();

 private:
  QListWidget* paths_;
  QListWidget* options_;
  QSpinBox* nsamples_;
  QSpinBox* seqlen_;
  QSpinBox* seed_;
  QSpinBox* batch_;
  QCheckBox* lm_head_;
  QCheckBox* resident_;
  QPushButton* analyze_;
};

}  // namespace srs::ui
