#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QThread>
#include <atomic>

#include "job_runner.h"
#include "util/error.h"

using srs::ui::JobRunner;

TEST(JobRunner, RunsOnAnotherThreadAndReportsProgress) {
  JobRunner runner;
  QSignalSpy finished(&runner, &JobRunner::finished);
  QSignalSpy progress(&runner, &JobRunner::progress);
  std::atomic<bool> other_thread{false};
  QThread* gui = QThread::currentThread();
  ASSERT_TRUE(runner.start("count", [&](const srs::ProgressFn& report, const srs::CancelToken&) {
    other_thread = QThread::currentThread() != gui;
    for (int i = 1; i <= 3; ++i) report({"count", i, 3, ""});
  }));
  EXPECT_FALSE(runner.start("second", [](const srs::ProgressFn&, const srs::CancelToken&) {})) << "one job at a time";
  ASSERT_TRUE(runner.wait_idle(5000));
  EXPECT_TRUE(other_thread);
  EXPECT_EQ(finished.count(), 1);
  ASSERT_EQ(progress.count(), 3);
  EXPECT_EQ(progress.at(2).at(1).toLongLong(), 3);
}

TEST(JobRunner, CancelStopsTheJobPromptly) {
  JobRunner runner;
  QSignalSpy cancelled(&runner, &JobRunner::cancelled);
  std::atomic<int> iterations{0};
  runner.start("spin", [&](const srs::ProgressFn&, const srs::CancelToken& token) {
    for (;;) {
      token.check();
      ++iterations;
      QThread::msleep(5);
    }
  });
  QThread::msleep(50);
  runner.cancel();
  ASSERT_TRUE(runner.wait_idle(1000)) << "cancel must stop the job within a second";
  EXPECT_EQ(cancelled.count(), 1);
  EXPECT_GT(iterations.load(), 0);
}

TEST(JobRunner, ErrorsComeBackAsFailedWithTheMessage) {
  JobRunner runner;
  QSignalSpy failed(&runner, &JobRunner::failed);
  runner.start("bad", [](const srs::ProgressFn&, const srs::CancelToken&) { throw srs::Error("model.gguf: bad magic"); });
  ASSERT_TRUE(runner.wait_idle(5000));
  ASSERT_EQ(failed.count(), 1);
  EXPECT_EQ(failed.at(0).at(1).toString(), QString("model.gguf: bad magic"));
}

TEST(JobRunner, DestroyingDuringAJobCancelsIt) {
  std::atomic<bool> stopped{false};
  {
    JobRunner runner;
    runner.start("spin", [&](const srs::ProgressFn&, const srs::CancelToken& token) {
      while (!token.cancelled()) QThread::msleep(2);
      stopped = true;
    });
    QThread::msleep(20);
  }
  EXPECT_TRUE(stopped);
}
