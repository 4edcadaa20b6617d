#include "job_progress.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

#include "job_runner.h"

namespace srs::ui {

QString format_duration(double seconds) {
  const auto s = static_cast<qint64>(seconds + 0.5);
  if (s >= 3600) return QString("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
  if (s >= 60) return QString("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
  return QString("%1 s").arg(s);
}

JobProgress::JobProgress(JobRunner* runner, QWidget* parent)
    : QWidget(parent),
      stage_(new QLabel(this)),
      bar_(new QProgressBar(this)),
      eta_(new QLabel(this)),
      cancel_(new QPushButton(tr("Cancel"), this)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(stage_);
  layout->addWidget(bar_, 1);
  layout->addWidget(eta_);
  layout->addWidget(cancel_);
  bar_->setMinimumWidth(fontMetrics().horizontalAdvance('x') * 30);
  cancel_->setToolTip(tr("Stop the job; the project stays as it was (Esc)"));
  connect(cancel_, &QPushButton::clicked, runner, &JobRunner::cancel);
  connect(runner, &JobRunner::progress, this, &JobProgress::on_progress);
  connect(runner, &JobRunner::busy_changed, this, &JobProgress::on_busy);
  on_busy(runner->busy());
}

void JobProgress::on_progress(const QString& stage, qint64 done, qint64 total, const QString& message) {
  if (stage != current_stage_) {  // the ETA is per stage: each option's passes take the same time
    current_stage_ = stage;
    stage_clock_.start();
  }
  stage_->setText(message.isEmpty() ? stage : stage + ": " + message);
  bar_->setRange(0, total > 0 ? static_cast<int>(total) : 0);
  bar_->setValue(static_cast<int>(done));
  bar_->setFormat(QString("%1 / %2").arg(done).arg(total));
  const double elapsed = static_cast<double>(stage_clock_.elapsed()) / 1000.0;
  if (done > 0 && total > done)
    eta_->setText(tr("%1 elapsed, about %2 left")
                      .arg(format_duration(elapsed), format_duration(elapsed * static_cast<double>(total - done) /
                                                                     static_cast<double>(done))));
  else
    eta_->setText(tr("%1 elapsed").arg(format_duration(elapsed)));
}

void JobProgress::on_busy(bool busy) {
  setVisible(busy);
  if (busy) {
    current_stage_.clear();
    stage_->setText(tr("starting…"));
    eta_->clear();
    bar_->setRange(0, 0);
  }
}

}  // namespace srs::ui
