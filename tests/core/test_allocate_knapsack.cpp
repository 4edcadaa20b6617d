// ParetoKnapsack and solve_knapsack against brute-force enumeration on random small instances.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "allocate/pareto_knapsack.h"
#include "util/error.h"

namespace {

using srs::KnapsackItem;

struct Brute {
  double loss = std::numeric_limits<double>::infinity();
  int64_t bits = 0;
};

// Enumerates every selection (at most 3^8 = 6561) and keeps the least loss within the budget.
Brute brute_force(const std::vector<KnapsackItem>& items, int64_t budget) {
  Brute best;
  std::vector<size_t> pick(items.size(), 0);
  for (;;) {
    int64_t bits = 0;
    double loss = 0;
    for (size_t s = 0; s < items.size(); ++s) {
      bits += items[s][pick[s]].bits;
      loss += items[s][pick[s]].loss;
    }
    if (bits <= budget && loss < best.loss) best = {loss, bits};
    size_t s = 0;
    while (s < items.size() && ++pick[s] == items[s].size()) pick[s++] = 0;
    if (s == items.size()) return best;
  }
}

// Random instance: costs either small integers (many equal sums, ties) or multiples of a
// shared factor (as real layer shapes are), losses decreasing-ish with cost plus noise.
std::vector<KnapsackItem> random_items(std::mt19937& rng) {
  std::uniform_int_distribution<int> n_items(1, 8), n_choices(1, 3), small(1, 12), factor(1, 5);
  const bool realistic = rng() % 2;
  std::vector<KnapsackItem> items(n_items(rng));
  for (auto& item : items) {
    const int64_t shape = realistic ? 4096 * factor(rng) : 1;
    item.resize(n_choices(rng));
    for (auto& c : item) {
      c.bits = shape * small(rng);
      c.loss = std::uniform_real_distribution<double>(0.0, 1.0)(rng) / static_cast<double>(c.bits) * 10;
    }
  }
  return items;
}

std::pair<int64_t, int64_t> bit_range(const std::vector<KnapsackItem>& items) {
  int64_t lo = 0, hi = 0;
  for (const auto& item : items) {
    int64_t a = item[0].bits, b = item[0].bits;
    for (const auto& c : item) {
      a = std::min(a, c.bits);
      b = std::max(b, c.bits);
    }
    lo += a;
    hi += b;
  }
  return {lo, hi};
}

// Sums in another order differ in the last bits; scores are O(1), so 1e-9 is far below any
// real difference between selections and far above rounding.
constexpr double kTol = 1e-9;

}  // namespace

TEST(AllocateKnapsack, EqualsBruteForceOnRandomInstances) {
  std::mt19937 rng(20261204);
  for (int trial = 0; trial < 400; ++trial) {
    const auto items = random_items(rng);
    const auto [lo, hi] = bit_range(items);
    const srs::ParetoKnapsack frontier(items);
    for (int q = 0; q < 6; ++q) {
      const int64_t budget = std::uniform_int_distribution<int64_t>(lo - (hi - lo) / 4, hi + 2)(rng);
      const Brute expect = brute_force(items, budget);
      const auto sol = srs::solve_knapsack(items, budget);
      const std::ptrdiff_t at = frontier.best_within(budget);
      if (!std::isfinite(expect.loss)) {
        EXPECT_FALSE(sol.has_value()) << "trial " << trial;
        EXPECT_EQ(at, -1) << "trial " << trial;
        continue;
      }
      ASSERT_TRUE(sol.has_value()) << "trial " << trial << " budget " << budget;
      ASSERT_GE(at, 0);
      EXPECT_NEAR(sol->loss, expect.loss, kTol) << "trial " << trial << " budget " << budget;
      EXPECT_NEAR(frontier.loss(static_cast<size_t>(at)), expect.loss, kTol) << "trial " << trial;
      // The reported selection is real: recompute bits and loss from the choices.
      int64_t bits = 0;
      double loss = 0;
      ASSERT_EQ(sol->choices.size(), items.size());
      for (size_t s = 0; s < items.size(); ++s) {
        bits += items[s][sol->choices[s]].bits;
        loss += items[s][sol->choices[s]].loss;
      }
      EXPECT_LE(bits, budget);
      EXPECT_EQ(bits, sol->bits);
      EXPECT_NEAR(loss, sol->loss, kTol);
      const auto fchoices = frontier.choices(static_cast<size_t>(at));
      int64_t fbits = 0;
      for (size_t s = 0; s < items.size(); ++s) fbits += items[s][fchoices[s]].bits;
      EXPECT_EQ(fbits, frontier.bits(static_cast<size_t>(at)));
      EXPECT_LE(fbits, budget);
    }
  }
}

TEST(AllocateKnapsack, FrontierPointsAreNonDominatedAndOptimal) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const auto items = random_items(rng);
    const srs::ParetoKnapsack frontier(items);
    ASSERT_GT(frontier.size(), 0u);
    for (size_t i = 0; i < frontier.size(); ++i) {
      if (i > 0) {
        EXPECT_GT(frontier.bits(i), frontier.bits(i - 1)) << "trial " << trial;
        EXPECT_LT(frontier.loss(i), frontier.loss(i - 1)) << "trial " << trial;
      }
      // Each point is the optimum at its own budget, and strictly better than the optimum
      // one bit below (otherwise a cheaper point would dominate it).
      EXPECT_NEAR(frontier.loss(i), brute_force(items, frontier.bits(i)).loss, kTol) << "trial " << trial;
      const Brute below = brute_force(items, frontier.bits(i) - 1);
      if (std::isfinite(below.loss)) {
        EXPECT_GT(below.loss, frontier.loss(i) + kTol / 10) << "trial " << trial;
      }
      // The stored choices reproduce the point.
      const auto ch = frontier.choices(i);
      double loss = 0;
      for (size_t s = 0; s < items.size(); ++s) loss += items[s][ch[s]].loss;
      EXPECT_NEAR(loss, frontier.loss(i), kTol);
    }
  }
}

TEST(AllocateKnapsack, GcdBucketingMergesNoDistinctTotals) {
  // Cost differences 4000 and 12000 share the unit 4000; the totals must still come out exact.
  const std::vector<KnapsackItem> items = {{{6000, 1.0}, {10000, 0.5}}, {{6000, 1.0}, {18000, 0.1}}};
  const srs::ParetoKnapsack f(items);
  EXPECT_EQ(f.unit(), 4000);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f.bits(0), 12000);
  EXPECT_EQ(f.bits(1), 16000);
  EXPECT_EQ(f.bits(2), 24000);
  EXPECT_EQ(f.bits(3), 28000);
  EXPECT_EQ(f.best_within(15999), 0);
  EXPECT_EQ(f.best_within(16000), 1);
  EXPECT_EQ(f.best_within(11999), -1);
}

TEST(AllocateKnapsack, RejectsItemWithoutChoices) {
  const std::vector<KnapsackItem> empty_item(1);
  EXPECT_THROW(srs::ParetoKnapsack{empty_item}, srs::Error);
  EXPECT_THROW(srs::solve_knapsack({{{0, 1.0}}}, 10), srs::Error);
  EXPECT_THROW(srs::solve_knapsack({{{5, std::nan("")}}}, 10), srs::Error);
}

TEST(AllocateKnapsack, FrontierRefusesToGrowPastItsStateLimit) {
  std::mt19937 rng(9);
  std::vector<KnapsackItem> items(40);
  for (auto& item : items)
    for (int k = 0; k < 4; ++k)
      item.push_back({std::uniform_int_distribution<int64_t>(1000, 100000)(rng),
                      std::uniform_real_distribution<double>(0.0, 1.0)(rng)});
  EXPECT_THROW(srs::ParetoKnapsack(items, std::numeric_limits<int64_t>::max(), 1000), srs::Error);
  // The single-budget solver is not limited by it.
  EXPECT_TRUE(srs::solve_knapsack(items, 40 * 50000).has_value());
}
