#include "allocate/plan_editor.h"

#include <algorithm>
#include <regex>

#include "allocate/naive_plans.h"
#include "util/error.h"

namespace srs {

PlanEditor::PlanEditor(SensitivityTable table, bool count_overhead)
    : table_(std::move(table)), count_overhead_(count_overhead), locks_(table_.layers.size(), -1) {
  rebuild();
  target_ = 0.5 * (min_avg_bits() + max_avg_bits());
  solve();
}

PlanEditor::~PlanEditor() = default;

void PlanEditor::rebuild() {
  AllocationSettings settings;
  settings.count_overhead = count_overhead_;
  for (size_t i = 0; i < locks_.size(); ++i)
    if (locks_[i] >= 0) settings.locks[table_.layers[i].name] = locks_[i];
  // Built aside and swapped in, so a throw leaves the current allocator and frontier intact.
  auto allocator = std::make_unique<Allocator>(table_, std::move(settings));
  std::unique_ptr<AllocationFrontier> frontier;
  try {
    frontier = std::make_unique<AllocationFrontier>(*allocator);
  } catch (const Error&) {
    // too many states to keep: every solve runs the direct DP instead
  }
  frontier_.reset();  // it refers to the old allocator
  allocator_ = std::move(allocator);
  frontier_ = std::move(frontier);
}

template <typename Change>
void PlanEditor::edit(Change change) {
  const auto saved_locks = locks_;
  const bool saved_overhead = count_overhead_;
  const double saved_target = target_;
  try {
    change();
    rebuild();
  } catch (...) {
    locks_ = saved_locks;
    count_overhead_ = saved_overhead;
    target_ = saved_target;
    throw;
  }
  solve();
}

void PlanEditor::solve() {
  target_ = std::clamp(target_, min_avg_bits(), max_avg_bits());
  plan_ = frontier_ ? frontier_->solve(target_) : allocator_->solve(target_);
  plan_.name = "deltaloss";
}

const std::vector<FrontierPoint>& PlanEditor::frontier() const {
  static const std::vector<FrontierPoint> none;
  return frontier_ ? frontier_->points() : none;
}

double PlanEditor::set_target(double avg_bits) {
  target_ = avg_bits;
  solve();
  return target_;
}

void PlanEditor::set_count_overhead(bool on) {
  if (on == count_overhead_) return;
  edit([&] { count_overhead_ = on; });
}

std::vector<int> PlanEditor::group_of(int layer) const {
  const int item = allocator_->item_of(layer);
  return item < 0 ? std::vector<int>{layer} : allocator_->items()[static_cast<size_t>(item)].layers;
}

void PlanEditor::check_layer(int layer) const {
  if (layer < 0 || layer >= static_cast<int>(table_.layers.size()))
    throw Error("lock: layer index " + std::to_string(layer) + " is outside the table");
}

void PlanEditor::set_group_lock(int layer, int option) {
  check_layer(layer);
  if (option < -1 || option >= static_cast<int>(table_.options.size()))
    throw Error("lock: option index " + std::to_string(option) + " is outside the options");
  // lm_head is not an item until a lock quantizes it: its group is itself.
  for (int i : group_of(layer)) locks_[static_cast<size_t>(i)] = option;
}

void PlanEditor::lock(int layer, int option) {
  if (option < 0) throw Error("lock: choose one of the options");
  edit([&] { set_group_lock(layer, option); });
}

void PlanEditor::lock_current(const std::vector<int>& layers) {
  edit([&] {
    for (int l : layers) {
      check_layer(l);
      const int option = plan_.choice[static_cast<size_t>(l)];
      if (option >= 0) set_group_lock(l, option);  // an unquantized lm_head has no option to keep
    }
  });
}

void PlanEditor::unlock(const std::vector<int>& layers) {
  edit([&] {
    for (int l : layers) set_group_lock(l, -1);
  });
}

void PlanEditor::unlock_all() {
  edit([&] { std::fill(locks_.begin(), locks_.end(), -1); });
}

int PlanEditor::apply_rule(const std::string& regex, const std::string& option) {
  const int o = table_.find_option(option);
  if (o < 0) throw Error("rule: option '" + option + "' is not one of the project's options");
  std::regex re;
  try {
    re = std::regex(regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw Error("rule: '" + regex + "' is not a valid regular expression: " + e.what());
  }
  int matched = 0;
  edit([&] {
    for (size_t i = 0; i < table_.layers.size(); ++i) {
      if (!std::regex_search(table_.layers[i].name, re)) continue;
      set_group_lock(static_cast<int>(i), o);
      ++matched;
    }
    if (matched == 0)
      throw Error("rule: '" + regex + "' matches no layer (names look like model.layers.0.mlp.down_proj)");
  });
  return matched;
}

void PlanEditor::load_plan(const QuantPlan& plan, bool lock_all) {
  if (plan.choice.size() != table_.layers.size())
    throw Error("plan '" + plan.name + "' has " + std::to_string(plan.choice.size()) + " layers, the table " +
                std::to_string(table_.layers.size()));
  edit([&] {
    for (size_t i = 0; i < locks_.size(); ++i)
      locks_[i] = (lock_all || (i < plan.locked.size() && plan.locked[i])) ? plan.choice[i] : -1;
    count_overhead_ = plan.count_overhead;
    target_ = lock_all ? (count_overhead_ ? plan.avg_bits : plan.avg_bits_no_overhead) : plan.target_avg_bits;
  });
}

std::optional<QuantPlan> PlanEditor::naive(bool first_blocks) const {
  try {
    return naive_plan(*allocator_, target_, first_blocks ? NaiveOrder::first_blocks : NaiveOrder::last_blocks);
  } catch (const Error&) {
    return std::nullopt;  // the all-low start does not fit this target
  }
}

uint64_t PlanEditor::plan_size_bytes() const {
  uint64_t bits = 0;
  for (size_t i = 0; i < table_.layers.size(); ++i) {
    const auto& l = table_.layers[i];
    const int c = plan_.choice[i];
    bits += c < 0 ? static_cast<uint64_t>(l.params) * 16u : static_cast<uint64_t>(l.bits[static_cast<size_t>(c)]);
  }
  return (bits + 7) / 8;
}

}  // namespace srs
