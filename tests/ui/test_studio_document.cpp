// StudioDocument with the analyze job on a real (tiny) model: the project it produces, plan
// editing, save and reopen, import and export, and the errors a user can cause.
#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <filesystem>
#include <fstream>

#include "allocate/plan_json.h"
#include "pipeline/analyze.h"
#include "studio_document.h"
#include "tiny_studio_model.h"
#include "util/error.h"

namespace {

using srs::ui::StudioDocument;

struct AnalyzedTiny {
  QTemporaryDir dir;
  srs::test::TinyStudioModel model;
  srs::Project project;
};

// One analysis shared by the tests of this file (it takes about a second).
const AnalyzedTiny& analyzed() {
  static AnalyzedTiny* a = [] {
    auto* t = new AnalyzedTiny;
    t->model = srs::test::write_tiny_studio_model(t->dir.path().toStdString());
    srs::AnalyzeRequest r;
    r.model_path = t->model.model_dir;
    r.calib_paths = {t->model.calib_file};
    r.nsamples = 8;
    r.seqlen = 64;
    r.batch_size = 4;
    r.options = {"W2A16", "W4A16", "W8A16"};
    t->project = srs::run_analysis(srs::prepare_analysis(r));
    return t;
  }();
  return *a;
}

TEST(StudioDocument, AnalysisOfTheTinyModelGivesAScoreForEveryLayerAndOption) {
  const auto& a = analyzed();
  ASSERT_EQ(a.project.table.layers.size(), static_cast<size_t>(a.model.linear_layers));
  EXPECT_EQ(a.project.table.options, (std::vector<std::string>{"W2A16", "W4A16", "W8A16"}));
  for (const auto& l : a.project.table.layers) {
    EXPECT_GT(l.score[0], l.score[2]) << l.name << ": 2-bit must hurt more than 8-bit";
    EXPECT_GT(l.score[2], 0.0) << l.name;
  }
  EXPECT_EQ(a.project.calibration.nsamples, 8);
  EXPECT_FALSE(a.project.calibration.token_hash.empty());
  EXPECT_FALSE(a.project.model.header_hash.empty());
}

TEST(StudioDocument, SetProjectEmitsAndEditsReSolveWithinTheBudget) {
  StudioDocument doc;
  QSignalSpy project_changed(&doc, &StudioDocument::project_changed);
  QSignalSpy plan_changed(&doc, &StudioDocument::plan_changed);
  doc.set_project(analyzed().project);
  EXPECT_EQ(project_changed.count(), 1);
  EXPECT_TRUE(doc.dirty()) << "an unsaved analysis is unsaved work";
  doc.set_target(3.0);
  EXPECT_GE(plan_changed.count(), 2);
  EXPECT_LE(doc.editor().plan().avg_bits, 3.0 + 1e-12);
  doc.lock(0, 2);
  EXPECT_EQ(doc.editor().plan().choice[0], 2);
  EXPECT_LE(doc.editor().plan().avg_bits, 3.0 + 1e-12);
  EXPECT_EQ(doc.estimated_model_bytes(), doc.editor().plan_size_bytes()) << "no model open: the table's layers only";
  // With the model open, every weight outside the table (embeddings, norms) counts at 16 bits.
  doc.open_model(QString::fromStdString(analyzed().model.model_dir));
  int64_t in_table = 0;
  for (const auto& l : doc.table().layers) in_table += l.params;
  EXPECT_EQ(doc.estimated_model_bytes(),
            doc.editor().plan_size_bytes() + static_cast<uint64_t>(doc.model().parameters - in_table) * 2);
}

TEST(StudioDocument, ReAnalysisKeepsTheOverridesThatStillApply) {
  StudioDocument doc;
  doc.set_project(analyzed().project);
  doc.set_target(3.5);
  doc.lock(3, 2);  // o_proj of block 0 at W8A16
  srs::Project again = analyzed().project;
  again.table.options = {"W2A16", "W8A16"};  // W4A16 dropped: the lock on W8A16 still applies
  for (auto& l : again.table.layers) {
    l.score.erase(l.score.begin() + 1);
    l.bits.erase(l.bits.begin() + 1);
    l.bits_no_overhead.erase(l.bits_no_overhead.begin() + 1);
  }
  again.option_json.erase(again.option_json.begin() + 1);
  doc.take_analysis(again);
  EXPECT_EQ(doc.table().options.size(), 2u);
  EXPECT_TRUE(doc.editor().is_locked(3));
  EXPECT_EQ(doc.editor().plan().choice[3], 1) << "W8A16 is option 1 of the new table";
  EXPECT_TRUE(doc.dirty());
}

TEST(StudioDocument, SaveAndReopenRestoresThePlanLocksAndTarget) {
  const QTemporaryDir dir;
  const QString path = dir.filePath("p.h5");
  StudioDocument doc;
  doc.set_project(analyzed().project);
  doc.set_count_overhead(false);
  doc.set_target(3.5);
  doc.lock(3, 0);  // o_proj of block 0 at W2A16
  doc.save_project(path);
  EXPECT_FALSE(doc.dirty());
  StudioDocument reopened;
  reopened.open_project(path);
  EXPECT_FALSE(reopened.dirty());
  EXPECT_FALSE(reopened.editor().count_overhead());
  EXPECT_DOUBLE_EQ(reopened.editor().target(), doc.editor().target());
  EXPECT_EQ(reopened.editor().plan().choice, doc.editor().plan().choice);
  EXPECT_EQ(reopened.editor().plan().locked, doc.editor().plan().locked);
  EXPECT_TRUE(reopened.editor().is_locked(3));
}

TEST(StudioDocument, ExportedPlanImportsAsTheSamePlanAllLocked) {
  const QTemporaryDir dir;
  StudioDocument doc;
  doc.set_project(analyzed().project);
  doc.set_target(4.0);
  const auto plan = doc.editor().plan().choice;
  doc.export_plan(dir.filePath("plan.json"));
  doc.export_scores(dir.filePath("scores.csv"));
  EXPECT_GT(std::filesystem::file_size(dir.filePath("scores.csv").toStdString()), 100u);
  doc.unlock_all();
  doc.set_target(doc.editor().min_avg_bits());
  doc.import_plan(dir.filePath("plan.json"));
  EXPECT_EQ(doc.editor().plan().choice, plan);
  for (size_t i = 0; i < plan.size(); ++i) EXPECT_TRUE(doc.editor().is_locked(static_cast<int>(i)));
}

TEST(StudioDocument, BadFilesAreClearErrorsAndChangeNothing) {
  const QTemporaryDir dir;
  StudioDocument doc;
  doc.set_project(analyzed().project);
  doc.set_target(3.0);
  const auto plan = doc.editor().plan().choice;
  {
    std::ofstream(dir.filePath("broken.h5").toStdString()) << "not an HDF5 file";
    std::ofstream(dir.filePath("broken.json").toStdString()) << "{\"model.layers.0.mlp.nope\": {\"bits\": 4}}";
  }
  EXPECT_THROW(doc.open_project(dir.filePath("broken.h5")), srs::Error);
  EXPECT_THROW(doc.import_plan(dir.filePath("broken.json")), srs::Error);
  EXPECT_THROW(doc.open_model(dir.filePath("missing.gguf")), srs::Error);
  EXPECT_THROW(doc.save_project(dir.filePath("no/such/folder/p.h5")), srs::Error);
  EXPECT_EQ(doc.editor().plan().choice, plan);
  EXPECT_FALSE(doc.has_model());
}

TEST(StudioDocument, TooLittleCalibrationTextIsAClearError) {
  const QTemporaryDir dir;
  const auto m = srs::test::write_tiny_studio_model(dir.path().toStdString(), 1);
  srs::AnalyzeRequest r;
  r.model_path = m.model_dir;
  r.calib_paths = {m.calib_file};
  r.nsamples = 100000;
  r.seqlen = 64;
  try {
    srs::prepare_analysis(r);
    FAIL() << "expected an error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("windows"), std::string::npos) << e.what();
  }
}

}  // namespace
