#pragma once
// Runs core jobs on a worker thread (a worker QObject moved to a QThread, as in Tiled's
// FolderScanner) so the event loop never blocks. One job at a time; progress and the outcome
// come back as queued signals. cancel() fires the job's CancelToken; the core checks it
// between iterations, so a job stops within one iteration.
#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>

#include "util/progress.h"

namespace srs::ui {

class JobWorker;

class JobRunner : public QObject {
  Q_OBJECT
 public:
  // A job reports progress through the callback and checks the token between iterations.
  // It must leave shared state untouched until it has finished (results are handed over in
  // its own completion code), so that a cancel leaves everything as it was.
  using Job = std::function<void(const ProgressFn& progress, const CancelToken& cancel)>;

  explicit JobRunner(QObject* parent = nullptr);
  ~JobRunner() override;  // cancels a running job and waits for the thread

  bool busy() const { return busy_; }
  // Starts `job` unless one is running (returns false then).
  bool start(const QString& name, Job job);
  void cancel();
  // Blocks until the running job has ended (for shutdown and tests); true when idle.
  bool wait_idle(int timeout_ms);

 signals:
  void progress(const QString& stage, qint64 done, qint64 total, const QString& message);
  void finished(const QString& name);
  void failed(const QString& name, const QString& error);
  void cancelled(const QString& name);
  void busy_changed(bool busy);

 private:
  void on_done(const QString& name, int outcome, const QString& error);

  QThread thread_;
  JobWorker* worker_;
  std::shared_ptr<CancelToken> token_;
  bool busy_ = false;
};

}  // namespace srs::ui
