#include "studio_document.h"

#include "allocate/plan_json.h"
#include "allocate/score_csv.h"
#include "io/model_files.h"
#include "project/project_file.h"
#include "util/error.h"

namespace srs::ui {

namespace {

constexpr const char* kCurrentPlan = "current";

}  // namespace

StudioDocument::StudioDocument(QObject* parent) : QObject(parent) {}
StudioDocument::~StudioDocument() = default;

void StudioDocument::open_model(const QString& path) {
  const ModelFiles files = open_model_files(path.toStdString());
  check_weight_shapes(files);
  model_ = summarize_model(files);
  emit model_changed();
  emit message(tr("Opened model %1 (%2, %3 blocks)")
                   .arg(path, QString::fromLatin1(architecture_name(model_->config.architecture)))
                   .arg(model_->config.num_hidden_layers));
}

void StudioDocument::clear_model() {
  if (!model_) return;
  model_.reset();
  emit model_changed();
}

void StudioDocument::set_project(Project project, const QString& path) {
  auto editor = std::make_unique<PlanEditor>(project.table);  // validates before anything changes
  for (const auto& plan : project.plans)
    if (plan.name == kCurrentPlan) editor->load_plan(plan, false);
  emit project_about_to_change();
  project_ = std::move(project);
  editor_ = std::move(editor);
  project_path_ = path;
  selected_ = -1;
  emit project_changed();
  emit plan_changed();
  emit selection_changed(-1);
  set_dirty(path.isEmpty());
}

void StudioDocument::take_analysis(Project project) {
  if (editor_) {
    // The current plan in terms of the new table: a lock survives when its layer and option do.
    const SensitivityTable& old = project_.table;
    const QuantPlan& was = editor_->plan();
    QuantPlan carried;
    carried.name = kCurrentPlan;
    carried.choice.assign(project.table.layers.size(), -1);
    carried.locked.assign(project.table.layers.size(), 0);
    carried.target_avg_bits = editor_->target();
    carried.count_overhead = editor_->count_overhead();
    for (size_t i = 0; i < old.layers.size(); ++i) {
      if (!was.locked[i] || was.choice[i] < 0) continue;
      const int layer = project.table.find_layer(old.layers[i].name);
      const int option = project.table.find_option(old.options[static_cast<size_t>(was.choice[i])]);
      if (layer < 0 || option < 0) continue;
      carried.choice[static_cast<size_t>(layer)] = option;
      carried.locked[static_cast<size_t>(layer)] = 1;
    }
    project.plans = {carried};
  }
  const QString path = project_path_;
  set_project(std::move(project), path);
  set_dirty(true);
}

void StudioDocument::open_project(const QString& path) {
  set_project(read_project(path.toStdString()), path);
  emit message(tr("Opened project %1: %2 layers, options %3")
                   .arg(path)
                   .arg(project_.table.layers.size())
                   .arg(QString::fromStdString([&] {
                     std::string s;
                     for (const auto& o : project_.table.options) s += (s.empty() ? "" : ", ") + o;
                     return s;
                   }())));
}

void StudioDocument::save_project(const QString& path) {
  if (!editor_) throw Error("nothing to save: analyze a model or open a project first");
  Project p = project_;
  std::vector<QuantPlan> plans;
  for (const auto& plan : p.plans)
    if (plan.name != kCurrentPlan) plans.push_back(plan);
  QuantPlan current = editor_->plan();
  current.name = kCurrentPlan;
  plans.push_back(current);
  p.plans = std::move(plans);
  write_project(path.toStdString(), p);
  project_ = std::move(p);
  project_path_ = path;
  set_dirty(false);
  emit message(tr("Saved project %1").arg(path));
}

void StudioDocument::close_project() {
  emit project_about_to_change();
  editor_.reset();
  project_ = Project{};
  project_path_.clear();
  selected_ = -1;
  set_dirty(false);
  emit project_changed();
  emit selection_changed(-1);
}

void StudioDocument::edited() {
  set_dirty(true);
  emit plan_changed();
}

void StudioDocument::set_dirty(bool d) {
  if (d == dirty_) return;
  dirty_ = d;
  emit dirty_changed(d);
}

void StudioDocument::set_target(double avg_bits) {
  if (!editor_) return;
  const double before = editor_->target();
  if (editor_->set_target(avg_bits) == before) return;  // clamped to where it was: nothing changed
  edited();
}

void StudioDocument::set_count_overhead(bool on) {
  if (!editor_ || editor_->count_overhead() == on) return;
  editor_->set_count_overhead(on);
  edited();
}

void StudioDocument::lock(int layer, int option) {
  if (!editor_) return;
  editor_->lock(layer, option);
  edited();
}

void StudioDocument::lock_current(const std::vector<int>& layers) {
  if (!editor_) return;
  editor_->lock_current(layers);
  edited();
}

void StudioDocument::unlock(const std::vector<int>& layers) {
  if (!editor_) return;
  editor_->unlock(layers);
  edited();
}

void StudioDocument::unlock_all() {
  if (!editor_) return;
  editor_->unlock_all();
  edited();
}

int StudioDocument::apply_rule(const QString& regex, const QString& option) {
  if (!editor_) throw Error("analyze a model or open a project before applying rules");
  const int n = editor_->apply_rule(regex.toStdString(), option.toStdString());
  edited();
  emit message(tr("Rule %1 -> %2 locked %3 layers").arg(regex, option).arg(n));
  return n;
}

void StudioDocument::import_plan(const QString& path) {
  if (!editor_) throw Error("analyze a model or open a project before importing a plan");
  const QuantPlan plan = read_layer_config_file(path.toStdString(), project_.table, project_.option_json);
  QuantPlan locked = plan;
  locked.count_overhead = editor_->count_overhead();
  editor_->load_plan(locked, true);
  edited();
  emit message(tr("Imported plan %1: every layer locked to it (Unlock all hands them back to the optimizer)").arg(path));
}

void StudioDocument::export_plan(const QString& path) const {
  if (!editor_) throw Error("no plan to export: analyze a model or open a project first");
  write_layer_config_file(path.toStdString(), project_.table, editor_->plan(), project_.option_json);
}

void StudioDocument::export_scores(const QString& path) const {
  if (!editor_) throw Error("no scores to export: analyze a model or open a project first");
  write_scores_csv(path.toStdString(), project_.table);
}

void StudioDocument::select_layer(int layer) {
  if (layer == selected_) return;
  selected_ = layer;
  emit selection_changed(layer);
}

uint64_t StudioDocument::estimated_model_bytes() const {
  if (!editor_) return 0;
  uint64_t bytes = editor_->plan_size_bytes();
  if (model_) {
    int64_t in_table = 0;
    for (const auto& l : project_.table.layers) in_table += l.params;
    const int64_t rest = model_->parameters - in_table;
    if (rest > 0) bytes += static_cast<uint64_t>(rest) * 2;
  }
  return bytes;
}

}  // namespace srs::ui
