#pragma once
// Exact multiple-choice knapsack: every item takes exactly one of its choices; find the least
// total loss whose total bits stay within a budget. Solved for every budget at once by
// dynamic programming over Pareto-optimal partial sums (the method of auto-round's
// choose_bits_per_layer_with_path): after each item, the states (bits, loss) are sorted by
// bits and a state is kept only if its loss is strictly lower than every cheaper state's.
// A dropped state is beaten by a cheaper one whatever the remaining items add, so pruning
// never loses the optimum at any budget, and the final states are the Pareto frontier.
//
// Exact bucketing: costs are stored as base + unit * k, where base is the sum of every item's
// cheapest choice and unit is the gcd of all (cost - cheapest cost of its item). Every reachable
// total is base + unit * (integer), so dividing by unit merges no distinct totals: the result is
// exact, while the state keys stay small and sums that differ only by a common factor coincide.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace srs {

struct KnapsackChoice {
  int64_t bits = 0;  // > 0
  double loss = 0;
};
using KnapsackItem = std::vector<KnapsackChoice>;  // at least one choice, at most 255

struct KnapsackSolution {
  std::vector<int> choices;  // choice index per item
  int64_t bits = 0;
  double loss = 0;
  size_t states_kept = 0;  // DP states kept over all items and attempts (work measure)
};

// The least-loss selection whose total bits <= budget, or nullopt when even the cheapest
// choices exceed it. Same DP as ParetoKnapsack, plus an exact bound that drops states which
// cannot beat a known feasible selection: for any lambda >= 0 and a state (bits b, loss L)
// after item s, every completion within the budget B has loss at least
//   L + lambda * b + sum_{j > s} min_k (loss_jk + lambda * bits_jk) - lambda * B
// (Lagrangian relaxation of the budget). lambda is the multiplier that makes the relaxed
// selection just fit B; a feasible selection is that relaxed one greedily improved. For a
// cutoff C, the same bound first removes choices that no selection with loss <= C can take
// (items left with one choice are fixed and skip the DP), then drops DP states whose bound
// exceeds C. A selection's bound never exceeds its loss, so every selection with loss <= C
// survives: if the best found is <= C it is the optimum. C starts just above the lower bound
// and widens (x4) up to the feasible selection's loss, so the answer is always exact.
std::optional<KnapsackSolution> solve_knapsack(const std::vector<KnapsackItem>& items, int64_t budget);

class ParetoKnapsack {
 public:
  // Builds the frontier of all totals <= max_bits (the whole frontier by default).
  // Throws srs::Error for an item without choices or with more than 255, and when the stored
  // states would exceed max_states (5 bytes each): with many distinct layer shapes the whole
  // frontier can grow too large to keep, while solve_knapsack still answers single budgets.
  explicit ParetoKnapsack(const std::vector<KnapsackItem>& items,
                          int64_t max_bits = std::numeric_limits<int64_t>::max(),
                          size_t max_states = size_t{1} << 26);

  // Frontier points, sorted by increasing bits and strictly decreasing loss.
  size_t size() const { return units_.size(); }
  int64_t bits(size_t i) const { return base_ + unit_ * units_[i]; }
  double loss(size_t i) const { return loss_[i]; }
  // The point with the least loss among those with bits <= budget, or -1 when none fits.
  // A binary search: answering a new budget costs O(log size).
  std::ptrdiff_t best_within(int64_t budget) const;
  // The choice index taken by each item at frontier point i. O(#items).
  std::vector<int> choices(size_t i) const;

  int64_t min_bits() const { return base_; }  // every item at its cheapest choice
  int64_t unit() const { return unit_; }
  // Sum over items of the states kept after that item: the work and memory the solve took.
  size_t states_kept() const { return parent_.size(); }

 private:
  friend std::optional<KnapsackSolution> solve_knapsack(const std::vector<KnapsackItem>&, int64_t);
  // Drop a state after item s when loss + lambda * (bits - cheapest bits so far) > threshold[s] (see solve_knapsack).
  struct Bound {
    double lambda = 0;
    std::vector<double> threshold;
  };
  ParetoKnapsack(const std::vector<KnapsackItem>& items, int64_t max_bits, size_t max_states, const Bound* bound);

  int64_t base_ = 0;
  int64_t unit_ = 1;
  std::vector<int64_t> units_;  // final states: bits = base_ + unit_ * units_[i]
  std::vector<double> loss_;
  // Back pointers of every stage, concatenated; stage s holds states [offset_[s], offset_[s+1]).
  std::vector<size_t> offset_;
  std::vector<uint32_t> parent_;  // index of the state of the previous stage
  std::vector<uint8_t> choice_;   // choice taken by item s
};

}  // namespace srs
