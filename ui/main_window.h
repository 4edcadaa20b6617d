#pragma once
// The SignRound Studio main window: a welcome page, then the workspace (sensitivity chart,
// plan table, budget panel) with the model summary and calibration panel docked on the left
// and the log below. Menus carry every action with shortcuts; jobs run on a worker thread
// with progress, ETA and Cancel in the status bar.
#include <QMainWindow>
#include <functional>

class QStackedWidget;

namespace srs::ui {

class AnalysisController;
class BudgetPanel;
class CalibrationPanel;
class JobProgress;
class JobRunner;
class LogPanel;
class ModelSummaryView;
class PlanTableView;
class RecentFiles;
class SensitivityChart;
class StudioDocument;
class WelcomeView;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Opens a project (.h5) or a model (a folder or a .gguf) by what the path is. Errors are
  // logged and, when interactive, shown in a dialog; returns false then.
  bool open_path(const QString& path);
  bool open_model(const QString& path);
  bool open_project(const QString& path);
  bool save_project_as(const QString& path);
  // Starts analyzing the open model with the calibration panel's settings.
  bool analyze();
  // Tests and scripts turn dialogs off: errors then only reach the log and last_error().
  void set_interactive(bool on) { interactive_ = on; }
  QString last_error() const { return last_error_; }
  bool showing_welcome() const;

  StudioDocument* document() const { return doc_; }
  JobRunner* jobs() const { return jobs_; }
  CalibrationPanel* calibration() const { return calibration_; }
  ModelSummaryView* model_summary() const { return summary_; }
  SensitivityChart* chart() const { return chart_; }
  BudgetPanel* budget() const { return budget_; }
  PlanTableView* plan_table() const { return table_; }
  WelcomeView* welcome() const { return welcome_; }
  LogPanel* log() const { return log_; }
  JobProgress* job_progress() const { return progress_; }
  AnalysisController* analysis() const { return analysis_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_menus();
  void report_error(const QString& what, const QString& error);
  // Runs `work`; an exception becomes report_error(what, message + hint). True on success.
  bool attempt(const QString& what, const std::function<void()>& work, const QString& hint = {});
  bool maybe_save();  // false: the user cancelled
  // True (and says so) while a job runs: the document must not change under it.
  bool refuse_while_busy(const QString& what);
  void save();
  void save_as();
  void update_title();
  void update_view();
  void restore_settings();
  void save_settings() const;

  StudioDocument* doc_;
  JobRunner* jobs_;
  RecentFiles* recent_;
  AnalysisController* analysis_;
  QStackedWidget* pages_;
  WelcomeView* welcome_;
  SensitivityChart* chart_;
  BudgetPanel* budget_;
  PlanTableView* table_;
  ModelSummaryView* summary_;
  CalibrationPanel* calibration_;
  LogPanel* log_;
  JobProgress* progress_;
  bool interactive_ = true;
  QString last_error_;
};

// The demo model fetched by scripts/fetch-demo-model.sh ($SRS_DEMO_MODEL overrides), or ""
// when it is not there.
QString demo_model_path();
// Its calibration text (the Austen novels), or "".
QString demo_calibration_path();

}  // namespace srs::ui
