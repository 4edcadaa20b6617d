// RTN over a whole model by a per-layer scheme map, and the layer_config resolution that
// builds the map. The qdq arithmetic itself is checked against auto-round in test_quant_*;
// here: every chosen Linear gets exactly qdq_weight of its stored weight, the rest stay.
#include <gtest/gtest.h>

#include "pipeline/rtn.h"
#include "quant/layer_schemes.h"
#include "quant/qdq.h"
#include "quant/qdq_nv.h"
#include "test_model_fixture.h"
#include "util/error.h"

namespace {

std::vector<std::string> linear_names() { return srs::test::tiny_model("tiny_llama").model().linear_names(); }

}  // namespace

TEST(LayerSchemes, DefaultThenExactThenFirstMatchingPattern) {
  srs::LayerSchemes spec;
  spec.block_default = srs::preset_scheme("W4A16");
  spec.layer_config = nlohmann::ordered_json::parse(R"({
    "mlp\\.down_proj": "W8A16",
    "layers\\.1\\.mlp": "W2A16",
    "model.layers.1.mlp.down_proj": {"bits": 3, "group_size": 32, "sym": false},
    "self_attn\\.v_proj": {"bits": 16}
  })");
  const auto m = srs::resolve_layer_schemes(spec, linear_names(), "test");
  EXPECT_EQ(m.at("model.layers.0.self_attn.q_proj").bits, 4);    // default
  EXPECT_EQ(m.at("model.layers.0.mlp.down_proj").bits, 8);       // first pattern
  EXPECT_EQ(m.at("model.layers.1.mlp.up_proj").bits, 2);         // second pattern
  EXPECT_EQ(m.at("model.layers.1.mlp.down_proj").bits, 3);       // exact key beats both patterns
  EXPECT_FALSE(m.at("model.layers.1.mlp.down_proj").sym);
  EXPECT_EQ(m.count("model.layers.0.self_attn.v_proj"), 0u);     // bits 16: left unquantized
  EXPECT_EQ(m.count("lm_head"), 0u);                              // not asked for
  spec.quantize_lm_head = true;
  EXPECT_EQ(srs::resolve_layer_schemes(spec, linear_names(), "test").at("lm_head").bits, 4);
}

TEST(LayerSchemes, BadEntriesNameTheSourceAndKey) {
  srs::LayerSchemes spec;
  spec.layer_config = nlohmann::ordered_json::parse(R"({"model.layers.7.mlp.up_proj": "W4A16"})");
  try {
    srs::resolve_layer_schemes(spec, linear_names(), "plan.json");
    FAIL();
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("plan.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("model.layers.7.mlp.up_proj"), std::string::npos) << e.what();
  }
  spec.layer_config = nlohmann::ordered_json::parse(R"({"mlp\\.(up": "W4A16"})");
  EXPECT_THROW(srs::resolve_layer_schemes(spec, linear_names(), "plan.json"), srs::Error);
  spec.layer_config = nlohmann::ordered_json::parse(R"({"mlp": "W5A17"})");
  EXPECT_THROW(srs::resolve_layer_schemes(spec, linear_names(), "plan.json"), srs::Error);
}

TEST(Rtn, ReplacesExactlyTheChosenLayersWithTheirQdq) {
  const auto tiny = srs::test::tiny_model("tiny_llama");
  auto model = tiny.model();
  const std::string q = "model.layers.0.self_attn.q_proj", down = "model.layers.1.mlp.down_proj";
  const at::Tensor q_before = model.linear_weight(q), down_before = model.linear_weight(down);
  std::map<std::string, srs::Scheme> plan = {{q, srs::preset_scheme("W2A16")}, {down, srs::preset_scheme("W4A16")}};
  int64_t reported = 0;
  const auto r = srs::quantize_rtn(model, plan, [&](const srs::Progress& p) { reported = p.done; });
  EXPECT_EQ(reported, 2);
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_TRUE(at::equal(model.linear_weight(q), srs::qdq_weight(q_before, plan[q], {}, q).weight));
  EXPECT_TRUE(at::equal(model.linear_weight(down), srs::qdq_weight(down_before, plan[down], {}, down).weight));
  EXPECT_FALSE(at::equal(model.linear_weight(q), q_before));
  const std::string untouched = "model.layers.0.mlp.up_proj";
  EXPECT_TRUE(at::equal(model.linear_weight(untouched), tiny.model().linear_weight(untouched)));
  // Average bits are the parameter-weighted mean of the two layers' costs.
  const double want = static_cast<double>(r.layers[0].bits.total_bits + r.layers[1].bits.total_bits) /
                      static_cast<double>(r.layers[0].bits.params + r.layers[1].bits.params);
  EXPECT_DOUBLE_EQ(r.avg_bits, want);
}

TEST(Rtn, ActivationSchemesQuantizeTheInputsToo) {
  const auto tiny = srs::test::tiny_model("tiny_llama");
  const at::Tensor ids = tiny.input_ids();
  std::map<std::string, srs::Scheme> plan;
  for (const auto& n : tiny.model().linear_names())
    if (n != "lm_head") plan[n] = srs::preset_scheme("MXFP4");
  auto with_act = tiny.model();
  srs::quantize_rtn(with_act, plan);
  // The same quantized weights without the activation qdq: outputs must differ.
  auto weights_only = tiny.model();
  for (const auto& [n, s] : plan) weights_only.set_linear_weight(n, with_act.linear_weight(n));
  at::NoGradGuard no_grad;
  EXPECT_FALSE(at::allclose(with_act.forward(ids), weights_only.forward(ids)));
}

TEST(Rtn, NvFp4FusedLayersShareTheSmallestGlobalScale) {
  const auto tiny = srs::test::tiny_model("tiny_llama");
  auto model = tiny.model();
  const std::string p = "model.layers.0.self_attn.";
  std::map<std::string, srs::Scheme> plan;
  for (const char* n : {"q_proj", "k_proj", "v_proj"}) plan[p + n] = srs::preset_scheme("NVFP4");
  at::Tensor shared;
  for (const auto& [n, s] : plan) {
    const at::Tensor gs = srs::nv_global_scale(model.linear_weight(n).abs().max());
    shared = shared.defined() ? at::minimum(shared, gs) : gs;
  }
  std::map<std::string, at::Tensor> before;
  for (const auto& [n, s] : plan) before[n] = model.linear_weight(n);
  srs::quantize_rtn(model, plan);
  srs::QdqOptions opt;
  opt.global_scale = shared;
  for (const auto& [n, s] : plan)
    EXPECT_TRUE(at::equal(model.linear_weight(n), srs::qdq_weight(before[n], s, {}, n, opt).weight)) << n;
}

TEST(Rtn, UnknownLayerAndCancel) {
  auto model = srs::test::tiny_model("tiny_llama").model();
  EXPECT_THROW(srs::quantize_rtn(model, {{"model.layers.9.mlp.up_proj", srs::preset_scheme("W4A16")}}), srs::Error);
  srs::CancelToken cancel;
  cancel.cancel();
  EXPECT_THROW(srs::quantize_rtn(model, {{"lm_head", srs::preset_scheme("W8A16")}}, {}, &cancel), srs::Cancelled);
}

TEST(Rtn, LazyQuantizationGivesTheSameOutputs) {
  const auto tiny = srs::test::tiny_model("tiny_llama");
  std::map<std::string, srs::Scheme> plan;
  for (const auto& n : tiny.model().linear_names()) plan[n] = srs::preset_scheme("W2A16G64");
  auto eager = tiny.model(), lazy = tiny.model();
  srs::quantize_rtn(eager, plan);
  srs::quantize_rtn(lazy, plan, {}, nullptr, true);
  const std::string q = "model.layers.1.self_attn.q_proj";
  EXPECT_TRUE(at::equal(lazy.linear_weight(q), tiny.model().linear_weight(q))) << "lazy keeps the stored weight";
  at::NoGradGuard no_grad;
  EXPECT_TRUE(at::equal(lazy.forward(tiny.input_ids()), eager.forward(tiny.input_ids())));
}
