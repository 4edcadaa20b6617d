#include "allocate/allocation_frontier.h"

#include "util/error.h"

namespace srs {

AllocationFrontier::AllocationFrontier(const Allocator& allocator)
    : allocator_(allocator), knapsack_(allocator.knapsack_items()) {
  double locked_loss = 0;
  for (const auto& item : allocator_.items())
    if (item.locked_option >= 0)
      for (int i : item.layers) locked_loss += allocator_.table().layers[i].score[item.locked_option];
  const auto params = static_cast<double>(allocator_.quantized_params());
  points_.reserve(knapsack_.size());
  for (size_t i = 0; i < knapsack_.size(); ++i) {
    FrontierPoint p;
    p.bits = allocator_.locked_bits() + knapsack_.bits(i);
    p.avg_bits = params > 0 ? static_cast<double>(p.bits) / params : 0.0;
    p.loss = locked_loss + knapsack_.loss(i);
    points_.push_back(p);
  }
}

QuantPlan AllocationFrontier::plan_at(size_t i) const {
  if (i >= points_.size())
    throw Error("bit allocation: frontier point " + std::to_string(i) + " does not exist (" +
                std::to_string(points_.size()) + " points)");
  const std::vector<int> picks = knapsack_.choices(i);
  const auto& free = allocator_.free_items();
  std::vector<int> option(free.size());
  for (size_t f = 0; f < free.size(); ++f) option[f] = allocator_.items()[free[f]].options[picks[f]];
  return allocator_.make_plan(option, points_[i].avg_bits, points_[i].bits);
}

QuantPlan AllocationFrontier::solve(double avg_bits) const {
  const int64_t budget = allocator_.budget_for(avg_bits);
  const std::ptrdiff_t at = knapsack_.best_within(budget - allocator_.locked_bits());
  if (at < 0) throw Error("bit allocation: no selection fits the budget");  // budget_for rules this out
  QuantPlan plan = plan_at(static_cast<size_t>(at));
  plan.target_avg_bits = avg_bits;
  plan.budget_bits = budget;
  return plan;
}

}  // namespace srs
