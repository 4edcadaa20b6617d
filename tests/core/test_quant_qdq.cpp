// qdq behaviour that the golden vectors do not pin down: grouping, bad input, dtypes,
// tunable helpers, and the relations exporters rely on between codes, scales and weights.
#include <gtest/gtest.h>

#include <cmath>

#include "quant/fp8_e4m3.h"
#include "quant/grouping.h"
#include "quant/qdq.h"
#include "quant/scale_search.h"
#include "test_quant_golden.h"
#include "util/error.h"

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const srs::Error& e) {
    return e.what();
  }
  return "";
}

at::Tensor random_weight(int64_t out, int64_t in, uint64_t seed) {
  at::manual_seed(seed);
  return at::randn({out, in}) * 0.02;
}

TEST(QuantGrouping, LayoutsFollowAutoRound) {
  const srs::GroupLayout pad = srs::group_layout(6, 100, 32);
  EXPECT_EQ(pad.rows, 24);
  EXPECT_EQ(pad.group, 32);
  EXPECT_EQ(pad.pad, 28);
  const srs::GroupLayout shorter = srs::group_layout(4, 20, 32);  // in < G: one group per row
  EXPECT_EQ(shorter.rows, 4);
  EXPECT_EQ(shorter.group, 20);
  EXPECT_EQ(shorter.pad, 0);
  const srs::GroupLayout per_channel = srs::group_layout(5, 40, -1);
  EXPECT_EQ(per_channel.rows, 5);
  const srs::GroupLayout per_tensor = srs::group_layout(3, 24, 0);
  EXPECT_EQ(per_tensor.rows, 1);
  EXPECT_EQ(per_tensor.group, 72);

  const at::Tensor w = random_weight(6, 100, 1);
  const at::Tensor g = srs::to_groups(w, pad);
  EXPECT_EQ(g.sizes(), (at::IntArrayRef{24, 32}));
  EXPECT_TRUE(at::equal(g[3].slice(0, 4, 32), at::zeros({28})));  // row 0's last group is padded
  EXPECT_TRUE(at::equal(srs::from_groups(g, pad), w));
}

TEST(QuantQdq, NanAndInfWeightsNameTheLayerAndPosition) {
  at::Tensor w = random_weight(4, 64, 2);
  w[2][17] = NAN;
  const std::string msg = error_of([&] {
    srs::qdq_weight(w, srs::preset_scheme("W4A16"), {}, "model.layers.7.self_attn.q_proj");
  });
  EXPECT_NE(msg.find("model.layers.7.self_attn.q_proj"), std::string::npos) << msg;
  EXPECT_NE(msg.find("NaN"), std::string::npos) << msg;
  EXPECT_NE(msg.find("row 2, column 17"), std::string::npos) << msg;
  w[2][17] = -INFINITY;
  EXPECT_THROW(srs::qdq_weight(w, srs::preset_scheme("MXFP4"), {}, "l"), srs::Error);
  EXPECT_THROW(srs::qdq_weight(w, srs::preset_scheme("NVFP4"), {}, "l"), srs::Error);
}

TEST(QuantQdq, WrongTunableShapesAndSchemesAreErrors) {
  const at::Tensor w = random_weight(4, 256, 3);
  const srs::Scheme s = srs::preset_scheme("W4A16");
  srs::Tunables t = srs::make_tunables(w, s);
  t.v = at::zeros({4, 256});
  std::string msg = error_of([&] { srs::qdq_weight(w, s, t, "lm_head"); });
  EXPECT_NE(msg.find("lm_head"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[8, 128]"), std::string::npos) << msg;

  t = srs::make_tunables(w, s);
  t.max_scale = at::ones({8}, at::kDouble);
  EXPECT_NE(error_of([&] { srs::qdq_weight(w, s, t, "l"); }).find("float32"), std::string::npos);

  srs::Scheme asym = s;
  asym.sym = false;
  srs::Tunables v2;
  v2.init_scale = at::ones({8});
  EXPECT_NE(error_of([&] { srs::qdq_weight(w, asym, v2, "l"); }).find("symmetric"), std::string::npos);

  srs::Scheme bad = s;
  bad.bits = 9;
  EXPECT_NE(error_of([&] { srs::qdq_weight(w, bad, {}, "blk.0.ffn"); }).find("blk.0.ffn"), std::string::npos);
  EXPECT_THROW(srs::qdq_weight(at::zeros({2, 3, 4}), s, {}, "l"), srs::Error);
  EXPECT_THROW(srs::qdq_weight(at::zeros({0, 128}), s, {}, "l"), srs::Error);
  EXPECT_THROW(srs::make_tunables(w, bad, "l"), srs::Error);
  EXPECT_THROW(srs::qdq_activation(at::zeros({4, 0}), srs::preset_scheme("MXFP4"), "l"), srs::Error);
  EXPECT_THROW(srs::qdq_activation(at::zeros({2, 64}), s, "l"), srs::Error);  // W4A16 keeps activations
}

TEST(QuantQdq, SixteenBitsIsIdentity) {
  const at::Tensor w = random_weight(3, 50, 4);
  const srs::WeightQdq q = srs::qdq_weight(w, srs::preset_scheme("BF16"), {}, "l");
  EXPECT_TRUE(at::equal(q.weight, w));
  EXPECT_FALSE(q.scale.defined());
}

TEST(QuantQdq, CodesScalesAndZeroPointsReconstructTheWeight) {
  const at::Tensor w = random_weight(16, 300, 5);  // 300 = 2 * 128 + 44: a padded last group
  for (const char* name : {"W2A16", "W3A16G64", "W4A16", "W8A16G32"}) {
    SCOPED_TRACE(name);
    srs::Scheme s = srs::preset_scheme(name);
    for (bool sym : {true, false}) {
      s.sym = sym;
      const srs::WeightQdq q = srs::qdq_weight(w, s, {}, "l");
      const srs::GroupLayout& g = q.layout;
      const at::Tensor scale = srs::from_groups(srs::per_group(q.scale.to(at::kFloat), g), g);
      const at::Tensor codes = q.codes.to(at::kFloat);
      if (sym) {
        EXPECT_EQ(q.zero_point_offset, 1 << (s.bits - 1));
        EXPECT_TRUE(at::equal(scale * codes, q.weight));
        EXPECT_GE(codes.min().item<float>(), -(1 << (s.bits - 1)));
        EXPECT_LE(codes.max().item<float>(), (1 << (s.bits - 1)) - 1);
      } else {
        const at::Tensor zp = srs::from_groups(srs::per_group(q.zero_point, g), g);
        EXPECT_TRUE(at::equal(scale * (codes - zp), q.weight));
        EXPECT_GE(codes.min().item<float>(), 0);
        EXPECT_LE(codes.max().item<float>(), (1 << s.bits) - 1);
      }
      // RTN error: half a step inside the range, under one step where the range end is clamped
      // (full-range sym gives the positive side only 2^(b-1) - 1 levels).
      EXPECT_LE(((q.weight - w).abs() - scale.abs()).max().item<float>(), 0.f);
      EXPECT_LE((q.weight - w).abs().mean().item<float>(), 0.5f * scale.abs().mean().item<float>());
    }
  }
}

TEST(QuantQdq, MxAndNvCodesLieOnTheirGrids) {
  const at::Tensor w = random_weight(8, 96, 6);
  const srs::WeightQdq mx = srs::qdq_weight(w, srs::preset_scheme("MXFP4"), {}, "l");
  const at::Tensor grid = at::tensor({0.f, 0.5f, 1.f, 1.5f, 2.f, 3.f, 4.f, 6.f});
  const at::Tensor on_grid = (mx.codes.abs().unsqueeze(-1) == grid).any(-1);
  EXPECT_TRUE(on_grid.all().item<bool>());
  const at::Tensor e = srs::from_groups(srs::per_group(mx.scale, mx.layout), mx.layout);
  EXPECT_TRUE(at::equal(mx.codes * at::pow(2.0, e), mx.weight));

  const srs::WeightQdq nv = srs::qdq_weight(w, srs::preset_scheme("NVFP4"), {}, "l");
  EXPECT_TRUE((nv.codes.abs().unsqueeze(-1) == grid).any(-1).all().item<bool>());
  EXPECT_TRUE(at::equal(srs::round_fp8_e4m3(nv.scale), nv.scale));  // block scales are FP8 values
  EXPECT_FLOAT_EQ(nv.global_scale.item<float>(), 448.f * 6.f / w.abs().max().item<float>());
}

TEST(QuantQdq, Bf16WeightsComputeInFloatAndReturnBf16) {
  const at::Tensor w = random_weight(4, 128, 7).to(at::kBFloat16);
  const srs::Scheme s = srs::preset_scheme("W4A16");
  const srs::WeightQdq a = srs::qdq_weight(w, s, {}, "l");
  const srs::WeightQdq b = srs::qdq_weight(w.to(at::kFloat), s, {}, "l");
  EXPECT_EQ(a.weight.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(at::equal(a.weight, b.weight.to(at::kBFloat16)));
  EXPECT_TRUE(at::equal(a.codes, b.codes));
}

TEST(QuantQdq, TunablesHaveWrapperShapesAndGradientsFlow) {
  const at::Tensor w = random_weight(6, 100, 8);
  srs::Tunables t = srs::make_tunables(w, srs::preset_scheme("W2A16G32"));
  EXPECT_EQ(t.v.sizes(), (at::IntArrayRef{24, 32}));
  EXPECT_EQ(t.max_scale.sizes(), (at::IntArrayRef{24}));
  EXPECT_EQ(t.min_scale.sizes(), (at::IntArrayRef{24}));
  EXPECT_FALSE(srs::make_tunables(w, srs::preset_scheme("MXFP4")).min_scale.defined());

  // At V = 0, alpha = beta = 1 the tuned qdq equals RTN.
  const srs::Scheme s = srs::preset_scheme("W2A16G32");
  const srs::WeightQdq tuned = srs::qdq_weight(w, s, t, "l");
  EXPECT_TRUE(at::equal(tuned.weight, srs::qdq_weight(w, s, {}, "l").weight));
  tuned.weight.sum().backward();
  EXPECT_TRUE(t.v.grad().defined());
  EXPECT_GT(t.v.grad().abs().sum().item<float>(), 0.f);
  EXPECT_TRUE(at::equal(t.v.grad().slice(1, 4, 32)[3], at::zeros({28})));  // padding gets no gradient

  {
    at::NoGradGuard g;
    t.max_scale.fill_(1.7);
    t.min_scale.fill_(-0.2);
  }
  srs::clamp_tunables_(t, 0.0, 1.0);
  EXPECT_EQ(t.max_scale.max().item<float>(), 1.f);
  EXPECT_EQ(t.min_scale.min().item<float>(), 0.f);
  EXPECT_TRUE(t.max_scale.requires_grad());
}

TEST(QuantQdq, ActivationsKeepShapeAndStaticNvMaxFixesTheGlobalScale) {
  at::manual_seed(9);
  const at::Tensor x = at::randn({2, 5, 64});
  const srs::ActQdq mx = srs::qdq_activation(x, srs::preset_scheme("MXFP8"), "l");
  EXPECT_EQ(mx.x.sizes(), x.sizes());
  EXPECT_LT((mx.x - x).abs().max().item<float>(), 0.1f * x.abs().max().item<float>());
  const srs::ActQdq nv = srs::qdq_activation(x, srs::preset_scheme("NVFP4"), "l", at::scalar_tensor(10.0));
  EXPECT_FLOAT_EQ(nv.global_scale.item<float>(), 448.f * 6.f / 10.f);
}

TEST(QuantFp8, MatchesTorchFloat8E4m3fn) {
  const auto& g = srs::test::QuantGolden::get();
  const auto& c = g.doc().at("fp8_e4m3");
  const at::Tensor x = g.tensor(c.at("x"));
  EXPECT_EQ(srs::test::count_ulp_mismatch(srs::round_fp8_e4m3(x), g.tensor(c.at("y")), 0), 0);
  EXPECT_EQ(srs::round_fp8_e4m3(448.f), 448.f);
  EXPECT_EQ(srs::round_fp8_e4m3(-0.001953125f), -0.001953125f);  // smallest subnormal 2^-9
  EXPECT_TRUE(std::isnan(srs::round_fp8_e4m3(500.f)));
}

TEST(QuantScaleSearch, RejectsAsymGptqBadImatrixAndNan) {
  at::Tensor w = random_weight(4, 64, 10);
  srs::Scheme asym = srs::preset_scheme("W4A16G32");
  asym.sym = false;
  EXPECT_NE(error_of([&] { srs::search_init_scale(w, asym, {}, "mlp.down_proj"); }).find("mlp.down_proj"),
            std::string::npos);
  srs::Scheme gptq = srs::preset_scheme("W4A16G32");
  gptq.data_type = "int_sym_gptq";
  EXPECT_THROW(srs::search_init_scale(w, gptq, {}, "l"), srs::Error);
  const std::string msg = error_of([&] { srs::search_init_scale(w, srs::preset_scheme("MXFP4"), at::ones({63}), "l"); });
  EXPECT_NE(msg.find("63"), std::string::npos) << msg;
  w[0][0] = INFINITY;
  EXPECT_THROW(srs::search_init_scale(w, srs::preset_scheme("NVFP4"), {}, "l"), srs::Error);
}

TEST(QuantScaleSearch, InitScaleNeverLosesToRtnAndFeedsTheTunedQdq) {
  const at::Tensor w = random_weight(8, 128, 11);
  const srs::Scheme s = srs::preset_scheme("W2A16G32");
  const at::Tensor init = srs::search_init_scale(w, s, {}, "l");
  srs::Tunables t;
  t.init_scale = init;
  const at::Tensor searched = srs::qdq_weight(w, s, t, "l").weight;
  const at::Tensor rtn = srs::qdq_weight(w, s, {}, "l").weight;
  // Candidate 0 of the search is the RTN scale (before fp16 rounding), so per group the searched
  // error is no larger up to that rounding; over the tensor it is clearly smaller at 2 bits.
  EXPECT_LT((searched - w).pow(2).sum().item<float>(), (rtn - w).pow(2).sum().item<float>());
}

}  // namespace
