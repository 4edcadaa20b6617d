// PlanEditor: the interactive allocation the studio drives (budget moves, group locks, rules,
// imported plans, naive plans, size), checked against a fresh Allocator on the same constraints.
#include <gtest/gtest.h>

#include "allocate/allocator.h"
#include "allocate/plan_editor.h"
#include "util/error.h"

namespace {

using srs::LayerKind;

// 3 blocks x (q, k, v, o, gate, up, down) + lm_head; options W2A16, W4A16, W8A16 with group-128
// overhead; scores fall with bits and grow with depth, so the optimum is not trivial.
srs::SensitivityTable editor_table() {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16", "W8A16"};
  const char* names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                         "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};
  const LayerKind kinds[] = {LayerKind::q, LayerKind::k, LayerKind::v, LayerKind::o,
                             LayerKind::gate, LayerKind::up, LayerKind::down};
  auto add = [&](const std::string& name, int block, LayerKind kind, int64_t params, double base) {
    srs::LayerSensitivity l;
    l.name = name;
    l.block = block;
    l.kind = kind;
    l.params = params;
    for (int b : {2, 4, 8}) {
      l.bits_no_overhead.push_back(b * params);
      l.bits.push_back(b * params + params / 128 * (16 + b));
      l.score.push_back(base / (b * b));
    }
    t.layers.push_back(l);
  };
  for (int b = 0; b < 3; ++b)
    for (int k = 0; k < 7; ++k)
      add("model.layers." + std::to_string(b) + "." + names[k], b, kinds[k], (k >= 4 ? 2 : 1) * 128 * 128,
          (1.0 + b) * (1.0 + 0.3 * k));
  add("lm_head", -1, LayerKind::lm_head, 128 * 512, 50.0);
  return t;
}

int layer(const srs::SensitivityTable& t, const std::string& name) { return t.find_layer(name); }

TEST(PlanEditor, BudgetMovesEqualTheDirectSolveAndStayInRange) {
  srs::PlanEditor editor(editor_table());
  const srs::Allocator direct(editor_table(), {});
  EXPECT_DOUBLE_EQ(editor.min_avg_bits(), direct.min_avg_bits());
  for (double target : {2.5, 3.0, 4.2, 6.0, 8.0, 9.0}) {
    const double used = editor.set_target(target);
    if (target > editor.max_avg_bits()) {
      EXPECT_DOUBLE_EQ(used, editor.max_avg_bits());
      continue;
    }
    const srs::QuantPlan expect = direct.solve(used);
    EXPECT_EQ(editor.plan().choice, expect.choice) << target;
    EXPECT_LE(editor.plan().avg_bits, used + 1e-12);
  }
  EXPECT_DOUBLE_EQ(editor.set_target(0.5), editor.min_avg_bits()) << "clamped to the feasible range";
  EXPECT_DOUBLE_EQ(editor.set_target(99.0), editor.max_avg_bits());
  EXPECT_FALSE(editor.frontier().empty());
}

TEST(PlanEditor, LockTakesTheWholeGroupAndTheRestReSolvesUnderTheBudget) {
  const auto t = editor_table();
  srs::PlanEditor editor(t);
  editor.set_target(3.0);
  const int q1 = layer(t, "model.layers.1.self_attn.q_proj");
  editor.lock(q1, 2);
  for (const char* n : {"q_proj", "k_proj", "v_proj"}) {
    const int i = layer(t, std::string("model.layers.1.self_attn.") + n);
    EXPECT_TRUE(editor.is_locked(i)) << n;
    EXPECT_EQ(editor.plan().choice[i], 2) << n;
    EXPECT_EQ(editor.plan().locked[i], 1) << n;
  }
  EXPECT_FALSE(editor.is_locked(layer(t, "model.layers.1.self_attn.o_proj")));
  EXPECT_LE(editor.plan().avg_bits, editor.target() + 1e-12);
  // Same plan as a fresh allocator given the same locks.
  srs::AllocationSettings s;
  for (const char* n : {"q_proj", "k_proj", "v_proj"}) s.locks[std::string("model.layers.1.self_attn.") + n] = 2;
  EXPECT_EQ(editor.plan().choice, srs::Allocator(t, s).solve(editor.target()).choice);

  editor.unlock({layer(t, "model.layers.1.self_attn.v_proj")});
  EXPECT_FALSE(editor.is_locked(q1)) << "unlocking one member frees the group";
  EXPECT_EQ(editor.plan().choice, srs::Allocator(t, {}).solve(editor.target()).choice);
}

TEST(PlanEditor, LockCurrentKeepsTheOptionsThroughBudgetChanges) {
  const auto t = editor_table();
  srs::PlanEditor editor(t);
  editor.set_target(3.0);
  const int down0 = layer(t, "model.layers.0.mlp.down_proj");
  const int before = editor.plan().choice[down0];
  editor.lock_current({down0});
  editor.set_target(editor.max_avg_bits());
  EXPECT_EQ(editor.plan().choice[down0], before);
  editor.unlock_all();
  editor.set_target(editor.max_avg_bits());
  EXPECT_EQ(editor.plan().choice[down0], 2);
}

TEST(PlanEditor, RulesLockMatchesAndRejectBadInputWithoutChangingAnything) {
  const auto t = editor_table();
  srs::PlanEditor editor(t);
  editor.set_target(3.0);
  EXPECT_EQ(editor.apply_rule("down_proj$", "W8A16"), 3);
  for (int b = 0; b < 3; ++b) {
    const int i = layer(t, "model.layers." + std::to_string(b) + ".mlp.down_proj");
    EXPECT_EQ(editor.plan().choice[i], 2);
    EXPECT_TRUE(editor.is_locked(i));
  }
  const auto plan = editor.plan().choice;
  EXPECT_THROW(editor.apply_rule("down_proj(", "W4A16"), srs::Error);
  EXPECT_THROW(editor.apply_rule("nothing_like_this", "W4A16"), srs::Error);
  EXPECT_THROW(editor.apply_rule("q_proj", "W3A16"), srs::Error);
  EXPECT_EQ(editor.plan().choice, plan);
  // A rule that would split a fused group cannot: it locks the group.
  editor.apply_rule("layers\\.2\\.self_attn\\.k_proj", "W2A16");
  EXPECT_EQ(editor.plan().choice[layer(t, "model.layers.2.self_attn.q_proj")], 0);
}

TEST(PlanEditor, BadIndicesChangeNothing) {
  const auto t = editor_table();
  srs::PlanEditor editor(t);
  editor.set_target(3.0);
  editor.lock(0, 2);
  const auto before = editor.plan();
  EXPECT_THROW(editor.lock_current({4, 999}), srs::Error);
  EXPECT_THROW(editor.unlock({0, -1}), srs::Error);
  EXPECT_THROW(editor.lock(999, 1), srs::Error);
  EXPECT_THROW(editor.lock(4, 7), srs::Error);
  EXPECT_FALSE(editor.is_locked(4)) << "lock_current checked every index before locking any";
  EXPECT_TRUE(editor.is_locked(0)) << "unlock checked every index before unlocking any";
  EXPECT_EQ(editor.plan().choice, before.choice);
  EXPECT_EQ(editor.plan().locked, before.locked);
}

TEST(PlanEditor, LockingLmHeadQuantizesItAndUnlockingLeavesItUnquantized) {
  const auto t = editor_table();
  const int head = layer(t, "lm_head");
  srs::PlanEditor editor(t);
  editor.set_target(4.0);
  EXPECT_EQ(editor.plan().choice[head], -1) << "lm_head stays unquantized unless asked";
  editor.lock_current({head});
  EXPECT_FALSE(editor.is_locked(head)) << "no option to keep: skipped";
  editor.lock(head, 2);
  EXPECT_EQ(editor.plan().choice[head], 2);
  EXPECT_EQ(editor.group_of(head), std::vector<int>{head});
  editor.unlock({head});
  EXPECT_EQ(editor.plan().choice[head], -1);
}

TEST(PlanEditor, LoadPlanRestoresLocksTargetAndCostSetting) {
  const auto t = editor_table();
  srs::PlanEditor source(t, false);
  source.set_target(3.5);
  source.lock(layer(t, "model.layers.0.self_attn.o_proj"), 2);
  srs::PlanEditor editor(t);
  editor.load_plan(source.plan(), false);
  EXPECT_FALSE(editor.count_overhead());
  EXPECT_DOUBLE_EQ(editor.target(), source.target());
  EXPECT_EQ(editor.plan().choice, source.plan().choice);
  EXPECT_EQ(editor.plan().locked, source.plan().locked);
  // Imported as a whole: every quantized layer locked.
  editor.load_plan(source.plan(), true);
  for (size_t i = 0; i + 1 < t.layers.size(); ++i) EXPECT_TRUE(editor.is_locked(static_cast<int>(i)));
  EXPECT_EQ(editor.plan().choice, source.plan().choice);
  srs::QuantPlan wrong = source.plan();
  wrong.choice.pop_back();
  EXPECT_THROW(editor.load_plan(wrong, true), srs::Error);
  EXPECT_EQ(editor.plan().choice, source.plan().choice) << "a bad plan changes nothing";
}

TEST(PlanEditor, NaivePlansAndSizeFollowTheTarget) {
  const auto t = editor_table();
  srs::PlanEditor editor(t);
  editor.set_target(3.0);
  const auto first = editor.naive(true), last = editor.naive(false);
  ASSERT_TRUE(first && last);
  // At 3.0 bits, 1/6 of the weights can move from 2 to 8 bits: q/k/v and o of one block.
  EXPECT_EQ(first->choice[layer(t, "model.layers.0.self_attn.q_proj")], 2);
  EXPECT_EQ(first->choice[layer(t, "model.layers.2.self_attn.q_proj")], 0);
  EXPECT_EQ(last->choice[layer(t, "model.layers.2.self_attn.q_proj")], 2);
  EXPECT_EQ(last->choice[layer(t, "model.layers.0.self_attn.q_proj")], 0);
  EXPECT_LE(first->avg_bits, 3.0 + 1e-12);
  EXPECT_LE(editor.plan().predicted_loss, first->predicted_loss + 1e-12) << "the optimum is never worse";
  EXPECT_LE(editor.plan().predicted_loss, last->predicted_loss + 1e-12);
  // Size: the chosen options' bits plus lm_head (unquantized) at 16 bits.
  uint64_t bits = static_cast<uint64_t>(t.layers.back().params) * 16;
  for (size_t i = 0; i + 1 < t.layers.size(); ++i)
    bits += static_cast<uint64_t>(t.layers[i].bits[static_cast<size_t>(editor.plan().choice[i])]);
  EXPECT_EQ(editor.plan_size_bytes(), (bits + 7) / 8);
}

}  // namespace
