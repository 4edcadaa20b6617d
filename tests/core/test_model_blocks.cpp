// Block-wise execution for sensitivity analysis and tuning: capture and replay of a block's
// inputs, gradients through one block, and Linear weights addressed by HF module name.
#include <gtest/gtest.h>
#include <torch/csrc/autograd/autograd.h>

#include "model/block_runner.h"
#include "test_model_fixture.h"
#include "util/error.h"

namespace {

using srs::test::max_abs_diff;
using srs::test::tiny_model;

// A fixed projection of the logits, so that the loss depends on every logit.
at::Tensor loss_weights(const at::Tensor& like) {
  const auto options = at::TensorOptions().dtype(like.scalar_type()).device(like.device());
  return at::sin(at::arange(like.numel(), options).view(like.sizes()) * 0.37);
}

// A block loaded alone and replayed from the captured inputs produces what the whole model
// computes at that point (the input of the next block, then the logits).
TEST(ModelBlocks, ReplayFromCapturedInputsEqualsFullForward) {
  const auto t = tiny_model("tiny_qwen3");
  auto model = t.model();
  const at::Tensor ids = t.input_ids();
  const at::Tensor x1 = srs::capture_block_inputs(model, ids, 1, 2);
  const at::Tensor x2 = srs::capture_block_inputs(model, ids, 2, 2);  // input of the final norm
  const auto block1 = srs::DecoderBlock::load(t.config, *t.weights, 1);
  at::NoGradGuard no_grad;
  const at::Tensor y1 = srs::replay_block(model, *block1, x1, 2);
  // Same operations on the same data: bitwise equal.
  EXPECT_TRUE(at::equal(y1, x2));
  EXPECT_TRUE(at::equal(model.head()->forward(y1), model.forward(ids)));
  // Replaying one window at a time changes only the batching, not the result beyond rounding.
  EXPECT_LT(max_abs_diff(srs::replay_block(model, *block1, x1, 1), x2), 1e-5);
}

// Gradients of a loss on the logits w.r.t. block 1's weights: (a) autograd through the whole
// model, (b) block 1 alone, from its captured input, fed the gradient of its output that
// the rest of the model sends back. Same float32 math, different graph: agree to ~1e-6.
TEST(ModelBlocks, BlockBackwardEqualsFullModelAutograd) {
  const auto t = tiny_model("tiny_llama");
  const at::Tensor ids = t.input_ids();

  auto full = t.model();
  const auto full_block = full.block(1);
  for (const at::Tensor& p : full_block->parameters()) p.set_requires_grad(true);
  const at::Tensor logits = full.forward(ids);
  const at::Tensor r = loss_weights(logits);
  const std::vector<at::Tensor> wrt_full = {full_block->find_linear("model.layers.1.self_attn.q_proj")->weight(),
                                            full_block->find_linear("model.layers.1.mlp.down_proj")->weight(),
                                            full_block->parameters()[0]};  // input_layernorm
  const auto g_full = torch::autograd::grad({(logits * r).sum()}, wrt_full);

  auto model = t.model();
  const at::Tensor x1 = srs::capture_block_inputs(model, ids, 1, 2);
  const auto block = srs::DecoderBlock::load(t.config, *t.weights, 1);
  for (const at::Tensor& p : block->parameters()) p.set_requires_grad(true);
  const at::Tensor y1 = srs::replay_block(model, *block, x1, 2);
  // Gradient arriving at block 1's output from the layers above it.
  const at::Tensor y1_leaf = y1.detach().set_requires_grad(true);
  const at::Tensor g_y1 = torch::autograd::grad({(model.head()->forward(y1_leaf) * r).sum()}, {y1_leaf})[0];
  const std::vector<at::Tensor> wrt_block = {block->find_linear("model.layers.1.self_attn.q_proj")->weight(),
                                             block->find_linear("model.layers.1.mlp.down_proj")->weight(),
                                             block->parameters()[0]};
  const auto g_block = torch::autograd::grad({y1}, wrt_block, {g_y1});

  for (size_t i = 0; i < g_full.size(); ++i) {
    ASSERT_TRUE(at::isfinite(g_block[i]).all().item<bool>());
    const double scale = g_full[i].abs().max().item<double>();
    EXPECT_GT(scale, 1e-3) << "gradient " << i << " should not vanish";
    EXPECT_LT(max_abs_diff(g_block[i], g_full[i]), 1e-5 * scale) << "gradient " << i;
  }
}

// Autograd through one block against central finite differences, in float64 so that the
// difference quotient is accurate (eps 1e-6 -> truncation and rounding errors ~1e-9).
TEST(ModelBlocks, BlockGradientsMatchFiniteDifferences) {
  const auto t = tiny_model("tiny_qwen2");
  srs::ModelOptions o;
  o.dtype = at::kDouble;
  auto model = t.model(o);
  const at::Tensor x = srs::capture_block_inputs(model, t.input_ids(), 1, 2).set_requires_grad(true);
  const auto block = srs::DecoderBlock::load(t.config, *t.weights, 1, o);
  srs::Linear* q = block->find_linear("model.layers.1.self_attn.q_proj");
  srs::Linear* down = block->find_linear("model.layers.1.mlp.down_proj");
  ASSERT_TRUE(q && down);
  const at::Tensor q_bias = q->bias();
  for (const at::Tensor& p : {q->weight(), down->weight(), q_bias}) p.set_requires_grad(true);
  const at::Tensor r = loss_weights(x);
  auto loss = [&] { return (block->forward(x, model.rope(x.size(1))) * r).sum(); };
  const auto grads = torch::autograd::grad({loss()}, {q->weight(), down->weight(), q_bias, x});

  const double eps = 1e-6;
  // Central difference of the loss for tensor `p` at flat index `i`.
  auto numeric = [&](const at::Tensor& p, int64_t i) {
    at::NoGradGuard no_grad;
    at::Tensor flat = p.view(-1);
    const double v = flat[i].item<double>();
    flat[i].fill_(v + eps);
    const double up = loss().item<double>();
    flat[i].fill_(v - eps);
    const double dn = loss().item<double>();
    flat[i].fill_(v);
    return (up - dn) / (2 * eps);
  };
  const std::vector<at::Tensor> params = {q->weight(), down->weight(), q_bias, x};
  for (size_t k = 0; k < params.size(); ++k) {
    for (int64_t i : {int64_t{0}, params[k].numel() / 3, params[k].numel() - 1}) {
      const double analytic = grads[k].view(-1)[i].item<double>();
      EXPECT_NEAR(analytic, numeric(params[k], i), 1e-6 * std::max(1.0, std::abs(analytic)))
          << "tensor " << k << " element " << i;
    }
  }
}

// Zeroing o_proj and down_proj of the last block makes it the identity (both residual
// branches vanish), so the logits become the head applied to that block's input: exact.
TEST(ModelBlocks, SwappingLinearsByNameChangesOutputAsExpected) {
  for (bool low_memory : {false, true}) {
    const auto t = tiny_model("tiny_llama");
    srs::ModelOptions o;
    o.low_memory = low_memory;
    auto model = t.model(o);
    const at::Tensor ids = t.input_ids();
    at::NoGradGuard no_grad;
    const at::Tensor original = model.forward(ids);
    const at::Tensor x_last = srs::capture_block_inputs(model, ids, 1, 2);

    const std::string down = "model.layers.1.mlp.down_proj", o_proj = "model.layers.1.self_attn.o_proj";
    model.set_linear_weight(down, at::zeros_like(model.linear_weight(down)));
    const at::Tensor no_mlp = model.forward(ids);
    EXPECT_GT(max_abs_diff(no_mlp, original), 1e-2) << "low_memory " << low_memory;
    model.set_linear_weight(o_proj, at::zeros_like(model.linear_weight(o_proj)));
    EXPECT_TRUE(at::equal(model.forward(ids), model.head()->forward(x_last))) << "low_memory " << low_memory;
    EXPECT_TRUE(at::equal(model.linear_weight(down), at::zeros({t.config.hidden_size, t.config.intermediate_size})));

    // Doubling lm_head doubles the logits exactly (scaling by 2 is exact in float).
    model.clear_linear_patches();
    EXPECT_TRUE(at::equal(model.forward(ids), original));
    model.set_linear_weight("lm_head", model.linear_weight("lm_head") * 2);
    EXPECT_TRUE(at::equal(model.forward(ids), original * 2));
  }
}

// A weight transform runs on every forward and gradients reach its own tensors, which is
// what fake quantization with tunable parameters needs.
TEST(ModelBlocks, WeightTransformIsAppliedAndDifferentiable) {
  const auto t = tiny_model("tiny_qwen3");
  auto model = t.model();
  const at::Tensor ids = t.input_ids();
  const at::Tensor original = model.forward(ids).detach();
  const at::Tensor scale = at::full({}, 0.5, at::kFloat).set_requires_grad(true);
  model.set_linear_transform("lm_head", [scale](const at::Tensor& w) { return w * scale; });
  const at::Tensor logits = model.forward(ids);
  EXPECT_TRUE(at::equal(logits.detach(), original * 0.5));
  // The logits are linear in the scale: d sum(logits) / d scale = sum(logits at scale 1).
  const at::Tensor g = torch::autograd::grad({logits.sum()}, {scale})[0];
  EXPECT_NEAR(g.item<double>(), original.sum().item<double>(), 1e-5 * original.abs().sum().item<double>());

  model.set_linear_transform("lm_head", {});
  EXPECT_TRUE(at::equal(model.forward(ids).detach(), original));
}

// Input transforms (activation fake quantization) act on what enters the Linear, in both
// modes: doubling the input of lm_head doubles the logits exactly; the one of a block's
// down_proj changes them; removing the transforms restores the original.
TEST(ModelBlocks, InputTransformIsApplied) {
  for (bool low_memory : {false, true}) {
    const auto t = tiny_model("tiny_qwen2");
    srs::ModelOptions o;
    o.low_memory = low_memory;
    auto model = t.model(o);
    const at::Tensor ids = t.input_ids();
    at::NoGradGuard no_grad;
    const at::Tensor original = model.forward(ids);
    model.set_linear_input_transform("lm_head", [](const at::Tensor& x) { return x * 2; });
    EXPECT_TRUE(at::equal(model.forward(ids), original * 2)) << "low_memory " << low_memory;
    model.set_linear_input_transform("lm_head", {});
    const std::string down = "model.layers.0.mlp.down_proj";
    model.set_linear_input_transform(down, [](const at::Tensor& x) { return at::round(x * 4) / 4; });
    EXPECT_GT(max_abs_diff(model.forward(ids), original), 1e-3) << "low_memory " << low_memory;
    model.set_linear_input_transform(down, {});
    EXPECT_TRUE(at::equal(model.forward(ids), original)) << "low_memory " << low_memory;
    EXPECT_THROW(model.set_linear_input_transform("model.layers.9.mlp.up_proj", {}), srs::Error);
  }
  srs::Linear l("x", at::zeros({2, 3}));
  l.set_input_transform([](const at::Tensor& x) { return x.sum(-1); });
  EXPECT_THROW(l.forward(at::zeros({1, 3})), srs::Error);
}

TEST(ModelBlocks, LinearNamesFollowHuggingFace) {
  const auto t = tiny_model("tiny_llama");
  auto model = t.model();
  const auto names = model.linear_names();
  ASSERT_EQ(names.size(), 2u * 7u + 1u);
  EXPECT_EQ(names.front(), "model.layers.0.self_attn.q_proj");
  EXPECT_EQ(names[13], "model.layers.1.mlp.down_proj");
  EXPECT_EQ(names.back(), "lm_head");
  // Every name is readable, with the stored tensor's contents.
  for (const std::string& n : names) {
    const at::Tensor w = model.linear_weight(n);
    EXPECT_TRUE(at::equal(w, srs::load_tensor(*t.weights, n + ".weight"))) << n;
  }
}

TEST(ModelBlocks, BadLinearPatchesAreRejected) {
  const auto t = tiny_model("tiny_llama");
  auto model = t.model();
  for (const char* bad :
       {"model.layers.2.mlp.down_proj", "model.layers.0.mlp.down", "model.embed_tokens", "lm_head.weight"})
    EXPECT_THROW(model.set_linear_weight(bad, at::zeros({48, 96})), srs::Error) << bad;
  try {
    model.set_linear_weight("model.layers.0.mlp.down_proj", at::zeros({96, 48}));
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("model.layers.0.mlp.down_proj"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[96, 48]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[48, 96]"), std::string::npos) << msg;
  }
  srs::Linear l("x", at::zeros({2, 3}));
  l.set_transform([](const at::Tensor& w) { return w.t(); });
  EXPECT_THROW(l.forward(at::zeros({1, 3})), srs::Error);
}

}  // namespace
