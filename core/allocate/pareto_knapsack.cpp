#include "allocate/pareto_knapsack.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "util/error.h"

namespace srs {

namespace {

struct State {
  int64_t units;
  double loss;
  uint32_t parent;
  uint8_t choice;
};

// Merges the sorted Pareto list `a` with the previous stage shifted by one choice
// (units + shift, loss + add), dropping totals above `cap`, states whose bound exceeds the
// threshold (loss + lambda_unit * units > threshold), and every state that is not strictly
// better than all cheaper ones. Both inputs are sorted by units with strictly decreasing
// loss, so one linear pass suffices.
void merge_prune(const std::vector<State>& a, const std::vector<int64_t>& prev_units,
                 const std::vector<double>& prev_loss, int64_t shift, double add, uint8_t choice, int64_t cap,
                 double lambda_unit, double threshold, std::vector<State>& out) {
  out.clear();
  const size_t n_prev = static_cast<size_t>(
      std::upper_bound(prev_units.begin(), prev_units.end(), cap - shift) - prev_units.begin());
  size_t i = 0, j = 0;
  double best = std::numeric_limits<double>::infinity();
  while (i < a.size() || j < n_prev) {
    State s;
    bool take_a;
    if (j >= n_prev) {
      take_a = true;
    } else if (i >= a.size()) {
      take_a = false;
    } else {
      const int64_t uj = prev_units[j] + shift;
      take_a = a[i].units < uj || (a[i].units == uj && a[i].loss <= prev_loss[j] + add);
    }
    if (take_a) {
      s = a[i++];
    } else {
      s = State{prev_units[j] + shift, prev_loss[j] + add, static_cast<uint32_t>(j), choice};
      ++j;
    }
    if (s.loss < best) {
      best = s.loss;
      // A state failing the bound is still a valid dominator (it updated `best`): any later,
      // dearer and worse state has an even larger bound.
      if (s.loss + lambda_unit * static_cast<double>(s.units) <= threshold) out.push_back(s);
    }
  }
}

void check_items(const std::vector<KnapsackItem>& items) {
  for (size_t s = 0; s < items.size(); ++s) {
    if (items[s].empty() || items[s].size() > 255)
      throw Error("bit allocation: item " + std::to_string(s) + " has " + std::to_string(items[s].size()) +
                  " choices; expected 1 to 255");
    for (const auto& c : items[s]) {
      if (c.bits <= 0) throw Error("bit allocation: item " + std::to_string(s) + " has a non-positive bit cost");
      if (!std::isfinite(c.loss)) throw Error("bit allocation: item " + std::to_string(s) + " has a non-finite loss");
    }
  }
}

int64_t cheapest_bits(const KnapsackItem& item) {
  int64_t lo = item[0].bits;
  for (const auto& c : item) lo = std::min(lo, c.bits);
  return lo;
}

// The choice minimizing loss + lambda * bits (ties: fewer bits).
int relaxed_choice(const KnapsackItem& item, double lambda) {
  int best = 0;
  for (size_t k = 1; k < item.size(); ++k) {
    const double a = item[k].loss + lambda * static_cast<double>(item[k].bits);
    const double b = item[best].loss + lambda * static_cast<double>(item[best].bits);
    if (a < b || (a == b && item[k].bits < item[best].bits)) best = static_cast<int>(k);
  }
  return best;
}

int64_t relaxed_bits(const std::vector<KnapsackItem>& items, double lambda) {
  int64_t total = 0;
  for (const auto& item : items) total += item[relaxed_choice(item, lambda)].bits;
  return total;
}

}  // namespace

ParetoKnapsack::ParetoKnapsack(const std::vector<KnapsackItem>& items, int64_t max_bits, size_t max_states)
    : ParetoKnapsack(items, max_bits, max_states, nullptr) {}

ParetoKnapsack::ParetoKnapsack(const std::vector<KnapsackItem>& items, int64_t max_bits, size_t max_states,
                               const Bound* bound) {
  check_items(items);
  std::vector<int64_t> cheapest(items.size());
  for (size_t s = 0; s < items.size(); ++s) {
    cheapest[s] = cheapest_bits(items[s]);
    base_ += cheapest[s];
  }
  int64_t g = 0;
  for (size_t s = 0; s < items.size(); ++s)
    for (const auto& c : items[s]) g = std::gcd(g, c.bits - cheapest[s]);
  unit_ = g > 0 ? g : 1;

  offset_.push_back(0);
  if (max_bits < base_) {  // nothing fits; every stage stays empty
    offset_.resize(items.size() + 1, 0);
    return;
  }
  const int64_t cap = (max_bits - base_) / unit_;
  const double lambda_unit = bound ? bound->lambda * static_cast<double>(unit_) : 0.0;

  units_ = {0};
  loss_ = {0.0};
  std::vector<State> merged, scratch;
  for (size_t s = 0; s < items.size(); ++s) {
    const double threshold = bound ? bound->threshold[s] : std::numeric_limits<double>::infinity();
    merged.clear();
    for (size_t k = 0; k < items[s].size(); ++k) {
      const auto& c = items[s][k];
      merge_prune(merged, units_, loss_, (c.bits - cheapest[s]) / unit_, c.loss, static_cast<uint8_t>(k), cap,
                  lambda_unit, threshold, scratch);
      merged.swap(scratch);
    }
    if (parent_.size() + merged.size() > max_states)
      throw Error("bit allocation: the Pareto frontier needs more than " + std::to_string(max_states) +
                  " states after " + std::to_string(s + 1) + " of " + std::to_string(items.size()) +
                  " items (too many distinct bit totals); solve single targets instead of the whole frontier");
    units_.resize(merged.size());
    loss_.resize(merged.size());
    for (size_t i = 0; i < merged.size(); ++i) {
      units_[i] = merged[i].units;
      loss_[i] = merged[i].loss;
      parent_.push_back(merged[i].parent);
      choice_.push_back(merged[i].choice);
    }
    offset_.push_back(parent_.size());
  }
}

std::ptrdiff_t ParetoKnapsack::best_within(int64_t budget) const {
  if (units_.empty() || budget < base_) return -1;
  const int64_t u = (budget - base_) / unit_;
  const auto it = std::upper_bound(units_.begin(), units_.end(), u);
  return static_cast<std::ptrdiff_t>(it - units_.begin()) - 1;
}

std::vector<int> ParetoKnapsack::choices(size_t i) const {
  const size_t n = offset_.size() - 1;
  std::vector<int> out(n);
  size_t idx = i;
  for (size_t s = n; s-- > 0;) {
    out[s] = choice_[offset_[s] + idx];
    idx = parent_[offset_[s] + idx];
  }
  return out;
}

std::optional<KnapsackSolution> solve_knapsack(const std::vector<KnapsackItem>& items, int64_t budget) {
  check_items(items);
  const size_t n = items.size();
  int64_t min_total = 0;
  for (const auto& item : items) min_total += cheapest_bits(item);
  if (budget < min_total) return std::nullopt;

  auto evaluate = [&](const std::vector<int>& pick) {
    KnapsackSolution sol;
    sol.choices = pick;
    for (size_t s = 0; s < n; ++s) {
      sol.bits += items[s][pick[s]].bits;
      sol.loss += items[s][pick[s]].loss;
    }
    return sol;
  };
  auto relaxed = [&](double lambda) {
    std::vector<int> pick(n);
    for (size_t s = 0; s < n; ++s) pick[s] = relaxed_choice(items[s], lambda);
    return pick;
  };

  // The unconstrained optimum fits: nothing to search.
  if (relaxed_bits(items, 0.0) <= budget) return evaluate(relaxed(0.0));

  // Smallest lambda whose relaxed selection fits. Above the steepest loss-per-bit trade of any
  // item, every item takes its cheapest choice, which fits; halve from there until it no longer
  // fits, then bisect. Any lambda >= 0 gives a valid bound, so precision only buys tightness.
  double hi = 0;
  for (const auto& item : items) {
    const int64_t lo_bits = cheapest_bits(item);
    double lo_loss = std::numeric_limits<double>::infinity();
    for (const auto& c : item)
      if (c.bits == lo_bits) lo_loss = std::min(lo_loss, c.loss);
    for (const auto& c : item)
      if (c.bits > lo_bits) hi = std::max(hi, (lo_loss - c.loss) / static_cast<double>(c.bits - lo_bits));
  }
  hi = hi > 0 ? hi * 2 : 1.0;
  while (relaxed_bits(items, hi) > budget) hi *= 2;  // guards against rounding in the slopes
  double lo = hi / 2;
  while (lo > 1e-300 && relaxed_bits(items, lo) <= budget) {
    hi = lo;
    lo /= 2;
  }
  for (int it = 0; it < 48; ++it) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (relaxed_bits(items, mid) <= budget ? hi : lo) = mid;
  }
  const double lambda = hi;

  // Feasible upper bound: the relaxed selection, then single-item upgrades while they fit.
  KnapsackSolution upper = evaluate(relaxed(lambda));
  for (bool improved = true; improved;) {
    improved = false;
    for (size_t s = 0; s < n; ++s) {
      const auto& cur = items[s][upper.choices[s]];
      int best = upper.choices[s];
      double gain = 0;
      for (size_t k = 0; k < items[s].size(); ++k) {
        const auto& c = items[s][k];
        if (upper.bits - cur.bits + c.bits <= budget && cur.loss - c.loss > gain) {
          gain = cur.loss - c.loss;
          best = static_cast<int>(k);
        }
      }
      if (best != upper.choices[s]) {
        upper.bits += items[s][best].bits - cur.bits;
        upper.loss -= gain;
        upper.choices[s] = best;
        improved = true;
      }
    }
  }
  upper = evaluate(upper.choices);  // the same summation order as every other candidate

  // Lagrangian lower bound: every selection within the budget has loss >= lower, and one
  // that takes choice k of item s has loss >= lower + (reduced[s][k] - best_reduced[s]),
  // where reduced = loss + lambda * bits. The slack absorbs rounding in these sums.
  std::vector<double> best_reduced(n, std::numeric_limits<double>::infinity());
  double lower = -lambda * static_cast<double>(budget);
  double magnitude = std::fabs(upper.loss) + std::fabs(lambda * static_cast<double>(budget));
  for (size_t s = 0; s < n; ++s) {
    for (const auto& c : items[s])
      best_reduced[s] = std::min(best_reduced[s], c.loss + lambda * static_cast<double>(c.bits));
    lower += best_reduced[s];
    magnitude += std::fabs(best_reduced[s]);
  }
  const double slack = 1e-9 * magnitude + 1e-300;

  // Searches for the best selection with loss <= cutoff: any such selection survives the
  // reduction and the DP bound below, so if the best one found is within the cutoff it is the
  // optimum. Returns the best selection found (possibly above the cutoff), if any.
  size_t states = 0;
  auto attempt = [&](double cutoff) -> std::optional<KnapsackSolution> {
    const double gap = cutoff - lower + slack;
    // Reduction: drop choices that no selection within the cutoff can take. Items left with
    // one choice are fixed; only the others enter the DP.
    std::vector<KnapsackItem> open;
    std::vector<std::vector<int>> open_choice;  // index in items[s] of each open choice
    std::vector<size_t> open_item;
    std::vector<int> pick(n, -1);
    int64_t fixed_bits = 0;
    double fixed_loss = 0;
    for (size_t s = 0; s < n; ++s) {
      KnapsackItem keep;
      std::vector<int> index;
      for (size_t k = 0; k < items[s].size(); ++k) {
        const auto& c = items[s][k];
        if (c.loss + lambda * static_cast<double>(c.bits) - best_reduced[s] <= gap) {
          keep.push_back(c);
          index.push_back(static_cast<int>(k));
        }
      }
      if (keep.empty()) return std::nullopt;  // only when the cutoff is below the bound itself
      if (keep.size() == 1) {
        pick[s] = index[0];
        fixed_bits += keep[0].bits;
        fixed_loss += keep[0].loss;
      } else {
        open.push_back(std::move(keep));
        open_choice.push_back(std::move(index));
        open_item.push_back(s);
      }
    }
    const int64_t open_budget = budget - fixed_bits;
    // DP over the open items with the bound of the header: drop a state after open item s when
    //   fixed_loss + loss + lambda * bits + sum_{open j > s} best_reduced[j] - lambda * budget > cutoff.
    ParetoKnapsack::Bound bound;
    bound.lambda = lambda;
    bound.threshold.resize(open.size());
    double suffix = 0;
    for (size_t s = open.size(); s-- > 0;) {
      bound.threshold[s] = suffix;
      suffix += best_reduced[open_item[s]];
    }
    int64_t prefix_cheapest = 0;
    for (size_t s = 0; s < open.size(); ++s) {
      prefix_cheapest += cheapest_bits(open[s]);
      bound.threshold[s] = cutoff - fixed_loss + slack +
                           lambda * static_cast<double>(open_budget - prefix_cheapest) - bound.threshold[s];
    }
    const ParetoKnapsack dp(open, open_budget, std::numeric_limits<size_t>::max(), &bound);
    states += dp.states_kept();
    const std::ptrdiff_t at = dp.best_within(open_budget);
    if (at < 0) return std::nullopt;
    const std::vector<int> open_pick = dp.choices(static_cast<size_t>(at));
    for (size_t s = 0; s < open.size(); ++s) pick[open_item[s]] = open_choice[s][open_pick[s]];
    return evaluate(pick);
  };

  // The optimum usually lies far closer to the lower bound than the greedy selection does, and
  // the DP's work grows with the cutoff: try small cutoffs first, widening until one holds the
  // optimum or the cutoff reaches the greedy selection.
  for (double step = (upper.loss - lower) / 64;; step *= 4) {
    const double cutoff = step > 0 ? std::min(lower + step, upper.loss) : upper.loss;
    const auto found = attempt(cutoff);
    if (found) {
      if (found->loss < upper.loss) upper = *found;
      if (found->loss <= cutoff + slack) break;
    }
    if (cutoff >= upper.loss) break;
  }
  upper.states_kept = states;
  return upper;
}

}  // namespace srs
