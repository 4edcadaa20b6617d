// Weight and activation qdq against auto-round (tests/golden/quant, scripts/gen_quant_golden.py).
//
// Tolerances and why:
// - Dequantized values, scales, zero points, codes and searched init scales, for every data type
//   (int, MX, NVFP4): bit-identical. The C++ code runs the reference's element-wise float32 ops
//   in the same order, and every rounding step (fp16 scale, FP8 block scale, round half to even,
//   floor of log2, IEEE reciprocals) is exact, so any difference is a bug, not noise.
// - Gradients (sum(w_hat * R) w.r.t. V, alpha, beta / w.r.t. x): 1e-6 relative (absolute 1e-12
//   for values that cancel to ~0). V gradients are element-wise; alpha / beta / x gradients are
//   sums whose order can differ between torch builds (a few float32 ulps, ~1e-7 relative). On
//   this build they come out bit-identical too.
// - NaN must match NaN: auto-round's gradient w.r.t. alpha is NaN for an all-zero MX / NV group
//   (0/0 in the log2 / reciprocal backward), and this port reproduces it rather than hiding it.
// - torch 2.x masks the clamp gradient AT the bounds (LibTorch 1.13 does not); see clamp_ref.
#include <gtest/gtest.h>

#include "quant/qdq.h"
#include "quant/scale_search.h"
#include "test_quant_golden.h"

namespace {

using srs::test::count_rel_mismatch;
using srs::test::count_ulp_mismatch;
using srs::test::QuantGolden;

constexpr double kGradRel = 1e-6;
// Gradients below this magnitude are compared in absolute terms (1e-6 * 1e-6): they are sums that
// cancel to ~0, where a relative bound is meaningless.
constexpr double kGradFloor = 1e-6;

srs::Scheme scheme_of(const nlohmann::json& c) {
  srs::Scheme s;
  s.bits = c.at("bits").get<int>();
  s.group_size = c.at("group_size").get<int>();
  s.sym = c.at("sym").get<bool>();
  s.data_type = c.at("data_type").get<std::string>();
  return s;
}

at::Tensor param(const QuantGolden& g, const nlohmann::json& desc) {
  return g.tensor(desc).clone().set_requires_grad(true);
}

at::Tensor grad_or_zero(const at::Tensor& p) { return p.grad().defined() ? p.grad() : at::zeros_like(p); }

TEST(QuantQdqGolden, WeightsMatchAutoRound) {
  const QuantGolden& g = QuantGolden::get();
  const auto& cases = g.doc().at("weights");
  ASSERT_GE(cases.size(), 49u);
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const srs::Scheme s = scheme_of(c);
    const bool is_int = s.data_type == "int" || s.data_type == "int_sym_gptq";

    srs::Tunables t;
    t.v = param(g, c.at("v"));
    t.max_scale = param(g, c.at("max_scale"));
    if (is_int) t.min_scale = param(g, c.at("min_scale"));
    if (c.contains("init_scale")) t.init_scale = g.tensor(c.at("init_scale"));
    srs::QdqOptions opt;
    if (c.contains("global_scale")) opt.global_scale = at::scalar_tensor(c.at("global_scale").get<double>(), at::kFloat);

    at::Tensor w = g.tensor(c.at("weight"));
    const bool bf16 = c.at("weight_dtype").get<std::string>() == "bf16";
    if (bf16) w = w.to(at::kBFloat16);  // exact: the stored values are bf16 values
    const srs::WeightQdq q = srs::qdq_weight(w, s, t, "golden." + name, opt);
    EXPECT_EQ(q.weight.scalar_type(), w.scalar_type());

    EXPECT_EQ(count_ulp_mismatch(q.weight, g.tensor(c.at("w_hat")), 0), 0) << "dequantized weight";
    EXPECT_EQ(count_ulp_mismatch(q.scale, g.tensor(c.at("scale")), 0), 0) << "scale";
    if (is_int) {
      EXPECT_EQ(q.codes.scalar_type(), at::kInt);
      EXPECT_TRUE(at::equal(q.codes, g.tensor(c.at("codes")))) << "integer codes";
    } else {
      EXPECT_EQ(count_ulp_mismatch(q.codes, g.tensor(c.at("codes")), 0), 0) << "element codes";
    }
    if (c.contains("zero_point")) {
      ASSERT_TRUE(q.zero_point.defined());
      EXPECT_EQ(count_ulp_mismatch(q.zero_point, g.tensor(c.at("zero_point")), 0), 0) << "zero point";
    }
    if (c.contains("zero_point_const")) {
      EXPECT_EQ(q.zero_point_offset, c.at("zero_point_const").get<int>());
    }
    if (c.contains("global_scale")) {
      EXPECT_EQ(q.global_scale.item<float>(), c.at("global_scale").get<float>());
    }

    (q.weight * g.tensor(c.at("r"))).sum().backward();
    EXPECT_EQ(count_rel_mismatch(grad_or_zero(t.v), g.tensor(c.at("grad_v")), kGradRel, kGradFloor), 0) << "dL/dV";
    EXPECT_EQ(count_rel_mismatch(grad_or_zero(t.max_scale), g.tensor(c.at("grad_max_scale")), kGradRel, kGradFloor), 0)
        << "dL/dalpha";
    const at::Tensor ref_beta = g.tensor(c.at("grad_min_scale"));
    const at::Tensor beta = is_int ? grad_or_zero(t.min_scale) : at::zeros_like(ref_beta);
    EXPECT_EQ(count_rel_mismatch(beta, ref_beta, kGradRel, kGradFloor), 0) << "dL/dbeta";
  }
}

TEST(QuantQdqGolden, ActivationsMatchAutoRound) {
  const QuantGolden& g = QuantGolden::get();
  const auto& cases = g.doc().at("activations");
  ASSERT_GE(cases.size(), 6u);
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const std::string type = c.at("data_type").get<std::string>();
    srs::Scheme s = srs::preset_scheme(type == "mx_fp" ? (c.at("bits").get<int>() == 8 ? "MXFP8" : "MXFP4") : "NVFP4");
    at::Tensor act_max;
    if (c.contains("act_max")) act_max = at::scalar_tensor(c.at("act_max").get<double>(), at::kFloat);
    const at::Tensor x = g.tensor(c.at("x")).set_requires_grad(true);
    const srs::ActQdq q = srs::qdq_activation(x, s, "golden." + name, act_max);
    EXPECT_EQ(q.x.sizes(), x.sizes());
    EXPECT_EQ(count_ulp_mismatch(q.x, g.tensor(c.at("x_hat")), 0), 0) << "dequantized activations";
    EXPECT_EQ(count_ulp_mismatch(q.scale, g.tensor(c.at("scale")), 0), 0) << "scales";
    (q.x * g.tensor(c.at("r"))).sum().backward();
    EXPECT_EQ(count_rel_mismatch(x.grad(), g.tensor(c.at("grad_x")), kGradRel, kGradFloor), 0) << "dL/dx";
  }
}

TEST(QuantQdqGolden, ScaleSearchMatchesAutoRound) {
  const QuantGolden& g = QuantGolden::get();
  const auto& cases = g.doc().at("scale_search");
  ASSERT_GE(cases.size(), 14u);
  for (const auto& c : cases) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(name);
    const srs::Scheme s = scheme_of(c);
    const at::Tensor imatrix = c.contains("imatrix") ? g.tensor(c.at("imatrix")) : at::Tensor();
    const at::Tensor init = srs::search_init_scale(g.tensor(c.at("weight")), s, imatrix, "golden." + name);
    EXPECT_EQ(count_ulp_mismatch(init, g.tensor(c.at("init_scale")), 0), 0) << "init scale";
  }
}

}  // namespace
