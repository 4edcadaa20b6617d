#include "allocate/naive_plans.h"

#include <algorithm>
#include <numeric>

#include "util/error.h"

namespace srs {

QuantPlan naive_plan(const Allocator& allocator, double avg_bits, int low_option, int high_option, NaiveOrder order) {
  const auto& table = allocator.table();
  const int n_opt = static_cast<int>(table.options.size());
  for (int o : {low_option, high_option})
    if (o < 0 || o >= n_opt)
      throw Error("naive plan: option index " + std::to_string(o) + " is outside the " + std::to_string(n_opt) +
                  " options");
  const int64_t budget = allocator.budget_for(avg_bits);
  const auto& items = allocator.items();
  const auto& free = allocator.free_items();

  auto item_bits = [&](size_t f, int option) {
    int64_t b = 0;
    for (int i : items[free[f]].layers) b += allocator.cost(i, option);
    return b;
  };
  auto allowed = [&](size_t f, int option) {
    const auto& opts = items[free[f]].options;
    return std::find(opts.begin(), opts.end(), option) != opts.end();
  };

  // Start: the low option, or the item's cheapest allowed option where low is not allowed.
  std::vector<int> option(free.size());
  int64_t total = allocator.locked_bits();
  for (size_t f = 0; f < free.size(); ++f) {
    option[f] = low_option;
    if (!allowed(f, low_option)) {
      const auto& opts = items[free[f]].options;
      option[f] = *std::min_element(opts.begin(), opts.end(),
                                    [&](int a, int b) { return item_bits(f, a) < item_bits(f, b); });
    }
    total += item_bits(f, option[f]);
  }
  if (total > budget)
    throw Error("naive plan: all layers at " + table.options[low_option] + " already need " + std::to_string(total) +
                " bits, over the budget of " + std::to_string(budget) + "; raise the target or pick a lower option");

  // Raise items block by block (items outside blocks, such as lm_head, stay put).
  std::vector<size_t> by_block;
  for (size_t f = 0; f < free.size(); ++f)
    if (items[free[f]].block >= 0) by_block.push_back(f);
  std::stable_sort(by_block.begin(), by_block.end(), [&](size_t a, size_t b) {
    return order == NaiveOrder::first_blocks ? items[free[a]].block < items[free[b]].block
                                             : items[free[a]].block > items[free[b]].block;
  });
  for (size_t f : by_block) {
    if (!allowed(f, high_option) || option[f] == high_option) continue;
    const int64_t next = total - item_bits(f, option[f]) + item_bits(f, high_option);
    if (next > budget) break;  // blocks are raised in order: stop at the first that does not fit
    total = next;
    option[f] = high_option;
  }
  QuantPlan plan = allocator.make_plan(option, avg_bits, budget);
  plan.name = std::string(order == NaiveOrder::first_blocks ? "first" : "last") + " blocks at " +
              table.options[high_option];
  return plan;
}

QuantPlan naive_plan(const Allocator& allocator, double avg_bits, NaiveOrder order) {
  int low = 0, high = 0;
  for (int o = 1; o < static_cast<int>(allocator.table().options.size()); ++o) {
    if (allocator.cost(0, o) < allocator.cost(0, low)) low = o;
    if (allocator.cost(0, o) > allocator.cost(0, high)) high = o;
  }
  return naive_plan(allocator, avg_bits, low, high, order);
}

}  // namespace srs
