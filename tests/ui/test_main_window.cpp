// The studio as a person uses it, on a real (tiny) model, offscreen: open a model, analyze,
// read the chart, move the budget, override a layer, save and reopen, cancel, drop a file,
// close during a job.
#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <qcustomplot.h>

#include "analysis_controller.h"
#include "budget_panel.h"
#include "calibration_panel.h"
#include "job_progress.h"
#include "job_runner.h"
#include "main_window.h"
#include "model_summary_view.h"
#include "plan_table_model.h"
#include "plan_table_view.h"
#include "sensitivity_chart.h"
#include "studio_document.h"
#include "tiny_studio_model.h"

namespace {

using srs::ui::MainWindow;

struct Studio {
  QTemporaryDir dir;
  srs::test::TinyStudioModel model = srs::test::write_tiny_studio_model(dir.path().toStdString(), 3);
  MainWindow window;

  Studio() {
    window.set_interactive(false);
    window.show();
  }
  // Opens the tiny model and sets a small, quick calibration.
  void open_model(int nsamples = 8) {
    ASSERT_TRUE(window.open_path(QString::fromStdString(model.model_dir))) << window.last_error().toStdString();
    auto* c = window.calibration();
    c->set_paths({QString::fromStdString(model.calib_file)});
    c->nsamples_box()->setValue(nsamples);
    c->seqlen_box()->setValue(64);
    c->batch_box()->setValue(4);
    c->set_checked_options({"W2A16", "W4A16", "W8A16"});
  }
  // Clicks Analyze and waits for the job's end.
  void analyze() {
    QSignalSpy done(window.analysis(), &srs::ui::AnalysisController::finished);
    QTest::mouseClick(window.calibration()->analyze_button(), Qt::LeftButton);
    ASSERT_TRUE(done.wait(120000)) << window.last_error().toStdString();
  }
};

TEST(MainWindow, OpenAnalyzeBudgetOverrideSaveAndReopen) {
  Studio s;
  EXPECT_TRUE(s.window.showing_welcome());
  s.open_model();
  EXPECT_FALSE(s.window.showing_welcome());
  EXPECT_EQ(s.window.model_summary()->value("blocks"), "3");
  EXPECT_EQ(s.window.model_summary()->value("architecture"), "LlamaForCausalLM");
  s.analyze();
  auto* doc = s.window.document();
  ASSERT_TRUE(doc->has_project());
  const int layers = s.model.linear_layers;
  ASSERT_EQ(static_cast<int>(doc->table().layers.size()), layers);

  // The chart: one graph per option, one point per layer.
  for (int o = 0; o < 3; ++o) {
    ASSERT_NE(s.window.chart()->option_graph(o), nullptr);
    EXPECT_EQ(s.window.chart()->option_graph(o)->data()->size(), layers) << "option " << o;
  }

  // The budget: moving the slider re-solves; achieved bits stay under the target; the table follows.
  QSlider* slider = s.window.budget()->slider();
  for (int v : {slider->minimum() + 100, (slider->minimum() + slider->maximum()) / 2, slider->maximum() - 50}) {
    slider->setValue(v);
    const double target = doc->editor().target();
    EXPECT_NEAR(s.window.budget()->spin_box()->value(), target, 1e-3);
    EXPECT_LE(doc->editor().plan().avg_bits, target + 1e-9);
    auto* model = s.window.plan_table()->model();
    for (int r = 0; r < layers; ++r) {
      const int c = doc->editor().plan().choice[static_cast<size_t>(r)];
      EXPECT_EQ(model->index(r, model->chosen_column()).data().toString().toStdString(),
                c < 0 ? "BF16" : doc->table().options[static_cast<size_t>(c)]);
    }
  }

  // An override in the table: down_proj of block 1 to W8A16 stays locked through budget moves.
  const int down1 = doc->table().find_layer("model.layers.1.mlp.down_proj");
  auto* model = s.window.plan_table()->model();
  ASSERT_TRUE(model->setData(model->index(down1, model->chosen_column()), "W8A16", Qt::EditRole));
  EXPECT_TRUE(doc->editor().is_locked(down1));
  slider->setValue(slider->minimum() + 10);
  EXPECT_EQ(doc->editor().plan().choice[static_cast<size_t>(down1)], 2);
  EXPECT_LE(doc->editor().plan().avg_bits, doc->editor().target() + 1e-9);

  // Save and reopen in a new window: same plan, same locks, same target.
  const QString path = s.dir.filePath("studio.h5");
  ASSERT_TRUE(s.window.save_project_as(path)) << s.window.last_error().toStdString();
  MainWindow reopened;
  reopened.set_interactive(false);
  ASSERT_TRUE(reopened.open_path(path)) << reopened.last_error().toStdString();
  auto* doc2 = reopened.document();
  EXPECT_EQ(doc2->editor().plan().choice, doc->editor().plan().choice);
  EXPECT_EQ(doc2->editor().plan().locked, doc->editor().plan().locked);
  EXPECT_DOUBLE_EQ(doc2->editor().target(), doc->editor().target());
  EXPECT_TRUE(reopened.document()->has_model()) << "the project's model opens with it";
  EXPECT_EQ(reopened.calibration()->paths(), s.window.calibration()->paths());
  EXPECT_EQ(reopened.calibration()->nsamples_box()->value(), 8) << "the settings the scores came from";
  EXPECT_EQ(reopened.calibration()->seqlen_box()->value(), 64);
  EXPECT_EQ(reopened.calibration()->batch_box()->value(), 4);
  EXPECT_EQ(reopened.calibration()->checked_options(), QStringList({"W2A16", "W4A16", "W8A16"}));
}

TEST(MainWindow, CancelDuringAnalyzeLeavesTheProjectAsItWas) {
  Studio s;
  s.open_model();
  s.analyze();
  auto* doc = s.window.document();
  const srs::SensitivityTable before = doc->table();
  const std::string hash = doc->project().calibration.token_hash;

  // A longer second analysis with other settings, cancelled in the middle of DeltaLoss.
  s.window.calibration()->nsamples_box()->setValue(64);
  s.window.calibration()->seed_box()->setValue(7);
  QSignalSpy cancelled(s.window.analysis(), &srs::ui::AnalysisController::cancelled);
  QSignalSpy progress(s.window.jobs(), &srs::ui::JobRunner::progress);
  ASSERT_TRUE(s.window.analyze());
  EXPECT_TRUE(s.window.job_progress()->isVisible());
  EXPECT_FALSE(s.window.calibration()->analyze_button()->isEnabled()) << "one job at a time";
  // Wait for the first DeltaLoss pass, then press Cancel.
  while (progress.isEmpty() || !progress.last().at(0).toString().startsWith("analyze")) ASSERT_TRUE(progress.wait(60000));
  QTest::mouseClick(s.window.job_progress()->cancel_button(), Qt::LeftButton);
  ASSERT_TRUE(cancelled.wait(5000)) << "a cancel stops within a block pass";
  EXPECT_EQ(doc->project().calibration.token_hash, hash);
  EXPECT_EQ(doc->table().layers.size(), before.layers.size());
  for (size_t i = 0; i < before.layers.size(); ++i) EXPECT_EQ(doc->table().layers[i].score, before.layers[i].score);
  EXPECT_TRUE(s.window.calibration()->analyze_button()->isEnabled());
}

TEST(MainWindow, AnalyzeWithNothingChangedKeepsTheProjectAndItsPlan) {
  Studio s;
  s.open_model();
  s.analyze();
  auto* doc = s.window.document();
  doc->set_target(3.0);
  doc->lock(0, 2);
  const auto plan = doc->editor().plan();
  QSignalSpy up_to_date(s.window.analysis(), &srs::ui::AnalysisController::up_to_date);
  QSignalSpy project_changed(doc, &srs::ui::StudioDocument::project_changed);
  QTest::mouseClick(s.window.calibration()->analyze_button(), Qt::LeftButton);
  ASSERT_TRUE(up_to_date.wait(60000));
  EXPECT_EQ(project_changed.count(), 0) << "the scores were not recomputed";
  EXPECT_EQ(doc->editor().plan().choice, plan.choice);
  EXPECT_TRUE(doc->editor().is_locked(0)) << "the user's overrides survive";
  // Another option set does recompute.
  s.window.calibration()->set_checked_options({"W2A16", "W4A16"});
  s.analyze();
  EXPECT_EQ(doc->table().options, (std::vector<std::string>{"W2A16", "W4A16"}));
  // So does scoring lm_head.
  s.window.calibration()->lm_head_box()->setChecked(true);
  s.analyze();
  EXPECT_GE(doc->table().find_layer("lm_head"), 0);
}

TEST(MainWindow, BadInputIsAClearErrorAndLosesNothing) {
  Studio s;
  EXPECT_FALSE(s.window.open_path(s.dir.filePath("no-such-model.gguf")));
  EXPECT_TRUE(s.window.last_error().contains("no-such-model.gguf")) << s.window.last_error().toStdString();
  EXPECT_TRUE(s.window.showing_welcome());
  EXPECT_FALSE(s.window.analyze()) << "no model open";
  s.open_model();
  s.window.calibration()->set_paths({});
  EXPECT_FALSE(s.window.analyze());
  EXPECT_TRUE(s.window.last_error().contains("calibration")) << s.window.last_error().toStdString();
  // Too little text for the request: the job fails with the calibration error, nothing changes.
  s.window.calibration()->set_paths({QString::fromStdString(s.model.calib_file)});
  s.window.calibration()->nsamples_box()->setValue(4000);
  QSignalSpy failed(s.window.analysis(), &srs::ui::AnalysisController::failed);
  ASSERT_TRUE(s.window.analyze());
  ASSERT_TRUE(failed.wait(60000));
  EXPECT_TRUE(failed.first().at(0).toString().contains("windows")) << failed.first().at(0).toString().toStdString();
  EXPECT_FALSE(s.window.document()->has_project());
}

TEST(MainWindow, DroppingAProjectOpensIt) {
  Studio s;
  s.open_model();
  s.analyze();
  const QString path = s.dir.filePath("dropped.h5");
  ASSERT_TRUE(s.window.save_project_as(path));
  MainWindow target;
  target.set_interactive(false);
  target.show();
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&target, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QApplication::sendEvent(&target, &drop);
  ASSERT_TRUE(target.document()->has_project()) << target.last_error().toStdString();
  EXPECT_EQ(target.document()->project_path(), path);
}

TEST(MainWindow, OpeningAnotherProjectWhileAnalyzingIsRefused) {
  Studio s;
  s.open_model();
  s.analyze();
  const QString path = s.dir.filePath("other.h5");
  ASSERT_TRUE(s.window.save_project_as(path));
  s.window.calibration()->nsamples_box()->setValue(64);
  QSignalSpy progress(s.window.jobs(), &srs::ui::JobRunner::progress);
  ASSERT_TRUE(s.window.analyze());
  ASSERT_TRUE(progress.wait(60000));
  EXPECT_FALSE(s.window.open_path(path));
  EXPECT_TRUE(s.window.last_error().contains("job is running")) << s.window.last_error().toStdString();
  s.window.jobs()->cancel();
  EXPECT_TRUE(s.window.jobs()->wait_idle(10000));
}

TEST(MainWindow, ClosingDuringAJobCancelsItCleanly) {
  Studio s;
  s.open_model(64);
  QSignalSpy progress(s.window.jobs(), &srs::ui::JobRunner::progress);
  ASSERT_TRUE(s.window.analyze());
  while (progress.isEmpty() || !progress.last().at(0).toString().startsWith("analyze")) ASSERT_TRUE(progress.wait(60000));
  EXPECT_TRUE(s.window.close());
  EXPECT_FALSE(s.window.jobs()->busy());
  EXPECT_FALSE(s.window.document()->has_project());
}

}  // namespace
