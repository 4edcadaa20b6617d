#pragma once
// What the studio window is about, shared by every view: the open model (summary), the
// project (sensitivity table, calibration, option JSON) and the plan being edited (a core
// PlanEditor). Views read from here and ask for changes here; every change emits a signal,
// so the chart, the budget panel and the plan table never talk to each other directly.
// All logic is core's; this class only owns the objects and turns changes into signals.
#include <QObject>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "allocate/plan_editor.h"
#include "io/model_summary.h"
#include "project/project.h"

namespace srs::ui {

class StudioDocument : public QObject {
  Q_OBJECT
 public:
  explicit StudioDocument(QObject* parent = nullptr);
  ~StudioDocument() override;

  // --- model ---
  bool has_model() const { return model_.has_value(); }
  const ModelSummary& model() const { return *model_; }
  // Opens the model's headers (fast) and shows it; throws srs::Error for a bad model.
  void open_model(const QString& path);
  void clear_model();

  // --- project ---
  bool has_project() const { return editor_ != nullptr; }
  const Project& project() const { return project_; }  // table, options, calibration, saved plans
  const SensitivityTable& table() const { return project_.table; }
  const PlanEditor& editor() const { return *editor_; }
  QString project_path() const { return project_path_; }  // empty until saved
  bool dirty() const { return dirty_; }
  // Takes a freshly analyzed project (unsaved) or replaces the current one.
  void set_project(Project project, const QString& path = {});
  // A new analysis of the open project's model: the scores are replaced, the path is kept, and
  // the plan carries over by layer and option name (locks, target, cost setting), so a
  // re-analysis never throws away the user's overrides.
  void take_analysis(Project project);
  // Reads a project file; restores the saved plan (locks, target, cost setting).
  void open_project(const QString& path);
  // Writes the project with the current plan as its plan "current" (atomic).
  void save_project(const QString& path);
  void close_project();

  // --- plan editing (each re-solves and emits plan_changed) ---
  void set_target(double avg_bits);
  void set_count_overhead(bool on);
  void lock(int layer, int option);
  void lock_current(const std::vector<int>& layers);
  void unlock(const std::vector<int>& layers);
  void unlock_all();
  int apply_rule(const QString& regex, const QString& option);
  void import_plan(const QString& path);  // layer_config JSON; every layer locked to it
  void export_plan(const QString& path) const;
  void export_scores(const QString& path) const;

  // --- selection (chart click <-> table row) ---
  int selected_layer() const { return selected_; }
  void select_layer(int layer);

  // Model bytes under the current plan: the plan's layers plus, when the model is open, every
  // other weight (embeddings, norms) at 16 bits.
  uint64_t estimated_model_bytes() const;

 signals:
  void model_changed();
  void project_about_to_change();  // the table is about to be replaced (item models begin a reset)
  void project_changed();           // a new table: views rebuild
  void plan_changed();     // a re-solve: views refresh values
  void selection_changed(int layer);
  void dirty_changed(bool dirty);
  void message(const QString& text);  // for the log panel

 private:
  void edited();  // plan changed by the user
  void set_dirty(bool d);

  std::optional<ModelSummary> model_;
  Project project_;
  std::unique_ptr<PlanEditor> editor_;
  QString project_path_;
  bool dirty_ = false;
  int selected_ = -1;
};

}  // namespace srs::ui
