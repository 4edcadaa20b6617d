// Perplexity with GPTQ's protocol against the per-window NLLs transformers computes on the
// same token stream (scripts/gen_tiny_models.py: seqlen 16, 87 tokens -> 5 windows, the last
// 7 tokens dropped).
#include <gtest/gtest.h>

#include <cmath>

#include "eval/perplexity.h"
#include "test_model_fixture.h"
#include "util/error.h"

namespace {

using srs::test::tiny_model;

std::vector<int32_t> stream(const srs::test::TinyModel& t) {
  const at::Tensor ids = t.ref("ppl_tokens").to(at::kInt).contiguous();
  return std::vector<int32_t>(ids.data_ptr<int32_t>(), ids.data_ptr<int32_t>() + ids.numel());
}

srs::PerplexityOptions options16() {
  srs::PerplexityOptions o;
  o.seqlen = 16;
  return o;
}

// fp32 logits agree to ~1e-6 (see ModelGolden); the mean NLL of a window (~5.4 nats) then
// agrees to ~1e-6 as well; 1e-5 absolute / relative leaves room for summation order.
void expect_matches(const srs::PerplexityResult& r, const at::Tensor& window_nll, const at::Tensor& ppl) {
  ASSERT_EQ(r.window_nll.size(), static_cast<size_t>(window_nll.numel()));
  double sum = 0;
  for (size_t i = 0; i < r.window_nll.size(); ++i) {
    EXPECT_NEAR(r.window_nll[i], window_nll[static_cast<int64_t>(i)].item<double>(), 1e-5) << "window " << i;
    sum += r.window_nll[i];
  }
  EXPECT_NEAR(r.mean_nll, sum / static_cast<double>(r.window_nll.size()), 1e-12);
  EXPECT_NEAR(r.perplexity, std::exp(r.mean_nll), 1e-9 * r.perplexity);
  EXPECT_NEAR(r.perplexity, ppl.item<double>(), 1e-5 * r.perplexity);
}

class Perplexity : public ::testing::TestWithParam<const char*> {};

TEST_P(Perplexity, MatchesTransformersGptqProtocol) {
  const auto t = tiny_model(GetParam());
  auto model = t.model();
  const srs::PerplexityResult r = srs::evaluate_perplexity(model, stream(t), options16());
  EXPECT_EQ(r.windows, 5);
  EXPECT_EQ(r.predicted_tokens, 5 * 15);
  EXPECT_GE(r.seconds, 0.0);
  expect_matches(r, t.ref("ppl_window_nll"), t.ref("ppl"));
}

// With BOS, a window is BOS + 15 text tokens: 87 / 15 = 5 windows.
TEST_P(Perplexity, WithBosMatchesTransformers) {
  const auto t = tiny_model(GetParam());
  auto model = t.model();
  srs::PerplexityOptions o = options16();
  o.add_bos = true;
  const srs::PerplexityResult r = srs::evaluate_perplexity(model, stream(t), o);
  EXPECT_EQ(r.windows, 5);
  EXPECT_EQ(r.predicted_tokens, 5 * 15);
  expect_matches(r, t.ref("ppl_bos_window_nll"), t.ref("ppl_bos"));
}

// Batching and block streaming change only the order of work, not the windows' losses.
TEST_P(Perplexity, BatchSizeAndLowMemoryAgree) {
  const auto t = tiny_model(GetParam());
  auto resident = t.model();
  const auto base = srs::evaluate_perplexity(resident, stream(t), options16());
  srs::ModelOptions mo;
  mo.low_memory = true;
  auto streaming = t.model(mo);
  for (int64_t batch : {2, 5, 8}) {
    srs::PerplexityOptions o = options16();
    o.batch_size = batch;
    for (srs::DecoderModel* m : {&resident, &streaming}) {
      const auto r = srs::evaluate_perplexity(*m, stream(t), o);
      ASSERT_EQ(r.windows, base.windows);
      for (size_t i = 0; i < r.window_nll.size(); ++i) EXPECT_NEAR(r.window_nll[i], base.window_nll[i], 1e-6);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TinyModels, Perplexity, ::testing::Values("tiny_llama", "tiny_qwen3", "tiny_qwen2"));

TEST(PerplexityOptions, MaxWindowsTakesTheFirst) {
  const auto t = tiny_model("tiny_llama");
  auto model = t.model();
  srs::PerplexityOptions o = options16();
  o.max_windows = 2;
  const auto r = srs::evaluate_perplexity(model, stream(t), o);
  ASSERT_EQ(r.windows, 2);
  EXPECT_EQ(r.predicted_tokens, 30);
  const at::Tensor ref = t.ref("ppl_window_nll");
  EXPECT_NEAR(r.window_nll[1], ref[1].item<double>(), 1e-5);
  EXPECT_NEAR(r.mean_nll, (ref[0].item<double>() + ref[1].item<double>()) / 2, 1e-5);
}

TEST(PerplexityOptions, ProgressCountsWindowsOrWindowPasses) {
  const auto t = tiny_model("tiny_qwen3");
  for (bool low_memory : {false, true}) {
    srs::ModelOptions mo;
    mo.low_memory = low_memory;
    auto model = t.model(mo);
    srs::PerplexityOptions o = options16();
    o.batch_size = 2;
    std::vector<srs::Progress> seen;
    srs::evaluate_perplexity(model, stream(t), o, [&](const srs::Progress& p) { seen.push_back(p); });
    const int64_t total = low_memory ? 5 * (2 + 1) : 5;  // windows x (blocks + head)
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.size(), low_memory ? 9u : 3u);  // ceil(5 / 2) batches per pass
    for (size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].stage, "perplexity");
      EXPECT_EQ(seen[i].total, total);
      if (i) EXPECT_GT(seen[i].done, seen[i - 1].done);
    }
    EXPECT_EQ(seen.back().done, total);
  }
}

TEST(PerplexityOptions, CancelMidwayThrowsCancelled) {
  const auto t = tiny_model("tiny_llama");
  for (bool low_memory : {false, true}) {
    srs::ModelOptions mo;
    mo.low_memory = low_memory;
    auto model = t.model(mo);
    srs::CancelToken cancel;
    int calls = 0;
    auto progress = [&](const srs::Progress&) {
      if (++calls == 2) cancel.cancel();
    };
    EXPECT_THROW(srs::evaluate_perplexity(model, stream(t), options16(), progress, &cancel), srs::Cancelled);
    EXPECT_EQ(calls, 2) << "stopped right after the batch in which cancel() was called";
  }
  srs::CancelToken already;
  already.cancel();
  auto model = t.model();
  EXPECT_THROW(srs::evaluate_perplexity(model, stream(t), options16(), {}, &already), srs::Cancelled);
}

TEST(PerplexityOptions, BadRequestsRejected) {
  auto t = tiny_model("tiny_llama");
  auto model = t.model();
  const std::vector<int32_t> tokens = stream(t);
  const std::vector<int32_t> short_text(tokens.begin(), tokens.begin() + 15);
  EXPECT_THROW(srs::evaluate_perplexity(model, short_text, options16()), srs::Error);
  srs::PerplexityOptions o = options16();
  o.seqlen = 1;
  EXPECT_THROW(srs::evaluate_perplexity(model, tokens, o), srs::Error);
  o = options16();
  o.batch_size = 0;
  EXPECT_THROW(srs::evaluate_perplexity(model, tokens, o), srs::Error);

  srs::ModelConfig no_bos = t.config;
  no_bos.bos_token_id = -1;
  srs::DecoderModel m2(no_bos, t.weights);
  o = options16();
  o.add_bos = true;
  try {
    srs::evaluate_perplexity(m2, tokens, o);
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bos_token_id"), std::string::npos);
  }
  o.bos_token_id = 1;  // given explicitly, it works without the config's
  EXPECT_EQ(srs::evaluate_perplexity(m2, tokens, o).windows, 5);
}

TEST(PerplexityOptions, NonFiniteLossIsAnError) {
  const auto t = tiny_model("tiny_qwen2");
  auto model = t.model();
  at::Tensor w = model.linear_weight("model.layers.0.mlp.down_proj").clone();
  w[0][0] = std::numeric_limits<float>::quiet_NaN();
  model.set_linear_weight("model.layers.0.mlp.down_proj", w);
  try {
    srs::evaluate_perplexity(model, stream(t), options16());
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("window 0"), std::string::npos) << e.what();
  }
}

}  // namespace
