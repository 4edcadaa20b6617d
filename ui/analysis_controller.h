#pragma once
// Runs the analyze job (core/pipeline/analyze) on the JobRunner's worker thread and hands the
// finished project to the document. The result only reaches the document when the whole job
// has succeeded: a cancel or an error leaves the current project exactly as it was. Scores are
// never computed twice: when the open project already holds them for this model, calibration
// tokens and options, the job stops after tokenizing and the project (and its plan) is kept.
#include <QObject>
#include <QString>

#include "pipeline/analyze.h"

namespace srs::ui {

class JobRunner;
class StudioDocument;

class AnalysisController : public QObject {
  Q_OBJECT
 public:
  AnalysisController(StudioDocument* doc, JobRunner* runner, QObject* parent = nullptr);
  // False when a job is already running.
  bool start(const AnalyzeRequest& request);

 signals:
  void finished(double seconds);
  void up_to_date();  // nothing recomputed: the open project already holds these scores
  void failed(const QString& error);
  void cancelled();

 private:
  StudioDocument* doc_;
  JobRunner* runner_;
};

}  // namespace srs::ui
