#pragma once
// Layer-wise bit allocation under an average-bit budget (algorithm.md §2.2): choose one option
// per layer minimizing the summed DeltaLoss scores subject to
//   sum of chosen bit costs <= floor(quantized params x target average bits).
// Layers that must share an option (fused q/k/v and gate/up, user groups) form one item whose
// cost and score are sums over its layers. Locked layers keep their option and their bits come
// off the budget. lm_head stays unquantized unless asked; then it only gets options of >= 6
// bits per weight when there are any (a low-bit lm_head hurts more than its score says).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "allocate/pareto_knapsack.h"
#include "allocate/quant_plan.h"
#include "allocate/sensitivity_table.h"

namespace srs {

struct AllocationSettings {
  // Count scale/zero-point bits in costs and in the target (auto-round's default; its
  // ignore_scale_zp_bits=True is count_overhead=false).
  bool count_overhead = true;
  bool quantize_lm_head = false;
  // q/k/v and gate/up of one block share an option: vLLM serves them as fused modules and
  // refuses mixed configurations.
  bool group_fused = true;
  // Extra groups (auto-round's shared_layers): each entry is a list of regular expressions
  // (ECMAScript, searched anywhere in the module name); within each block, all layers matching
  // any expression of one entry share an option. Overlapping groups merge.
  std::vector<std::vector<std::string>> shared_layers;
  // Manual overrides: layer name -> option index. A lock on lm_head quantizes it.
  std::map<std::string, int> locks;
};

// One decision of the allocator: a layer or a group of layers sharing an option.
struct AllocationItem {
  std::vector<int> layers;   // table layer indices, ascending
  int block = -1;            // block of the first layer
  std::vector<int> options;  // allowed option indices (the knapsack choices, in this order)
  int locked_option = -1;    // >= 0: fixed by a lock on one of its layers
};

class Allocator {
 public:
  // Validates the table and settings, builds the items. Throws srs::Error for an unknown
  // locked layer, an option index out of range, a bad regex, or a group whose layers are
  // locked to different options.
  Allocator(SensitivityTable table, AllocationSettings settings);

  const SensitivityTable& table() const { return table_; }
  const AllocationSettings& settings() const { return settings_; }
  const std::vector<AllocationItem>& items() const { return items_; }
  // Index into items() of the item holding table layer `layer`, or -1 (an unquantized lm_head).
  int item_of(int layer) const { return item_of_layer_[static_cast<size_t>(layer)]; }
  // The unlocked items as knapsack items (parallel to free_items()).
  const std::vector<KnapsackItem>& knapsack_items() const { return knapsack_; }
  const std::vector<int>& free_items() const { return free_; }

  int64_t quantized_params() const { return params_; }
  int64_t locked_bits() const { return locked_bits_; }
  // Feasible averages: every free item at its cheapest / dearest allowed option.
  double min_avg_bits() const;
  double max_avg_bits() const;
  // floor(quantized params x avg_bits); throws srs::Error naming the feasible range when the
  // average lies outside it.
  int64_t budget_for(double avg_bits) const;

  // The optimal plan for one target average (exact; see solve_knapsack).
  QuantPlan solve(double avg_bits) const;
  // A plan from one option index per free item (parallel to free_items()).
  QuantPlan make_plan(const std::vector<int>& free_item_option, double target_avg_bits, int64_t budget_bits) const;
  // Bits of an option for a layer under the current cost setting.
  int64_t cost(int layer, int option) const;

 private:
  SensitivityTable table_;
  AllocationSettings settings_;
  std::vector<AllocationItem> items_;
  std::vector<int> item_of_layer_;  // per table layer, -1 outside every item
  std::vector<int> free_;  // indices into items_ of unlocked items
  std::vector<KnapsackItem> knapsack_;
  int64_t params_ = 0;
  int64_t locked_bits_ = 0;
  int64_t min_bits_ = 0;  // locked + cheapest free
  int64_t max_bits_ = 0;  // locked + dearest free
};

}  // namespace srs
