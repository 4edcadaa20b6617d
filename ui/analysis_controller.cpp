#include "analysis_controller.h"

#include <memory>

#include "job_runner.h"
#include "project/project_check.h"
#include "studio_document.h"

namespace srs::ui {

namespace {
const QString kJobName = QStringLiteral("analyze");
}  // namespace

AnalysisController::AnalysisController(StudioDocument* doc, JobRunner* runner, QObject* parent)
    : QObject(parent), doc_(doc), runner_(runner) {}

bool AnalysisController::start(const AnalyzeRequest& request) {
  if (runner_->busy()) return false;
  // The worker fills `result`; only the GUI thread reads it, after the finished signal.
  auto result = std::make_shared<Project>();
  auto seconds = std::make_shared<double>(0.0);
  auto reused = std::make_shared<bool>(false);
  // What the open project was computed from (a copy: the worker must not read the document).
  std::shared_ptr<const Project> current;
  if (doc_->has_project()) current = std::make_shared<Project>(doc_->project());
  // A re-analysis of the open project's model keeps the user's plan; another model starts afresh.
  const bool keep_plan = doc_->has_project() && doc_->project().model.path == request.model_path;
  auto on_finished = std::make_shared<QMetaObject::Connection>();
  auto on_failed = std::make_shared<QMetaObject::Connection>();
  auto on_cancelled = std::make_shared<QMetaObject::Connection>();
  auto disconnect_all = [on_finished, on_failed, on_cancelled] {
    QObject::disconnect(*on_finished);
    QObject::disconnect(*on_failed);
    QObject::disconnect(*on_cancelled);
  };
  *on_finished = connect(runner_, &JobRunner::finished, this, [=](const QString& name) {
    if (name != kJobName) return;
    disconnect_all();
    if (*reused) {
      emit up_to_date();
      return;
    }
    try {
      if (keep_plan)
        doc_->take_analysis(std::move(*result));
      else
        doc_->set_project(std::move(*result));
    } catch (const std::exception& e) {  // an unusable table: reported, never into the event loop
      emit failed(QString::fromStdString(e.what()));
      return;
    }
    emit finished(*seconds);
  });
  *on_failed = connect(runner_, &JobRunner::failed, this, [=](const QString& name, const QString& error) {
    if (name != kJobName) return;
    disconnect_all();
    emit failed(error);
  });
  *on_cancelled = connect(runner_, &JobRunner::cancelled, this, [=](const QString& name) {
    if (name != kJobName) return;
    disconnect_all();
    emit cancelled();
  });
  const bool started = runner_->start(kJobName, [request, result, seconds, reused, current](
                                                     const ProgressFn& progress, const CancelToken& cancel) {
    progress({"prepare", 0, 0, "tokenizing calibration text"});
    AnalysisInputs inputs = prepare_analysis(request);
    cancel.check();
    if (current && scores_reusable(*current, inputs.project().model, inputs.project().calibration, request.options,
                                   request.quantize_lm_head)) {
      *reused = true;
      return;
    }
    *result = run_analysis(std::move(inputs), progress, &cancel, seconds.get());
  });
  if (!started) disconnect_all();
  return started;
}

}  // namespace srs::ui
