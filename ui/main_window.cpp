#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

#include "analysis_controller.h"
#include "budget_panel.h"
#include "calibration_panel.h"
#include "job_progress.h"
#include "job_runner.h"
#include "log_panel.h"
#include "model_summary_view.h"
#include "plan_table_view.h"
#include "recent_files.h"
#include "sensitivity_chart.h"
#include "studio_document.h"
#include "welcome_view.h"

namespace srs::ui {

QString demo_model_path() {
  const QString env = qEnvironmentVariable("SRS_DEMO_MODEL");
  const QString path = env.isEmpty() ? QStringLiteral(SRS_DEMO_DIR "/SmolLM2-135M-Instruct.Q4_1.gguf") : env;
  return QFileInfo::exists(path) ? path : QString();
}

QString demo_calibration_path() {
  const QString demo = demo_model_path();
  if (demo.isEmpty()) return {};
  const QString austen = QFileInfo(demo).absolutePath() + "/austen";
  return QFileInfo(austen).isDir() ? austen : QString();
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      doc_(new StudioDocument(this)),
      jobs_(new JobRunner(this)),
      recent_(new RecentFiles(this)),
      analysis_(new AnalysisController(doc_, jobs_, this)),
      pages_(new QStackedWidget(this)),
      welcome_(new WelcomeView(recent_, demo_model_path(), this)),
      chart_(new SensitivityChart(doc_, this)),
      budget_(new BudgetPanel(doc_, this)),
      table_(new PlanTableView(doc_, this)),
      summary_(new ModelSummaryView(doc_, this)),
      calibration_(new CalibrationPanel(this)),
      log_(new LogPanel(this)),
      progress_(new JobProgress(jobs_, this)) {
  setObjectName("MainWindow");
  setAcceptDrops(true);

  auto* lower = new QSplitter(Qt::Horizontal, this);
  lower->addWidget(table_);
  lower->addWidget(budget_);
  lower->setStretchFactor(0, 3);
  lower->setStretchFactor(1, 2);
  auto* workspace = new QSplitter(Qt::Vertical, this);
  workspace->setObjectName("workspace");
  workspace->addWidget(chart_);
  workspace->addWidget(lower);
  workspace->setStretchFactor(0, 1);
  workspace->setStretchFactor(1, 1);
  pages_->addWidget(welcome_);
  pages_->addWidget(workspace);
  setCentralWidget(pages_);

  auto* side = new QWidget(this);
  auto* side_layout = new QVBoxLayout(side);
  side_layout->addWidget(summary_);
  side_layout->addWidget(calibration_, 1);
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(side);
  scroll->setWidgetResizable(true);
  auto* model_dock = new QDockWidget(tr("Model and calibration"), this);
  model_dock->setObjectName("model_dock");
  model_dock->setWidget(scroll);
  addDockWidget(Qt::LeftDockWidgetArea, model_dock);
  auto* log_dock = new QDockWidget(tr("Log"), this);
  log_dock->setObjectName("log_dock");
  log_dock->setWidget(log_);
  addDockWidget(Qt::BottomDockWidgetArea, log_dock);
  statusBar()->addPermanentWidget(progress_, 1);
  // First-run proportions (restore_settings replaces them with the user's): the chart gets the
  // upper half, the log a few lines.
  resizeDocks({log_dock}, {fontMetrics().height() * 7}, Qt::Vertical);
  resizeDocks({model_dock}, {fontMetrics().horizontalAdvance('x') * 46}, Qt::Horizontal);
  workspace->setSizes({1000, 1000});
  lower->setSizes({1300, 800});

  connect(doc_, &StudioDocument::message, log_, &LogPanel::append_line);
  connect(doc_, &StudioDocument::dirty_changed, this, &MainWindow::update_title);
  connect(doc_, &StudioDocument::model_changed, this, &MainWindow::update_view);
  connect(doc_, &StudioDocument::project_changed, this, &MainWindow::update_view);
  connect(welcome_, &WelcomeView::open_path_requested, this, &MainWindow::open_path);
  connect(calibration_, &CalibrationPanel::analyze_requested, this, &MainWindow::analyze);
  connect(table_, &PlanTableView::error, this, [this](const QString& e) { report_error(tr("Plan"), e); });
  connect(jobs_, &JobRunner::busy_changed, calibration_->analyze_button(), &QWidget::setDisabled);
  connect(analysis_, &AnalysisController::finished, this, [this](double seconds) {
    log_->append_line(tr("Analysis finished in %1: %2 layers x %3 options")
                          .arg(format_duration(seconds))
                          .arg(doc_->table().layers.size())
                          .arg(doc_->table().options.size()));
    statusBar()->showMessage(tr("Analysis finished"), 5000);
  });
  connect(analysis_, &AnalysisController::up_to_date, this, [this] {
    log_->append_line(tr("The project already holds DeltaLoss scores for this model, calibration text and options; "
                         "nothing was recomputed (change the calibration or the options to analyze again)"));
    statusBar()->showMessage(tr("Scores are up to date"), 5000);
  });
  connect(analysis_, &AnalysisController::failed, this,
          [this](const QString& e) { report_error(tr("Analysis failed"), e); });
  connect(analysis_, &AnalysisController::cancelled, this, [this] {
    log_->append_line(tr("Analysis cancelled; the project is unchanged"));
    statusBar()->showMessage(tr("Analysis cancelled"), 5000);
  });

  build_menus();
  restore_settings();
  update_view();
  update_title();
}

MainWindow::~MainWindow() = default;

void MainWindow::build_menus() {
  auto add = [this](QMenu* menu, const QString& text, const QKeySequence& key, auto slot) {
    QAction* a = menu->addAction(text);
    a->setShortcut(key);
    connect(a, &QAction::triggered, this, slot);
    return a;
  };
  QMenu* file = menuBar()->addMenu(tr("&File"));
  add(file, tr("Open &Model…"), QKeySequence(tr("Ctrl+Shift+O")), [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open model (a .gguf file or an HF folder's config.json)"),
                                                      {}, tr("Models (*.gguf config.json);;All files (*)"));
    if (!path.isEmpty()) open_model(path.endsWith("config.json") ? QFileInfo(path).absolutePath() : path);
  });
  connect(welcome_, &WelcomeView::open_model_requested, file->actions().back(), &QAction::trigger);
  add(file, tr("&Open Project…"), QKeySequence::Open, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), {}, tr("Projects (*.h5)"));
    if (!path.isEmpty()) open_project(path);
  });
  connect(welcome_, &WelcomeView::open_project_requested, file->actions().back(), &QAction::trigger);
  add(file, tr("&New Project"), QKeySequence::New, [this] {
    if (!refuse_while_busy(tr("New project")) && maybe_save()) doc_->close_project();
  });
  QMenu* recent = file->addMenu(tr("Open &Recent"));
  auto fill_recent = [this, recent] {
    recent->clear();
    for (const auto& p : recent_->paths()) recent->addAction(p, this, [this, p] { open_path(p); });
    recent->addSeparator();
    recent->addAction(tr("Clear"), recent_, &RecentFiles::clear);
  };
  connect(recent_, &RecentFiles::changed, this, fill_recent);
  fill_recent();
  file->addSeparator();
  add(file, tr("&Save Project"), QKeySequence::Save, [this] { save(); });
  add(file, tr("Save Project &As…"), QKeySequence::SaveAs, [this] { save_as(); });
  file->addSeparator();
  add(file, tr("&Import Plan (layer_config JSON)…"), QKeySequence(tr("Ctrl+I")), [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Import plan"), {}, tr("Plans (*.json)"));
    if (!path.isEmpty()) attempt(tr("Import plan"), [&] { doc_->import_plan(path); });
  });
  // Asks where, writes, and logs the file written (or reports why not).
  auto export_to = [this](const QString& what, const QString& name, const QString& filter,
                          const std::function<void(const QString&)>& write) {
    const QString path = QFileDialog::getSaveFileName(this, what, name, filter);
    if (!path.isEmpty() && attempt(what, [&] { write(path); })) log_->append_line(tr("%1: wrote %2").arg(what, path));
  };
  add(file, tr("&Export Plan (layer_config JSON)…"), QKeySequence(tr("Ctrl+E")), [=] {
    export_to(tr("Export plan"), "layer_config.json", tr("Plans (*.json)"), [this](const QString& p) { doc_->export_plan(p); });
  });
  add(file, tr("Export Scores (&CSV)…"), QKeySequence(), [=] {
    export_to(tr("Export scores"), "scores.csv", tr("CSV (*.csv)"), [this](const QString& p) { doc_->export_scores(p); });
  });
  add(file, tr("Export C&hart…"), QKeySequence(tr("Ctrl+Shift+E")), [=] {
    export_to(tr("Export chart"), "sensitivity.png", tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf)"),
              [this](const QString& p) { chart_->export_image(p); });
  });
  file->addSeparator();
  add(file, tr("&Quit"), QKeySequence::Quit, [this] { close(); });

  QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
  add(analysis, tr("&Analyze"), QKeySequence(Qt::Key_F5), [this] { analyze(); });
  // Enabled only while a job runs, so Escape reaches line edits and dialogs otherwise.
  QAction* cancel = add(analysis, tr("&Cancel Job"), QKeySequence(Qt::Key_Escape), [this] { jobs_->cancel(); });
  cancel->setEnabled(false);
  connect(jobs_, &JobRunner::busy_changed, cancel, &QAction::setEnabled);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (auto* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About"), this, [this] {
    QMessageBox::about(this, tr("About SignRound Studio"),
                       tr("<b>SignRound Studio</b><p>Interactive extremely low-bit quantization of LLMs: DeltaLoss "
                          "sensitivity, budgeted bit allocation and SignRound tuning (SignRoundV2, Cheng et al. "
                          "2025).</p>"));
  });
}

bool MainWindow::showing_welcome() const { return pages_->currentWidget() == welcome_; }

void MainWindow::update_view() {
  pages_->setCurrentIndex(doc_->has_model() || doc_->has_project() ? 1 : 0);
  update_title();
}

void MainWindow::update_title() {
  QString name = tr("untitled");
  if (!doc_->project_path().isEmpty())
    name = QFileInfo(doc_->project_path()).fileName();
  else if (doc_->has_model())
    name = QFileInfo(QString::fromStdString(doc_->model().path)).fileName();
  setWindowTitle(tr("%1[*] — SignRound Studio").arg(name));
  setWindowModified(doc_->dirty());
}

bool MainWindow::attempt(const QString& what, const std::function<void()>& work, const QString& hint) {
  try {
    work();
    return true;
  } catch (const std::exception& e) {
    report_error(what, QString::fromStdString(e.what()) + hint);
    return false;
  }
}

void MainWindow::report_error(const QString& what, const QString& error) {
  last_error_ = what + ": " + error;
  log_->append_error(last_error_);
  if (interactive_) QMessageBox::warning(this, what, error);
}

bool MainWindow::open_path(const QString& path) {
  return path.endsWith(".h5", Qt::CaseInsensitive) ? open_project(path) : open_model(path);
}

bool MainWindow::refuse_while_busy(const QString& what) {
  if (!jobs_->busy()) return false;
  report_error(what, tr("A job is running on the open model. Wait for it, or cancel it (Esc), first."));
  return true;
}

bool MainWindow::open_model(const QString& path) {
  if (refuse_while_busy(tr("Open model"))) return false;
  if (!attempt(tr("Cannot open the model"), [&] { doc_->open_model(path); },
               tr("\n\nOpen a Hugging Face model folder (config.json, *.safetensors, tokenizer.json) or a .gguf file.")))
    return false;
  recent_->add(path);
  if (calibration_->paths().isEmpty() && path == demo_model_path() && !demo_calibration_path().isEmpty())
    calibration_->set_paths({demo_calibration_path()});
  return true;
}

bool MainWindow::open_project(const QString& path) {
  if (refuse_while_busy(tr("Open project")) || !maybe_save()) return false;
  if (!attempt(tr("Cannot open the project"), [&] { doc_->open_project(path); })) return false;
  recent_->add(path);
  const auto& p = doc_->project();
  calibration_->show_settings(p.calibration, p.table.options);
  // Show the project's model too when it is still where it was (headers only: fast); never
  // leave another model on show next to these scores.
  const QString model = QString::fromStdString(p.model.path);
  doc_->clear_model();
  if (!QFileInfo::exists(model)) {
    log_->append_line(tr("The project's model %1 is not there; the scores and the plan still work, Analyze needs "
                         "the model (open it with File > Open Model)")
                          .arg(model));
  } else {
    attempt(tr("Cannot open the project's model"), [&] { doc_->open_model(model); });  // the project stays open
  }
  return true;
}

bool MainWindow::save_project_as(const QString& path) {
  if (!attempt(tr("Cannot save the project"), [&] { doc_->save_project(path); },
               tr("\n\nThe previous file, if any, is unchanged.")))
    return false;
  recent_->add(path);
  update_title();
  return true;
}

void MainWindow::save() {
  if (doc_->project_path().isEmpty())
    save_as();
  else
    save_project_as(doc_->project_path());
}

void MainWindow::save_as() {
  if (!doc_->has_project()) {
    report_error(tr("Save project"), tr("There is nothing to save yet: analyze a model first."));
    return;
  }
  const QString path = QFileDialog::getSaveFileName(this, tr("Save project"), "project.h5", tr("Projects (*.h5)"));
  if (!path.isEmpty()) save_project_as(path.endsWith(".h5") ? path : path + ".h5");
}

bool MainWindow::analyze() {
  if (!doc_->has_model()) {
    report_error(tr("Analyze"), tr("Open a model first (File > Open Model)."));
    return false;
  }
  if (calibration_->paths().isEmpty()) {
    report_error(tr("Analyze"), tr("Add calibration text: .txt or .jsonl files, or a folder of them."));
    return false;
  }
  if (calibration_->checked_options().isEmpty()) {
    report_error(tr("Analyze"), tr("Check at least one candidate option."));
    return false;
  }
  QSettings settings;
  settings.setValue("calibration/paths", calibration_->paths());
  settings.setValue("calibration/options", calibration_->checked_options());
  const AnalyzeRequest request = calibration_->request(QString::fromStdString(doc_->model().path));
  if (!analysis_->start(request)) {
    report_error(tr("Analyze"), tr("A job is already running; wait for it or cancel it."));
    return false;
  }
  log_->append_line(tr("Analyzing %1 on %2 x %3 tokens for %4")
                        .arg(QFileInfo(QString::fromStdString(request.model_path)).fileName())
                        .arg(request.nsamples)
                        .arg(request.seqlen)
                        .arg(calibration_->checked_options().join(", ")));
  return true;
}

bool MainWindow::maybe_save() {
  if (!doc_->dirty() || !interactive_) return true;
  const auto answer = QMessageBox::question(this, tr("Unsaved changes"),
                                            tr("The project has unsaved changes. Save them?"),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) {
    save();
    return !doc_->dirty();
  }
  return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (jobs_->busy()) {  // stop the worker first (it checks the token between block passes), so
    jobs_->cancel();    // what the user is asked to save is final
    if (!jobs_->wait_idle(30000)) {
      report_error(tr("Close"), tr("The running job did not stop within 30 s; try closing again."));
      event->ignore();
      return;
    }
  }
  if (!maybe_save()) {
    event->ignore();
    return;
  }
  save_settings();
  event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const auto& url : event->mimeData()->urls())
    if (url.isLocalFile()) {
      open_path(url.toLocalFile());
      break;
    }
  event->acceptProposedAction();
}

void MainWindow::restore_settings() {
  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1500, 950);
  restoreState(settings.value("window/state").toByteArray());
  const QStringList paths = settings.value("calibration/paths").toStringList();
  if (!paths.isEmpty()) calibration_->set_paths(paths);
  const QStringList options = settings.value("calibration/options").toStringList();
  if (!options.isEmpty()) calibration_->set_checked_options(options);
}

void MainWindow::save_settings() const {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
}

}  // namespace srs::ui
