// The decoder against transformers (scripts/gen_tiny_models.py) on tiny random models that
// cover LLaMA (GQA, llama3 RoPE, untied head), Qwen3 (explicit head_dim, q/k norm, tied head
// stored without lm_head.weight) and Qwen2 (q/k/v biases, linear RoPE, v4-style config).
#include <gtest/gtest.h>

#include "model/block_runner.h"
#include "model/rotary.h"
#include "test_model_fixture.h"

namespace {

using srs::test::max_abs_diff;
using srs::test::tiny_model;

class ModelGolden : public ::testing::TestWithParam<const char*> {};

// fp32: both sides compute the same float32 operations in a different order; with logits of
// order 1-4, summation-order differences stay around 1e-6, so 1e-4 leaves room and still
// catches any wrong operation (a wrong RoPE band or a missing bias moves logits by > 1e-2).
TEST_P(ModelGolden, Fp32LogitsMatchTransformers) {
  const auto t = tiny_model(GetParam());
  auto model = t.model();
  at::NoGradGuard no_grad;
  const at::Tensor logits = model.forward(t.input_ids());
  const at::Tensor expected = t.ref("logits");
  ASSERT_EQ(logits.sizes(), expected.sizes());
  EXPECT_EQ(logits.scalar_type(), at::kFloat);
  const double diff = max_abs_diff(logits, expected);
  RecordProperty("fp32_max_abs_diff", std::to_string(diff));
  EXPECT_LT(diff, 1e-4);
}

// Attention in query chunks (16 positions as 5 + 5 + 5 + 1) computes the same logits.
TEST_P(ModelGolden, ChunkedAttentionMatchesTransformers) {
  const auto t = tiny_model(GetParam());
  srs::ModelOptions o;
  o.attention_chunk = 5;
  auto model = t.model(o);
  at::NoGradGuard no_grad;
  EXPECT_LT(max_abs_diff(model.forward(t.input_ids()), t.ref("logits")), 1e-4);
}

// Checked directly because at positions < 16 the slowest RoPE bands barely move the logits.
// Same float32 operations in the same order as transformers: agreement to float32 rounding.
TEST_P(ModelGolden, RopeInverseFrequenciesMatchTransformers) {
  const auto t = tiny_model(GetParam());
  const at::Tensor expected = t.ref("rope_inv_freq");
  const at::Tensor got = srs::rope_inv_freq(t.config);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_TRUE(at::allclose(got, expected, /*rtol=*/1e-6, /*atol=*/0));
}

// The hidden state entering block 1 equals transformers' hidden_states[1].
TEST_P(ModelGolden, CapturedBlockInputMatchesTransformers) {
  const auto t = tiny_model(GetParam());
  auto model = t.model();
  const at::Tensor captured = srs::capture_block_inputs(model, t.input_ids(), 1, 1);
  EXPECT_LT(max_abs_diff(captured, t.ref("block_input.1")), 1e-4);
}

// bf16 weights and activations against transformers' bf16 run (eager attention): both round
// every op to bf16 (8 bits of mantissa, relative step 2^-8 = 0.4%) but accumulate in
// different orders, so single logits can differ by a few bf16 steps of the hidden states.
// The bound 0.1 is ~2.5% of the logit range (|logits| <= 4); a wrong op is off by > 0.3.
// The bf16 run must also stay within 0.15 of the fp32 reference.
TEST_P(ModelGolden, Bf16LogitsCloseToTransformers) {
  const auto t = tiny_model(GetParam());
  srs::ModelOptions o;
  o.dtype = at::kBFloat16;
  auto model = t.model(o);
  at::NoGradGuard no_grad;
  const at::Tensor logits = model.forward(t.input_ids());
  EXPECT_EQ(logits.scalar_type(), at::kBFloat16);
  const double vs_hf = max_abs_diff(logits, t.ref("logits_bf16"));
  const double vs_fp32 = max_abs_diff(logits, t.ref("logits"));
  const double mean_vs_hf = (logits.to(at::kDouble) - t.ref("logits_bf16").to(at::kDouble)).abs().mean().item<double>();
  RecordProperty("bf16_vs_hf_bf16", std::to_string(vs_hf));
  RecordProperty("bf16_mean_vs_hf_bf16", std::to_string(mean_vs_hf));
  RecordProperty("bf16_vs_fp32", std::to_string(vs_fp32));
  EXPECT_LT(vs_hf, 0.1);
  EXPECT_LT(mean_vs_hf, 0.015);  // on average within one bf16 step (2^-6 for logits in [2, 4))
  EXPECT_LT(vs_fp32, 0.15);
  EXPECT_TRUE(at::isfinite(logits).all().item<bool>());
}

// Streaming (one block resident at a time) computes exactly what the resident model does.
TEST_P(ModelGolden, LowMemoryEqualsResident) {
  const auto t = tiny_model(GetParam());
  auto resident = t.model();
  srs::ModelOptions o;
  o.low_memory = true;
  auto streaming = t.model(o);
  at::NoGradGuard no_grad;
  EXPECT_TRUE(at::equal(resident.forward(t.input_ids()), streaming.forward(t.input_ids())));
}

INSTANTIATE_TEST_SUITE_P(TinyModels, ModelGolden, ::testing::Values("tiny_llama", "tiny_qwen3", "tiny_qwen2"));

TEST(ModelGolden, FixturesCoverTheirVariants) {
  // Guards the premise of the golden tests: the fixtures really exercise these paths.
  const auto llama = tiny_model("tiny_llama");
  EXPECT_EQ(llama.config.rope_scaling.type, srs::RopeScaling::Type::Llama3);
  EXPECT_NE(llama.config.num_key_value_heads, llama.config.num_attention_heads);
  EXPECT_TRUE(llama.weights->contains("lm_head.weight"));
  const auto qwen3 = tiny_model("tiny_qwen3");
  EXPECT_TRUE(qwen3.config.qk_norm);
  EXPECT_NE(qwen3.config.head_dim, qwen3.config.hidden_size / qwen3.config.num_attention_heads);
  EXPECT_TRUE(qwen3.config.tie_word_embeddings);
  EXPECT_FALSE(qwen3.weights->contains("lm_head.weight"));
  EXPECT_EQ(qwen3.config.eos_token_id, 2);  // config holds [2, 3]
  const auto qwen2 = tiny_model("tiny_qwen2");
  EXPECT_TRUE(qwen2.config.attention_bias);
  EXPECT_TRUE(qwen2.weights->contains("model.layers.0.self_attn.q_proj.bias"));
  EXPECT_EQ(qwen2.config.rope_scaling.type, srs::RopeScaling::Type::Linear);
}

}  // namespace
