// The demo model (SmolLM2-135M-Instruct, Q4_1 GGUF) end to end: GGUF reader -> decoder ->
// logits, against transformers' fp32 forward of the same GGUF (dequantized by gguf-py;
// tests/golden/model/smollm2_demo from scripts/gen_tiny_models.py).
#include <gtest/gtest.h>


#include "eval/perplexity.h"
#include "io/gguf_model.h"
#include "test_model_fixture.h"
#include "tokenizer/tokenizer.h"
#include "util/atomic_file.h"

namespace {

using srs::test::max_abs_diff;

// The text of scripts/gen_tiny_models.py (DEMO_TEXT).
const char* const kDemoText =
    "The capital of France is Paris. It is known for the Eiffel Tower, museums and its cafes.";

struct Demo {
  srs::GgufModel gguf;
  std::shared_ptr<const srs::WeightSource> weights;
};

Demo open_demo() {
  Demo d;
  d.gguf = srs::open_gguf_model(srs::test::demo_model());
  d.weights = std::move(d.gguf.weights);
  return d;
}

#define SRS_REQUIRE_DEMO() SRS_REQUIRE_FILE(srs::test::demo_model(), "run scripts/fetch-demo-model.sh")

// 30 fp32 blocks computed in a different summation order than PyTorch's: the logits (of
// order 10-20) drift by ~1e-4 (4e-5 measured); 1e-3 bounds that with room, and is far below what a wrong
// weight, a wrong RoPE or a dequantization error produces (> 0.1).
TEST(ModelDemo, LogitsMatchTransformersOnShortText) {
  SRS_REQUIRE_DEMO();
  const std::string ref_path = srs::test::golden("model/smollm2_demo/reference.safetensors");
  SRS_REQUIRE_FILE(ref_path, "run scripts/gen_tiny_models.py with the demo model present");
  Demo d = open_demo();
  const auto ref = srs::open_safetensors(ref_path);

  const auto tokenizer = srs::make_tokenizer(d.gguf.tokenizer);
  const std::vector<int32_t> ids = tokenizer->encode(kDemoText, true);
  const at::Tensor expected_ids = srs::load_tensor(*ref, "input_ids").to(at::kInt);
  ASSERT_EQ(static_cast<int64_t>(ids.size()), expected_ids.size(1));
  const at::Tensor input = at::tensor(ids, at::kInt).view({1, -1});
  ASSERT_TRUE(at::equal(input, expected_ids)) << "the tokenizer differs from HF on the demo text";

  srs::DecoderModel model(d.gguf.config, d.weights);
  at::NoGradGuard no_grad;
  const at::Tensor logits = model.forward(input);
  ASSERT_EQ(logits.sizes(), (at::IntArrayRef{1, static_cast<int64_t>(ids.size()), 49152}));
  ASSERT_TRUE(at::isfinite(logits).all().item<bool>());

  const double head_diff = max_abs_diff(logits.narrow(2, 0, 512), srs::load_tensor(*ref, "logits_head"));
  const double lse_diff = max_abs_diff(at::logsumexp(logits, -1), srs::load_tensor(*ref, "logsumexp"));
  RecordProperty("logits_head_max_abs_diff", std::to_string(head_diff));
  RecordProperty("logsumexp_max_abs_diff", std::to_string(lse_diff));
  EXPECT_LT(head_diff, 1e-3);
  EXPECT_LT(lse_diff, 1e-3);
  EXPECT_TRUE(at::equal(logits.argmax(-1).to(at::kFloat), srs::load_tensor(*ref, "argmax")));
  // "The capital of France is" -> " Paris": the model works, not just agrees.
  const std::vector<int32_t> prompt = tokenizer->encode("The capital of France is", true);
  const at::Tensor next = model.forward(at::tensor(prompt, at::kInt).view({1, -1}))[0][-1].argmax();
  EXPECT_EQ(tokenizer->decode({static_cast<int32_t>(next.item<int64_t>())}), " Paris");
}

// A few windows of WikiText-2 through the streaming path: the perplexity of a 135M model
// on encyclopedic text is in the tens; random weights or a broken block would give
// hundreds to ~49152 (uniform).
TEST(ModelDemo, WikiTextPerplexityIsPlausible) {
  SRS_REQUIRE_DEMO();
  const std::string text_path = srs::test::shared("data/wikitext-2-raw-v1/test.txt");
  SRS_REQUIRE_FILE(text_path, "the WikiText-2 raw test text under ../shared/data");
  Demo d = open_demo();
  const auto tokenizer = srs::make_tokenizer(d.gguf.tokenizer);
  const std::string text = srs::read_file(text_path).substr(0, 20000);
  srs::ModelOptions mo;
  mo.low_memory = true;
  srs::DecoderModel model(d.gguf.config, d.weights, mo);
  srs::PerplexityOptions o;
  o.seqlen = 128;
  o.max_windows = 4;
  o.batch_size = 2;
  const auto r = srs::evaluate_perplexity(model, tokenizer->encode(text, false), o);
  RecordProperty("ppl", std::to_string(r.perplexity));
  EXPECT_EQ(r.windows, 4);
  EXPECT_GT(r.perplexity, 3.0);
  EXPECT_LT(r.perplexity, 100.0);
}

// Timings for the report, not assertions: run with SRS_MEASURE_SPEED=1.
}  // namespace
