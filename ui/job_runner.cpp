#include "job_runner.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <exception>

#include "util/error.h"

namespace srs::ui {

// Lives on the worker thread; executes one job per run() call.
class JobWorker : public QObject {
  Q_OBJECT
 public:
  enum Outcome { Ok = 0, Failed = 1, Cancelled = 2 };

 signals:
  void progress(const QString& stage, qint64 done, qint64 total, const QString& message);
  void done(const QString& name, int outcome, const QString& error);

 public:
  void run(const QString& name, const JobRunner::Job& job, const std::shared_ptr<CancelToken>& token) {
    int outcome = Ok;
    QString error;
    try {
      job([this](const Progress& p) {
            emit progress(QString::fromStdString(p.stage), p.done, p.total, QString::fromStdString(p.message));
          },
          *token);
      if (token->cancelled()) outcome = Cancelled;
    } catch (const srs::Cancelled&) {
      outcome = Cancelled;
    } catch (const std::exception& e) {
      outcome = Failed;
      error = QString::fromStdString(e.what());
    } catch (...) {  // whatever a job throws, the worker reports it and stays usable
      outcome = Failed;
      error = QStringLiteral("the job failed with an unknown error");
    }
    emit done(name, outcome, error);
  }
};

JobRunner::JobRunner(QObject* parent) : QObject(parent), worker_(new JobWorker) {
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &JobWorker::progress, this, &JobRunner::progress, Qt::QueuedConnection);
  connect(worker_, &JobWorker::done, this, &JobRunner::on_done, Qt::QueuedConnection);
  thread_.setObjectName("srs-job-worker");
  thread_.start();
}

JobRunner::~JobRunner() {
  if (token_) token_->cancel();
  thread_.quit();
  thread_.wait();
}

bool JobRunner::start(const QString& name, Job job) {
  if (busy_) return false;
  busy_ = true;
  token_ = std::make_shared<CancelToken>();
  emit busy_changed(true);
  auto token = token_;
  QMetaObject::invokeMethod(
      worker_, [w = worker_, name, job = std::move(job), token] { w->run(name, job, token); }, Qt::QueuedConnection);
  return true;
}

void JobRunner::cancel() {
  if (token_) token_->cancel();
}

bool JobRunner::wait_idle(int timeout_ms) {
  QElapsedTimer timer;
  timer.start();
  while (busy_ && timer.elapsed() < timeout_ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  return !busy_;
}

void JobRunner::on_done(const QString& name, int outcome, const QString& error) {
  busy_ = false;
  token_.reset();
  emit busy_changed(false);
  if (outcome == JobWorker::Ok)
    emit finished(name);
  else if (outcome == JobWorker::Cancelled)
    emit cancelled(name);
  else
    emit failed(name, error);
}

}  // namespace srs::ui

#include "job_runner.moc"
