// The event loop keeps running while the demo model is analyzed on the worker thread: a 10 ms
// timer on the GUI thread records the longest gap between its ticks, from the click on
// Analyze to the end of the job. The worst stall is printed for docs/benchmarks.md. A cancel
// during DeltaLoss ends the job within a second (the core checks between block passes).
#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <algorithm>
#include <cstdio>

#include "analysis_controller.h"
#include "calibration_panel.h"
#include "job_progress.h"
#include "job_runner.h"
#include "main_window.h"
#include "studio_document.h"
#include "test_paths.h"

namespace {

// The demo model open in a window, calibration set to `nsamples` x 256 tokens of Austen.
bool open_demo(srs::ui::MainWindow& window, int nsamples) {
  const std::string model = srs::test::demo_model(), calib = srs::ui::demo_calibration_path().toStdString();
  if (!srs::test::exists(model) || !srs::test::exists(calib)) return false;
  window.set_interactive(false);
  window.show();
  EXPECT_TRUE(window.open_path(QString::fromStdString(model))) << window.last_error().toStdString();
  auto* c = window.calibration();
  c->set_paths({QString::fromStdString(calib)});
  c->nsamples_box()->setValue(nsamples);
  c->seqlen_box()->setValue(256);
  c->set_checked_options({"W2A16"});
  return true;
}

TEST(Responsiveness, EventLoopNeverStallsDuringAnalyzeOfTheDemoModel) {
  SRS_REQUIRE_FILE(srs::test::demo_model(), "run scripts/fetch-demo-model.sh");
  SRS_REQUIRE_FILE(srs::ui::demo_calibration_path().toStdString(),
                   "run scripts/fetch-demo-model.sh (it fetches the Austen text too)");
  srs::ui::MainWindow window;
  ASSERT_TRUE(open_demo(window, 8));
  auto* c = window.calibration();

  qint64 worst_ms = 0, ticks = 0;
  QElapsedTimer since_tick;
  QTimer timer;
  timer.setInterval(10);
  QObject::connect(&timer, &QTimer::timeout, [&] {
    worst_ms = std::max(worst_ms, since_tick.restart() - 10);
    ++ticks;
  });
  QSignalSpy done(window.analysis(), &srs::ui::AnalysisController::finished);
  since_tick.start();
  timer.start();
  QTest::mouseClick(c->analyze_button(), Qt::LeftButton);
  ASSERT_TRUE(done.wait(600000)) << window.last_error().toStdString();
  timer.stop();
  ASSERT_TRUE(window.document()->has_project());
  std::printf("[ measured ] worst event-loop stall during analyze of the demo model: %lld ms over %lld ticks\n",
              static_cast<long long>(worst_ms), static_cast<long long>(ticks));
  EXPECT_LT(worst_ms, 100) << "the GUI thread was blocked";
}

TEST(Responsiveness, CancelEndsAnalyzeOfTheDemoModelWithinASecond) {
  SRS_REQUIRE_FILE(srs::test::demo_model(), "run scripts/fetch-demo-model.sh");
  SRS_REQUIRE_FILE(srs::ui::demo_calibration_path().toStdString(),
                   "run scripts/fetch-demo-model.sh (it fetches the Austen text too)");
  srs::ui::MainWindow window;
  ASSERT_TRUE(open_demo(window, 16));
  QSignalSpy progress(window.jobs(), &srs::ui::JobRunner::progress);
  QSignalSpy cancelled(window.analysis(), &srs::ui::AnalysisController::cancelled);
  ASSERT_TRUE(window.analyze());
  // Into DeltaLoss: a few block passes done.
  while (progress.isEmpty() || !progress.last().at(0).toString().startsWith("analyze") ||
         progress.last().at(1).toLongLong() < 3)
    ASSERT_TRUE(progress.wait(120000));
  QElapsedTimer clock;
  clock.start();
  QTest::mouseClick(window.job_progress()->cancel_button(), Qt::LeftButton);
  ASSERT_TRUE(cancelled.wait(10000));
  const qint64 ms = clock.elapsed();
  std::printf("[ measured ] cancel during analyze of the demo model took effect in %lld ms\n", static_cast<long long>(ms));
  EXPECT_LT(ms, 1000);
  EXPECT_FALSE(window.document()->has_project()) << "nothing of the cancelled analysis is kept";
}

}  // namespace
