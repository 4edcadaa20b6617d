// Weights that do not fit the config, and bad inputs, give srs::Error naming what is wrong.
#include <gtest/gtest.h>

#include <algorithm>

#include "model/block_runner.h"
#include "test_model_fixture.h"
#include "util/error.h"

namespace {

using srs::test::tiny_model;

// The fixture's weights with one tensor left out, as in a truncated checkpoint.
class HidingSource : public srs::WeightSource {
 public:
  HidingSource(std::shared_ptr<const srs::WeightSource> base, std::string hidden)
      : base_(std::move(base)), hidden_(std::move(hidden)) {}
  const std::string& path() const override { return base_->path(); }
  std::vector<std::string> names() const override {
    std::vector<std::string> n = base_->names();
    n.erase(std::remove(n.begin(), n.end(), hidden_), n.end());
    return n;
  }
  bool contains(const std::string& n) const override { return n != hidden_ && base_->contains(n); }
  std::vector<int64_t> shape(const std::string& n) const override { return base_->shape(n); }
  std::string stored_type(const std::string& n) const override { return base_->stored_type(n); }
  void read_f32(const std::string& n, float* out) const override { base_->read_f32(n, out); }

 private:
  std::shared_ptr<const srs::WeightSource> base_;
  std::string hidden_;
};

// Runs `f`, expecting an srs::Error whose message holds every string in `needles`.
template <class F>
void expect_error(F f, std::initializer_list<std::string> needles) {
  try {
    f();
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    for (const std::string& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "'" << n << "' not in: " << msg;
  }
}

TEST(ModelErrors, MissingTensorNamesFileAndTensor) {
  const auto t = tiny_model("tiny_llama");
  const std::string name = "model.layers.1.mlp.up_proj.weight";
  auto source = std::make_shared<HidingSource>(t.weights, name);
  srs::DecoderModel model(t.config, source);
  expect_error([&] { model.forward(t.input_ids()); }, {"tiny_llama", name, "missing"});
  expect_error([&] { srs::DecoderBlock::load(t.config, *source, 1); }, {name});
  // Block 0 does not need the tensor, so it still loads on its own.
  EXPECT_NO_THROW(srs::DecoderBlock::load(t.config, *source, 0));
}

TEST(ModelErrors, MissingFinalNormNamed) {
  const auto t = tiny_model("tiny_qwen3");
  srs::DecoderModel model(t.config, std::make_shared<HidingSource>(t.weights, "model.norm.weight"));
  expect_error([&] { model.head(); }, {"model.norm.weight", "missing"});
}

// A config whose head_dim disagrees with the stored q_proj: [heads * 16, 48] vs [48, 48].
TEST(ModelErrors, WrongShapeNamesTensorAndBothShapes) {
  auto t = tiny_model("tiny_llama");
  srs::ModelConfig c = t.config;
  c.head_dim = 16;
  expect_error([&] { srs::DecoderBlock::load(c, *t.weights, 0); },
               {"tiny_llama", "model.layers.0.self_attn.q_proj.weight", "[48, 48]", "[64, 48]"});
  c = t.config;
  c.intermediate_size = 100;
  expect_error([&] { srs::DecoderBlock::load(c, *t.weights, 1); },
               {"model.layers.1.mlp.gate_proj.weight", "[96, 48]", "[100, 48]"});
  c = t.config;
  c.vocab_size = 130;
  srs::DecoderModel model(c, t.weights);
  expect_error([&] { model.forward(t.input_ids()); }, {"model.embed_tokens.weight", "[128, 48]", "[130, 48]"});
}

TEST(ModelErrors, BadInputsRejected) {
  const auto t = tiny_model("tiny_qwen2");
  auto model = t.model();
  expect_error([&] { model.forward(at::full({1, 4}, 128, at::kLong)); }, {"token id 128", "vocabulary"});
  expect_error([&] { model.forward(at::full({1, 4}, -1, at::kLong)); }, {"token id -1"});
  expect_error([&] { model.forward(at::zeros({4}, at::kLong)); }, {"[batch, seq]"});
  expect_error([&] { model.block(2); }, {"block 2", "2"});
  const auto block = model.block(0);
  expect_error([&] { block->forward(at::zeros({1, 4, 64}), model.rope(5)); }, {"model.layers.0", "5", "4"});
  expect_error([&] { block->forward(at::zeros({1, 4, 32}), model.rope(4)); }, {"model.layers.0", "64"});
  expect_error([&] { srs::capture_block_inputs(model, t.input_ids(), 3, 1); }, {"block 3"});
  expect_error([&] { srs::capture_block_inputs(model, t.input_ids(), 1, 0); }, {"batch size"});
  srs::ModelOptions no_chunk;
  no_chunk.attention_chunk = 0;
  expect_error([&] { srs::DecoderBlock::load(t.config, *t.weights, 0, no_chunk); }, {"attention chunk"});
}

TEST(ModelErrors, DeviceAndDtypeNames) {
  EXPECT_EQ(srs::parse_device("cpu"), at::Device(at::kCPU));
  EXPECT_EQ(srs::parse_dtype("bf16"), at::kBFloat16);
  EXPECT_EQ(srs::parse_dtype("fp32"), at::kFloat);
  expect_error([] { srs::parse_dtype("fp8"); }, {"fp8", "fp32", "bf16"});
  expect_error([] { srs::parse_device("tpu"); }, {"tpu", "cpu"});
  if (!at::hasCUDA()) expect_error([] { srs::parse_device("cuda"); }, {"cuda", "no CUDA"});
}

}  // namespace
