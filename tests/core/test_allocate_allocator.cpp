// Allocator (groups, locks, lm_head, budget range), AllocationFrontier and naive plans,
// checked against brute-force enumeration over every per-layer assignment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>
#include <set>

#include "allocate/allocation_frontier.h"
#include "allocate/allocator.h"
#include "allocate/naive_plans.h"
#include "util/error.h"

namespace {

using srs::LayerKind;

// Options with 2, 4 and 8 code bits; with group size 128, each group adds a 16-bit scale and
// a b-bit zero point (the cost formula of algorithm.md §3.3).
srs::LayerSensitivity make_layer(const std::string& name, int block, LayerKind kind, int64_t params,
                                 const std::vector<int>& code_bits, const std::vector<double>& score) {
  srs::LayerSensitivity l;
  l.name = name;
  l.block = block;
  l.kind = kind;
  l.params = params;
  l.score = score;
  for (int b : code_bits) {
    l.bits_no_overhead.push_back(b * params);
    l.bits.push_back(b * params + params / 128 * (16 + b));
  }
  return l;
}

struct Instance {
  srs::SensitivityTable table;
  srs::AllocationSettings settings;
};

// Up to 8 layers in up to 3 blocks with random kinds, sometimes an lm_head, random locks.
Instance random_instance(std::mt19937& rng) {
  static const LayerKind kinds[] = {LayerKind::q,    LayerKind::k,  LayerKind::v,   LayerKind::o,
                                    LayerKind::gate, LayerKind::up, LayerKind::down};
  static const int64_t shapes[] = {128 * 64, 128 * 128, 128 * 192, 128 * 384};
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Instance inst;
  const int n_opt = 1 + static_cast<int>(rng() % 3);
  const std::vector<int> all_bits = {2, 4, 8};
  std::vector<int> code_bits(all_bits.begin(), all_bits.begin() + n_opt);
  for (int b : code_bits) inst.table.options.push_back("W" + std::to_string(b) + "A16");
  const int n_layers = 1 + static_cast<int>(rng() % 8);
  const bool head = rng() % 3 == 0;
  for (int i = 0; i < n_layers; ++i) {
    const bool is_head = head && i == n_layers - 1;
    const LayerKind kind = is_head ? LayerKind::lm_head : kinds[rng() % 7];
    const int block = is_head ? -1 : static_cast<int>(rng() % 3);
    std::vector<double> score;
    for (int b : code_bits) score.push_back(u(rng) * 4.0 / b);
    const std::string name = is_head ? "lm_head" : "model.layers." + std::to_string(block) + ".l" + std::to_string(i) +
                                                       "." + srs::to_string(kind) + "_proj";
    inst.table.layers.push_back(make_layer(name, block, kind, shapes[rng() % 4], code_bits, score));
  }
  inst.settings.count_overhead = rng() % 2;
  inst.settings.quantize_lm_head = rng() % 2;
  for (const auto& l : inst.table.layers)
    if (rng() % 6 == 0) inst.settings.locks[l.name] = static_cast<int>(rng() % n_opt);
  return inst;
}

int family(LayerKind k) {
  if (k == LayerKind::q || k == LayerKind::k || k == LayerKind::v) return 0;
  if (k == LayerKind::gate || k == LayerKind::up) return 1;
  return -1;
}

// Least loss over every per-layer assignment that satisfies the rules, written from the rules
// themselves rather than from the allocator's items. -1 marks an unquantized lm_head.
double brute_force(const Instance& inst, int64_t budget) {
  const auto& t = inst.table;
  const auto& s = inst.settings;
  const size_t n = t.layers.size(), k = t.options.size();
  double best = std::numeric_limits<double>::infinity();
  std::vector<size_t> pick(n, 0);
  for (;;) {
    bool ok = true;
    int64_t bits = 0;
    double loss = 0;
    for (size_t i = 0; i < n && ok; ++i) {
      const auto& l = t.layers[i];
      const auto lock = s.locks.find(l.name);
      if (lock != s.locks.end() && static_cast<int>(pick[i]) != lock->second) ok = false;
      if (l.kind == LayerKind::lm_head && !s.quantize_lm_head && lock == s.locks.end()) continue;  // unquantized
      if (l.kind == LayerKind::lm_head && lock == s.locks.end()) {
        bool any_high = false;
        for (size_t j = 0; j < k; ++j) any_high |= l.bits_no_overhead[j] >= 6 * l.params;
        if (any_high && l.bits_no_overhead[pick[i]] < 6 * l.params) ok = false;
      }
      for (size_t j = 0; j < i; ++j)
        if (t.layers[j].block == l.block && l.block >= 0 && family(l.kind) >= 0 &&
            family(t.layers[j].kind) == family(l.kind) && pick[j] != pick[i])
          ok = false;
      bits += s.count_overhead ? l.bits[pick[i]] : l.bits_no_overhead[pick[i]];
      loss += l.score[pick[i]];
    }
    if (ok && bits <= budget) best = std::min(best, loss);
    size_t i = 0;
    while (i < n && ++pick[i] == k) pick[i++] = 0;
    if (i == n) return best;
  }
}

// Budget, groups, locks and lm_head rules on a finished plan.
void expect_rules(const Instance& inst, const srs::QuantPlan& plan, const std::string& what) {
  const auto& t = inst.table;
  int64_t bits = 0;
  for (size_t i = 0; i < t.layers.size(); ++i) {
    const auto& l = t.layers[i];
    const auto lock = inst.settings.locks.find(l.name);
    if (lock != inst.settings.locks.end()) {
      EXPECT_EQ(plan.choice[i], lock->second) << what << ": locked layer " << l.name;
      EXPECT_EQ(plan.locked[i], 1) << what;
    }
    if (l.kind == LayerKind::lm_head && !inst.settings.quantize_lm_head && lock == inst.settings.locks.end()) {
      EXPECT_EQ(plan.choice[i], -1) << what << ": lm_head must stay unquantized";
    }
    if (plan.choice[i] < 0) continue;
    bits += inst.settings.count_overhead ? l.bits[plan.choice[i]] : l.bits_no_overhead[plan.choice[i]];
    for (size_t j = 0; j < i; ++j) {
      if (t.layers[j].block == l.block && l.block >= 0 && family(l.kind) >= 0 &&
          family(t.layers[j].kind) == family(l.kind)) {
        EXPECT_EQ(plan.choice[j], plan.choice[i]) << what << ": fused layers " << t.layers[j].name << " and " << l.name;
      }
    }
  }
  EXPECT_LE(bits, plan.budget_bits) << what;
}

constexpr double kTol = 1e-9;  // sums of O(1) scores in a different order

}  // namespace

TEST(AllocateAllocator, EqualsBruteForceWithGroupsLocksAndLmHead) {
  std::mt19937 rng(42);
  int solved = 0, infeasible = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const Instance inst = random_instance(rng);
    std::unique_ptr<srs::Allocator> alloc;
    try {
      alloc = std::make_unique<srs::Allocator>(inst.table, inst.settings);
    } catch (const srs::Error& e) {
      // Only conflicting locks inside a fused group may be refused; brute force agrees nothing fits.
      EXPECT_NE(std::string(e.what()).find("must share an option"), std::string::npos) << e.what();
      EXPECT_FALSE(std::isfinite(brute_force(inst, std::numeric_limits<int64_t>::max())));
      ++infeasible;
      continue;
    }
    if (alloc->quantized_params() == 0) continue;
    const srs::AllocationFrontier frontier(*alloc);
    for (int q = 0; q < 4; ++q) {
      const double lo = alloc->min_avg_bits(), hi = alloc->max_avg_bits();
      const double avg = lo + (hi - lo) * std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      const srs::QuantPlan plan = alloc->solve(avg);
      const double expect = brute_force(inst, plan.budget_bits);
      ASSERT_TRUE(std::isfinite(expect)) << "trial " << trial;
      EXPECT_NEAR(plan.predicted_loss, expect, kTol) << "trial " << trial << " avg " << avg;
      expect_rules(inst, plan, "solve, trial " + std::to_string(trial));
      const srs::QuantPlan looked_up = frontier.solve(avg);
      EXPECT_NEAR(looked_up.predicted_loss, expect, kTol) << "trial " << trial;
      EXPECT_EQ(looked_up.budget_bits, plan.budget_bits);
      expect_rules(inst, looked_up, "frontier, trial " + std::to_string(trial));
      ++solved;
    }
    // Every frontier point is the optimum at its own bit total.
    for (size_t i = 0; i < frontier.points().size(); ++i) {
      const auto& p = frontier.points()[i];
      EXPECT_NEAR(p.loss, brute_force(inst, p.bits), kTol) << "trial " << trial;
      EXPECT_NEAR(frontier.plan_at(i).predicted_loss, p.loss, kTol);
      if (i > 0) {
        EXPECT_LT(p.loss, frontier.points()[i - 1].loss);
      }
    }
  }
  EXPECT_GT(solved, 1000);  // the generator must mostly produce solvable instances
  std::printf("solved %d budgets, %d instances with conflicting locks\n", solved, infeasible);
}

TEST(AllocateAllocator, InfeasibleTargetNamesTheRange) {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W8A16"};
  t.layers.push_back(make_layer("model.layers.0.mlp.down_proj", 0, LayerKind::down, 128 * 128, {2, 8}, {1.0, 0.1}));
  const srs::Allocator alloc(t, {});
  // 2 + 18/128 = 2.1406 and 8 + 24/128 = 8.1875 bits per weight.
  EXPECT_NEAR(alloc.min_avg_bits(), 2.140625, 1e-12);
  EXPECT_NEAR(alloc.max_avg_bits(), 8.1875, 1e-12);
  for (double bad : {1.5, 9.0, std::nan("")}) {
    try {
      alloc.solve(bad);
      ADD_FAILURE() << "target " << bad << " accepted";
    } catch (const srs::Error& e) {
      EXPECT_NE(std::string(e.what()).find("[2.1406, 8.1875]"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(alloc.solve(2.140625).choice[0], 0);  // the bounds themselves are feasible
  EXPECT_EQ(alloc.solve(8.1875).choice[0], 1);
}

TEST(AllocateAllocator, LmHeadUnquantizedByDefaultAndHighBitWhenAsked) {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16", "W8A16"};
  t.layers.push_back(make_layer("model.layers.0.mlp.down_proj", 0, LayerKind::down, 128 * 128, {2, 4, 8}, {1, .5, .1}));
  // A head whose scores favour the cheap option: the rule must still keep it at 8 bits.
  t.layers.push_back(make_layer("lm_head", -1, LayerKind::lm_head, 128 * 256, {2, 4, 8}, {0.0, 0.0, 0.0}));
  {
    const srs::Allocator alloc(t, {});
    EXPECT_EQ(alloc.quantized_params(), 128 * 128);  // the head is out of the average
    const auto plan = alloc.solve(3.0);
    EXPECT_EQ(plan.choice[1], -1);
  }
  srs::AllocationSettings s;
  s.quantize_lm_head = true;
  s.count_overhead = false;
  const srs::Allocator alloc(t, s);
  EXPECT_EQ(alloc.quantized_params(), 128 * 128 + 128 * 256);
  EXPECT_NEAR(alloc.min_avg_bits(), (2.0 * 128 * 128 + 8.0 * 128 * 256) / (128 * 384), 1e-12);
  EXPECT_EQ(alloc.solve(alloc.min_avg_bits()).choice[1], 2);
  // Without any option of >= 6 bits, the head may take any option.
  srs::SensitivityTable low = t;
  low.options = {"W2A16", "W4A16"};
  for (auto& l : low.layers) {
    l.score.resize(2);
    l.bits.resize(2);
    l.bits_no_overhead.resize(2);
  }
  EXPECT_EQ(srs::Allocator(low, s).solve(2.0).choice[1], 0);
}

TEST(AllocateAllocator, UserGroupsShareWithinBlocksOnly) {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16"};
  for (int b = 0; b < 2; ++b) {
    const std::string p = "model.layers." + std::to_string(b);
    t.layers.push_back(make_layer(p + ".self_attn.o_proj", b, LayerKind::o, 16384, {2, 4}, {1.0 - 0.5 * b, 0.0}));
    t.layers.push_back(make_layer(p + ".mlp.down_proj", b, LayerKind::down, 16384, {2, 4}, {0.0, 0.0}));
  }
  srs::AllocationSettings s;
  s.shared_layers = {{"o_proj$", "down_proj$"}};
  s.count_overhead = false;
  const srs::Allocator alloc(t, s);
  ASSERT_EQ(alloc.items().size(), 2u);
  EXPECT_EQ(alloc.items()[0].layers, (std::vector<int>{0, 1}));
  EXPECT_EQ(alloc.items()[1].layers, (std::vector<int>{2, 3}));
  // 3 bits on average buys one upgraded group: block 0's o_proj gains most, its down_proj
  // (no gain of its own) follows it, block 1 stays low.
  const auto plan = alloc.solve(3.0);
  EXPECT_EQ(plan.choice, (std::vector<int>{1, 1, 0, 0}));

  s.shared_layers = {{"("}};
  EXPECT_THROW(srs::Allocator(t, s), srs::Error);
}

TEST(AllocateAllocator, BadLocksAreRefused) {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16"};
  t.layers.push_back(make_layer("model.layers.0.self_attn.q_proj", 0, LayerKind::q, 16384, {2, 4}, {1, 0}));
  t.layers.push_back(make_layer("model.layers.0.self_attn.k_proj", 0, LayerKind::k, 16384, {2, 4}, {1, 0}));
  srs::AllocationSettings s;
  s.locks = {{"model.layers.0.self_attn.q_proj", 0}, {"model.layers.0.self_attn.k_proj", 1}};
  EXPECT_THROW(srs::Allocator(t, s), srs::Error);  // fused q/k locked apart
  s.locks = {{"model.layers.9.self_attn.q_proj", 0}};
  EXPECT_THROW(srs::Allocator(t, s), srs::Error);  // unknown layer
  s.locks = {{"model.layers.0.self_attn.q_proj", 2}};
  EXPECT_THROW(srs::Allocator(t, s), srs::Error);  // option out of range
  // A lock carries over to its fused partner.
  s.locks = {{"model.layers.0.self_attn.q_proj", 0}};
  const srs::Allocator alloc(t, s);
  EXPECT_EQ(alloc.min_avg_bits(), alloc.max_avg_bits());  // nothing left to choose
  const auto plan = alloc.solve(alloc.min_avg_bits());
  EXPECT_EQ(plan.choice, (std::vector<int>{0, 0}));
  EXPECT_EQ(plan.locked, (std::vector<uint8_t>{1, 0}));
}

TEST(AllocateAllocator, NaivePlansFillBlocksInOrderAndNeverBeatTheOptimum) {
  std::mt19937 rng(3);
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16"};
  const LayerKind kinds[] = {LayerKind::q, LayerKind::k, LayerKind::v, LayerKind::o,
                             LayerKind::gate, LayerKind::up, LayerKind::down};
  const char* names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                         "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
  const int64_t params[] = {576 * 576, 576 * 192, 576 * 192, 576 * 576, 576 * 1536, 576 * 1536, 576 * 1536};
  for (int b = 0; b < 6; ++b)
    for (int j = 0; j < 7; ++j) {
      const double s = std::uniform_real_distribution<double>(0.1, 1.0)(rng);
      t.layers.push_back(make_layer("model.layers." + std::to_string(b) + "." + names[j], b, kinds[j], params[j],
                                    {2, 4}, {s, s / 4}));
    }
  const srs::Allocator alloc(t, {});
  for (double avg : {2.5, 3.0, 3.5}) {
    const auto best = alloc.solve(avg);
    for (auto order : {srs::NaiveOrder::first_blocks, srs::NaiveOrder::last_blocks}) {
      const auto plan = srs::naive_plan(alloc, avg, 0, 1, order);
      EXPECT_EQ(plan.budget_bits, best.budget_bits);
      EXPECT_LE(plan.avg_bits * alloc.quantized_params(), static_cast<double>(plan.budget_bits) + 1e-6);
      EXPECT_GE(plan.predicted_loss, best.predicted_loss - kTol);
      // Upgraded layers form a run of blocks from the chosen end.
      bool seen_low = false;
      for (int b = 0; b < 6; ++b) {
        const int blk = order == srs::NaiveOrder::first_blocks ? b : 5 - b;
        const int first_of_block = blk * 7;
        if (plan.choice[first_of_block] == 0) seen_low = true;
        if (seen_low) {
          EXPECT_EQ(plan.choice[first_of_block + 6], 0) << "block " << blk << " avg " << avg;
        }
      }
      EXPECT_GT(std::count(plan.choice.begin(), plan.choice.end(), 1), 0) << "avg " << avg;
    }
  }
  EXPECT_THROW(srs::naive_plan(alloc, 3.0, 0, 5, srs::NaiveOrder::first_blocks), srs::Error);
}

// At a realistic size the bound-pruned one-shot solve and the unpruned frontier lookup are two
// independent routes to the optimum; they must agree at every target.
TEST(AllocateAllocator, OneShotSolveEqualsFrontierOnSmolLmShapes) {
  std::mt19937 rng(11);
  srs::SensitivityTable t;
  t.options = {"W2A16", "W3A16", "W4A16", "W8A16"};
  const LayerKind kinds[] = {LayerKind::q, LayerKind::k, LayerKind::v, LayerKind::o,
                             LayerKind::gate, LayerKind::up, LayerKind::down};
  const char* names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                         "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
  const int64_t params[] = {576 * 576, 576 * 192, 576 * 192, 576 * 576, 576 * 1536, 576 * 1536, 576 * 1536};
  for (int b = 0; b < 30; ++b)
    for (int j = 0; j < 7; ++j) {
      const double s = std::uniform_real_distribution<double>(0.1, 1.0)(rng);
      std::vector<double> score;
      for (int bits : {2, 3, 4, 8})
        score.push_back(s * std::pow(4.0, -bits) * std::uniform_real_distribution<double>(0.7, 1.3)(rng));
      t.layers.push_back(make_layer("model.layers." + std::to_string(b) + "." + names[j], b, kinds[j], params[j],
                                    {2, 3, 4, 8}, score));
    }
  for (bool overhead : {true, false}) {
    srs::AllocationSettings s;
    s.count_overhead = overhead;
    s.locks = {{"model.layers.0.mlp.down_proj", 3}, {"model.layers.29.self_attn.q_proj", 0}};
    const srs::Allocator alloc(t, s);
    const srs::AllocationFrontier frontier(alloc);
    for (int i = 0; i <= 60; ++i) {
      const double avg = alloc.min_avg_bits() + (alloc.max_avg_bits() - alloc.min_avg_bits()) * i / 60.0;
      const auto a = alloc.solve(avg);
      const auto b = frontier.solve(avg);
      EXPECT_NEAR(a.predicted_loss, b.predicted_loss, 1e-10) << "avg " << avg;  // same sums, other order
      EXPECT_LE(overhead ? a.avg_bits : a.avg_bits_no_overhead, avg + 1e-12);
      EXPECT_EQ(a.choice[6], 3);  // the locks hold
      EXPECT_EQ(a.choice[29 * 7], 0);
    }
  }
}
