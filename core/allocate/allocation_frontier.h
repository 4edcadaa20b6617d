#pragma once
// The whole trade-off curve of an Allocator in one pass: for every achievable total of bits,
// the least predicted loss (the Pareto frontier). Built once, it answers any target average by
// a binary search plus a walk back through the stored choices, so a GUI slider can re-solve
// on every move; the answer equals Allocator::solve at the same target.
#include <cstddef>
#include <vector>

#include "allocate/allocator.h"
#include "allocate/pareto_knapsack.h"

namespace srs {

struct FrontierPoint {
  int64_t bits = 0;       // total, locked layers included, under the allocator's cost setting
  double avg_bits = 0;    // bits / quantized params
  double loss = 0;        // predicted total loss, locked layers included
};

class AllocationFrontier {
 public:
  // Keeps a reference to `allocator`, which must outlive this object. Throws srs::Error when
  // the frontier would exceed ParetoKnapsack's state limit (then use Allocator::solve).
  explicit AllocationFrontier(const Allocator& allocator);

  // Sorted by increasing bits and strictly decreasing loss.
  const std::vector<FrontierPoint>& points() const { return points_; }
  // The plan at point i.
  QuantPlan plan_at(size_t i) const;
  // The optimal plan for a target average (throws srs::Error outside the feasible range).
  QuantPlan solve(double avg_bits) const;
  size_t states_kept() const { return knapsack_.states_kept(); }

 private:
  const Allocator& allocator_;
  ParetoKnapsack knapsack_;
  std::vector<FrontierPoint> points_;
};

}  // namespace srs
