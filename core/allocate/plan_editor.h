#pragma once
// The interactive side of bit allocation, as the studio uses it: a sensitivity table, a
// target average, the cost setting and the user's manual overrides (locks); every change
// re-solves at once. The Pareto frontier is rebuilt only when the constraints change (locks,
// the overhead toggle), so moving the budget is a binary search on it.
// Locks are kept per layer, and always for whole groups (q/k/v, gate/up share an option), so
// what the table shows as locked is what the allocator holds fixed.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "allocate/allocation_frontier.h"
#include "allocate/allocator.h"
#include "allocate/quant_plan.h"
#include "allocate/sensitivity_table.h"

namespace srs {

class PlanEditor {
 public:
  // Throws srs::Error for an invalid table. The target starts at the middle of the range.
  explicit PlanEditor(SensitivityTable table, bool count_overhead = true);
  ~PlanEditor();

  const QuantPlan& plan() const { return plan_; }
  double target() const { return target_; }
  bool count_overhead() const { return count_overhead_; }
  double min_avg_bits() const { return allocator_->min_avg_bits(); }
  double max_avg_bits() const { return allocator_->max_avg_bits(); }
  // (avg bits, least predicted loss) over the feasible range; empty when the frontier is too
  // large to enumerate (then solving falls back to the direct DP).
  const std::vector<FrontierPoint>& frontier() const;

  // Re-solves for a new target, clamped into the feasible range. Returns the target used.
  double set_target(double avg_bits);
  // Counts scale/zero-point bits (or not) in costs and target; the target is kept (clamped).
  void set_count_overhead(bool on);

  // The layers sharing an option with `layer` (itself included), ascending.
  std::vector<int> group_of(int layer) const;
  bool is_locked(int layer) const { return locks_[static_cast<size_t>(layer)] >= 0; }
  // Locks the layer's group to `option` (a manual override); the rest re-solves.
  // Throws srs::Error for an out-of-range layer or option.
  void lock(int layer, int option);
  // Locks every given layer (and its group) at its current option; an unquantized lm_head has
  // none and is skipped. Every call below changes all or nothing: on a throw (a layer index
  // outside the table, ...) the editor is as it was.
  void lock_current(const std::vector<int>& layers);
  void unlock(const std::vector<int>& layers);
  void unlock_all();
  // Locks every layer whose name matches `regex` (searched anywhere, ECMAScript), and its
  // group, to `option`. Returns how many layers were locked. Throws srs::Error for a bad regex,
  // an unknown option, or a regex that matches nothing.
  int apply_rule(const std::string& regex, const std::string& option);
  // Takes a whole plan (an imported layer_config, a saved project plan): every quantized
  // layer is locked to the plan's option, the plan's cost setting and target are restored.
  void load_plan(const QuantPlan& plan, bool lock_all);

  // The paper's naive plans at the current target: every free item at the cheapest option,
  // the first (or last) blocks raised to the dearest. Empty when it does not fit.
  std::optional<QuantPlan> naive(bool first_blocks) const;

  // Storage of the quantized layers under the plan (codes, scales and zero points), plus the
  // layers left unquantized at 16 bits.
  uint64_t plan_size_bytes() const;

 private:
  void rebuild();  // after a change of locks or cost setting; on a throw nothing is replaced
  // Every editing call: `change` edits locks, cost setting or target; then the allocator is
  // rebuilt and the plan re-solved. Should anything throw, locks, cost setting and target are
  // restored (the unchanged allocator still matches them) and the error rethrown: all or nothing.
  template <typename Change>
  void edit(Change change);
  void check_layer(int layer) const;  // throws srs::Error for an index outside the table
  void solve();
  void set_group_lock(int layer, int option);

  SensitivityTable table_;
  bool count_overhead_;
  std::vector<int> locks_;  // option per layer, -1 = free
  double target_ = 0;
  std::unique_ptr<Allocator> allocator_;
  std::unique_ptr<AllocationFrontier> frontier_;  // null when too large
  QuantPlan plan_;
};

}  // namespace srs
