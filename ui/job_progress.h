#pragma once
// The status-bar progress of a running job: stage, count, elapsed time, ETA and a Cancel button.
#include <QElapsedTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace srs::ui {

class JobRunner;

class JobProgress : public QWidget {
  Q_OBJECT
 public:
  explicit JobProgress(JobRunner* runner, QWidget* parent = nullptr);
  QPushButton* cancel_button() const { return cancel_; }
  QLabel* stage_label() const { return stage_; }
  QProgressBar* bar() const { return bar_; }

 private:
  void on_progress(const QString& stage, qint64 done, qint64 total, const QString& message);
  void on_busy(bool busy);

  QLabel* stage_;
  QProgressBar* bar_;
  QLabel* eta_;
  QPushButton* cancel_;
  QElapsedTimer stage_clock_;
  QString current_stage_;
};

// "1 h 02 min", "3 min 20 s", "12 s".
QString format_duration(double seconds);

}  // namespace srs::ui
