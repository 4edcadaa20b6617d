// open_gguf_model: config, tokenizer and HF-named weights of the tiny llama / qwen2 / qwen3
// fixtures (scripts/gen_gguf_golden.py writes each with the expected values in tiny_<arch>.json
// and the HF-order reference of every tensor, computed by gguf-py's dequantize and, for llama
// q/k, transformers' reverse permutation), and of the demo model when it is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "io/gguf_file.h"
#include "io/gguf_model.h"
#include "io/gguf_weights.h"
#include "test_gguf_builder.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

using nlohmann::json;
using srs::test::GgufBuilder;

namespace {

const std::string kFixtureHow = "run /work/refvenv/bin/python scripts/gen_gguf_golden.py";

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

template <class Fn>
void expect_error(Fn fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no srs::Error thrown";
  } catch (const srs::Error& e) {
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

class TinyModel : public ::testing::TestWithParam<const char*> {};

TEST_P(TinyModel, MatchesGgufPyReference) {
  const std::string arch = GetParam();
  const std::string path = srs::test::golden("gguf/tiny_" + arch + ".gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  const json ref = json::parse(srs::read_file(srs::test::golden("gguf/tiny_" + arch + ".json")));
  const srs::GgufModel m = srs::open_gguf_model(path);
  EXPECT_EQ(m.architecture_key, arch);

  const json& c = ref["config"];
  const srs::ModelConfig& cfg = m.config;
  EXPECT_EQ(cfg.vocab_size, c["vocab_size"].get<int64_t>());
  EXPECT_EQ(cfg.hidden_size, c["hidden_size"].get<int64_t>());
  EXPECT_EQ(cfg.intermediate_size, c["intermediate_size"].get<int64_t>());
  EXPECT_EQ(cfg.num_hidden_layers, c["num_hidden_layers"].get<int64_t>());
  EXPECT_EQ(cfg.num_attention_heads, c["num_attention_heads"].get<int64_t>());
  EXPECT_EQ(cfg.num_key_value_heads, c["num_key_value_heads"].get<int64_t>());
  EXPECT_EQ(cfg.head_dim, c["head_dim"].get<int64_t>());
  EXPECT_EQ(cfg.max_position_embeddings, c["max_position_embeddings"].get<int64_t>());
  EXPECT_EQ(cfg.rms_norm_eps, c["rms_norm_eps"].get<double>());
  EXPECT_EQ(cfg.rope_theta, c["rope_theta"].get<double>());
  EXPECT_EQ(cfg.tie_word_embeddings, c["tie_word_embeddings"].get<bool>());
  EXPECT_EQ(cfg.attention_bias, c["attention_bias"].get<bool>());
  EXPECT_EQ(cfg.qk_norm, c["qk_norm"].get<bool>());
  const json& rs = c["rope_scaling"];
  if (rs["type"] == "linear") {
    EXPECT_EQ(cfg.rope_scaling.type, srs::RopeScaling::Type::Linear);
    EXPECT_EQ(cfg.rope_scaling.factor, rs["factor"].get<double>());
    EXPECT_EQ(cfg.rope_scaling.original_max_position_embeddings,
              rs["original_max_position_embeddings"].get<int64_t>());
  } else {
    EXPECT_EQ(cfg.rope_scaling.type, srs::RopeScaling::Type::None);
  }
  const srs::Architecture expected_arch = arch == "llama"   ? srs::Architecture::Llama
                                          : arch == "qwen2" ? srs::Architecture::Qwen2
                                                            : srs::Architecture::Qwen3;
  EXPECT_EQ(cfg.architecture, expected_arch);

  const json& t = ref["tokenizer"];
  const srs::TokenizerData& tok = m.tokenizer;
  EXPECT_EQ(tok.model, t["model"].get<std::string>());
  EXPECT_EQ(tok.pre, t["pre"].get<std::string>());
  EXPECT_EQ(tok.tokens, t["tokens"].get<std::vector<std::string>>());
  EXPECT_EQ(tok.token_types, t["token_types"].get<std::vector<int32_t>>());
  EXPECT_EQ(tok.scores, t["scores"].get<std::vector<float>>());
  EXPECT_EQ(tok.merges, t["merges"].get<std::vector<std::string>>());
  EXPECT_EQ(tok.bos_id, t["bos_id"].get<int64_t>());
  EXPECT_EQ(tok.eos_id, t["eos_id"].get<int64_t>());
  EXPECT_EQ(tok.unk_id, t["unk_id"].get<int64_t>());
  EXPECT_EQ(tok.pad_id, t["pad_id"].get<int64_t>());
  EXPECT_EQ(tok.add_bos, t["add_bos"].get<bool>());
  EXPECT_EQ(tok.add_eos, t["add_eos"].get<bool>());
  EXPECT_EQ(tok.add_space_prefix, t["add_space_prefix"].get<bool>());
  EXPECT_EQ(cfg.bos_token_id, tok.bos_id);
  EXPECT_EQ(cfg.eos_token_id, tok.eos_id);

  // Every tensor: the HF name set, shape, stored type and bit-exact values.
  const srs::WeightSource& w = *m.weights;
  EXPECT_EQ(w.path(), path);
  std::vector<std::string> expected_names;
  for (const auto& [name, _] : ref["tensors"].items()) expected_names.push_back(name);
  std::sort(expected_names.begin(), expected_names.end());
  EXPECT_EQ(w.names(), expected_names);
  for (const auto& [name, info] : ref["tensors"].items()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(w.contains(name));
    EXPECT_EQ(w.shape(name), info["shape"].get<std::vector<int64_t>>());
    EXPECT_EQ(w.stored_type(name), info["type"].get<std::string>());
    const std::string expected_bytes = srs::read_file(srs::test::golden("gguf/" + info["file"].get<std::string>()));
    std::vector<float> out(static_cast<size_t>(srs::numel(w.shape(name))));
    ASSERT_EQ(expected_bytes.size(), out.size() * sizeof(float));
    w.read_f32(name, out.data());
    EXPECT_EQ(0, std::memcmp(out.data(), expected_bytes.data(), expected_bytes.size()));
  }
  EXPECT_FALSE(w.contains("model.layers.99.mlp.up_proj.weight"));
  expect_error([&] { w.shape("model.layers.99.mlp.up_proj.weight"); }, {path, "model.layers.99.mlp.up_proj.weight"});
}

INSTANTIATE_TEST_SUITE_P(Architectures, TinyModel, ::testing::Values("llama", "qwen2", "qwen3"));

// A minimal llama header, for the model-level error cases.
GgufBuilder tiny_llama_builder() {
  GgufBuilder b;
  b.kv_string("general.architecture", "llama")
      .kv_u32("llama.context_length", 128)
      .kv_u32("llama.embedding_length", 8)
      .kv_u32("llama.block_count", 1)
      .kv_u32("llama.feed_forward_length", 16)
      .kv_u32("llama.attention.head_count", 2)
      .kv_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  return b;
}

}  // namespace

TEST(GgufModel, NameMapping) {
  EXPECT_EQ(srs::gguf_to_hf_name("token_embd.weight"), "model.embed_tokens.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("output.weight"), "lm_head.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("output_norm.weight"), "model.norm.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.12.attn_output.weight"), "model.layers.12.self_attn.o_proj.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.0.attn_k.bias"), "model.layers.0.self_attn.k_proj.bias");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.3.attn_q_norm.weight"), "model.layers.3.self_attn.q_norm.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.3.ffn_norm.weight"), "model.layers.3.post_attention_layernorm.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.3.ffn_down.weight"), "model.layers.3.mlp.down_proj.weight");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.x.ffn_down.weight"), "");
  EXPECT_EQ(srs::gguf_to_hf_name("blk.1.ffn_gate_exps.weight"), "");
  EXPECT_EQ(srs::gguf_to_hf_name("token_embd"), "");
}

TEST(GgufModel, UnpermuteInvertsConvertHfToGgufPermute) {
  // Forward permute as convert_hf_to_gguf: HF row (h, s, j) is stored at (h, j, s).
  const int64_t n_head = 3, rows = 3 * 8;
  const std::vector<int64_t> src = srs::unpermute_rows(rows, n_head);
  std::vector<int64_t> stored_of_hf(rows);
  for (int64_t h = 0; h < n_head; ++h)
    for (int64_t s = 0; s < 2; ++s)
      for (int64_t j = 0; j < 4; ++j) stored_of_hf[h * 8 + s * 4 + j] = h * 8 + j * 2 + s;
  EXPECT_EQ(src, stored_of_hf);
  std::vector<bool> seen(rows, false);
  for (int64_t r : src) seen[static_cast<size_t>(r)] = true;
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), rows);  // a permutation
}

TEST(GgufModel, UnsupportedArchitecture) {
  GgufBuilder b;
  b.kv_string("general.architecture", "gemma2");
  b.f32_tensor("token_embd.weight", {8, 4});
  const std::string path = b.write(srs::test::temp_dir() + "/gemma.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "gemma2", "llama, qwen2, qwen3"});
}

TEST(GgufModel, MissingRequiredKey) {
  GgufBuilder b;
  b.kv_string("general.architecture", "llama").kv_u32("llama.context_length", 128).kv_u32("llama.embedding_length", 8);
  b.f32_tensor("token_embd.weight", {8, 4});
  const std::string path = b.write(srs::test::temp_dir() + "/missing.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "llama.block_count", "missing"});
  GgufBuilder c;
  c.f32_tensor("token_embd.weight", {8, 4});
  const std::string no_arch = c.write(srs::test::temp_dir() + "/noarch.gguf");
  expect_error([&] { srs::open_gguf_model(no_arch); }, {no_arch, "general.architecture", "missing"});
}

TEST(GgufModel, WrongMetadataType) {
  GgufBuilder b;
  b.kv_string("general.architecture", "llama")
      .kv_u32("llama.context_length", 128)
      .kv_string("llama.embedding_length", "576");
  b.f32_tensor("token_embd.weight", {8, 4});
  const std::string path = b.write(srs::test::temp_dir() + "/wrongtype.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "llama.embedding_length", "string", "integer"});
  GgufBuilder c = tiny_llama_builder();
  c.kv_u32("tokenizer.ggml.model", 2);
  c.f32_tensor("token_embd.weight", {8, 4});
  const std::string tok = c.write(srs::test::temp_dir() + "/tokmodel.gguf");
  expect_error([&] { srs::open_gguf_model(tok); }, {tok, "tokenizer.ggml.model", "expected string"});
}

TEST(GgufModel, TokenizerArraysMustAgree) {
  GgufBuilder b = tiny_llama_builder();
  b.kv_string("tokenizer.ggml.model", "gpt2").kv_string_array("tokenizer.ggml.tokens", {"a", "b", "c", "d"});
  std::string scores;
  GgufBuilder::put<uint32_t>(scores, 6);
  GgufBuilder::put<uint64_t>(scores, 2);
  GgufBuilder::put<float>(scores, 0.f);
  GgufBuilder::put<float>(scores, 1.f);
  b.kv_raw("tokenizer.ggml.scores", 9, scores);
  b.f32_tensor("token_embd.weight", {8, 4});
  const std::string path = b.write(srs::test::temp_dir() + "/scores.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "tokenizer.ggml.scores", "2 entries"});
}

TEST(GgufModel, UnknownTensorAndBadHeadSplit) {
  GgufBuilder b = tiny_llama_builder();
  b.f32_tensor("token_embd.weight", {8, 4}).f32_tensor("blk.0.mystery.weight", {8});
  const std::string path = b.write(srs::test::temp_dir() + "/mystery.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "blk.0.mystery.weight"});
  GgufBuilder c = tiny_llama_builder();
  c.f32_tensor("token_embd.weight", {8, 4}).f32_tensor("blk.0.attn_q.weight", {8, 6});  // 6 rows, 2 heads: odd halves
  const std::string heads = c.write(srs::test::temp_dir() + "/heads.gguf");
  expect_error([&] { srs::open_gguf_model(heads); }, {heads, "blk.0.attn_q.weight", "heads"});
}

TEST(GgufModel, RopeFreqsTensorIsRefused) {
  // Llama 3.1 GGUFs carry RoPE frequency factors as a tensor that ModelConfig cannot express yet.
  GgufBuilder b = tiny_llama_builder();
  b.f32_tensor("token_embd.weight", {8, 4}).f32_tensor("rope_freqs.weight", {2});
  const std::string path = b.write(srs::test::temp_dir() + "/rope_freqs.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "rope_freqs.weight", "not supported"});
}

TEST(GgufModel, UnsupportedRopeScaling) {
  GgufBuilder b = tiny_llama_builder();
  b.kv_string("llama.rope.scaling.type", "yarn");
  b.f32_tensor("token_embd.weight", {8, 4});
  const std::string path = b.write(srs::test::temp_dir() + "/yarn.gguf");
  expect_error([&] { srs::open_gguf_model(path); }, {path, "llama.rope.scaling.type", "yarn"});
}

TEST(GgufModel, MinimalHeaderDefaults) {
  // No head_count_kv, no rope keys, no tokenizer, no vocab_size: documented fallbacks apply.
  GgufBuilder b = tiny_llama_builder();
  b.f32_tensor("token_embd.weight", {8, 5});
  const std::string path = b.write(srs::test::temp_dir() + "/minimal.gguf");
  const srs::GgufModel m = srs::open_gguf_model(path);
  EXPECT_EQ(m.config.num_key_value_heads, 2);
  EXPECT_EQ(m.config.head_dim, 4);
  EXPECT_EQ(m.config.rope_theta, 10000.0);
  EXPECT_EQ(m.config.vocab_size, 5);
  EXPECT_TRUE(m.config.tie_word_embeddings);
  EXPECT_FALSE(m.config.attention_bias);
  EXPECT_TRUE(m.tokenizer.model.empty());
  EXPECT_EQ(m.weights->shape("model.embed_tokens.weight"), (std::vector<int64_t>{5, 8}));
}

// ---- the demo model (SmolLM2-135M-Instruct, Q4_1) ----

TEST(GgufDemoModel, ConfigTokenizerAndShapes) {
  const std::string path = srs::test::demo_model();
  SRS_REQUIRE_FILE(path, "fetch the demo model with scripts/fetch-demo-model.sh");
  const srs::GgufModel m = srs::open_gguf_model(path);
  const srs::ModelConfig& c = m.config;
  EXPECT_EQ(m.architecture_key, "llama");
  EXPECT_EQ(c.architecture, srs::Architecture::Llama);
  EXPECT_EQ(c.num_hidden_layers, 30);
  EXPECT_EQ(c.hidden_size, 576);
  EXPECT_EQ(c.num_attention_heads, 9);
  EXPECT_EQ(c.num_key_value_heads, 3);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.intermediate_size, 1536);
  EXPECT_EQ(c.vocab_size, 49152);
  EXPECT_EQ(c.max_position_embeddings, 8192);
  EXPECT_EQ(c.rope_theta, 100000.0);
  EXPECT_EQ(static_cast<float>(c.rms_norm_eps), 1e-5f);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(m.tokenizer.model, "gpt2");
  EXPECT_EQ(m.tokenizer.pre, "smollm");
  EXPECT_EQ(m.tokenizer.tokens.size(), 49152u);
  EXPECT_EQ(m.tokenizer.token_types.size(), 49152u);
  EXPECT_EQ(m.tokenizer.merges.size(), 48900u);
  EXPECT_EQ(m.tokenizer.bos_id, 1);
  EXPECT_EQ(m.tokenizer.eos_id, 2);
  EXPECT_FALSE(m.tokenizer.add_bos);

  const srs::WeightSource& w = *m.weights;
  const std::vector<std::string> names = w.names();
  EXPECT_EQ(names.size(), 2u + 30u * 9u);  // embed, norm, and 9 tensors per block
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(w.shape("model.embed_tokens.weight"), (std::vector<int64_t>{49152, 576}));
  EXPECT_EQ(w.stored_type("model.embed_tokens.weight"), "Q8_0");
  EXPECT_EQ(w.shape("model.norm.weight"), (std::vector<int64_t>{576}));
  for (int l = 0; l < 30; ++l) {
    const std::string p = "model.layers." + std::to_string(l) + ".";
    EXPECT_EQ(w.shape(p + "self_attn.q_proj.weight"), (std::vector<int64_t>{576, 576}));
    EXPECT_EQ(w.shape(p + "self_attn.k_proj.weight"), (std::vector<int64_t>{192, 576}));
    EXPECT_EQ(w.shape(p + "self_attn.v_proj.weight"), (std::vector<int64_t>{192, 576}));
    EXPECT_EQ(w.shape(p + "self_attn.o_proj.weight"), (std::vector<int64_t>{576, 576}));
    EXPECT_EQ(w.shape(p + "mlp.gate_proj.weight"), (std::vector<int64_t>{1536, 576}));
    EXPECT_EQ(w.shape(p + "mlp.up_proj.weight"), (std::vector<int64_t>{1536, 576}));
    EXPECT_EQ(w.shape(p + "mlp.down_proj.weight"), (std::vector<int64_t>{576, 1536}));
    EXPECT_EQ(w.shape(p + "input_layernorm.weight"), (std::vector<int64_t>{576}));
    EXPECT_EQ(w.shape(p + "post_attention_layernorm.weight"), (std::vector<int64_t>{576}));
    EXPECT_EQ(w.stored_type(p + "self_attn.q_proj.weight"), "Q4_1");
  }
}

TEST(GgufDemoModel, DecodedTensorsMatchGgufPyAndTransformers) {
  // demo_reference.json: for a few tensors, gguf-py's dequantize (and for q/k transformers'
  // reverse permutation) summarised as sum (i+1) * bits(x[i]) mod 2^64 plus 16 sampled values.
  const std::string path = srs::test::demo_model();
  SRS_REQUIRE_FILE(path, "fetch the demo model with scripts/fetch-demo-model.sh");
  const std::string ref_path = srs::test::golden("gguf/demo_reference.json");
  SRS_REQUIRE_FILE(ref_path, kFixtureHow);
  const json ref = json::parse(srs::read_file(ref_path));
  const srs::GgufModel m = srs::open_gguf_model(path);
  ASSERT_GE(ref.size(), 3u);
  for (const auto& [name, info] : ref.items()) {
    SCOPED_TRACE(name);
    ASSERT_EQ(m.weights->shape(name), info["shape"].get<std::vector<int64_t>>());
    EXPECT_EQ(m.weights->stored_type(name), info["type"].get<std::string>());
    std::vector<float> out(static_cast<size_t>(srs::numel(m.weights->shape(name))));
    m.weights->read_f32(name, out.data());
    uint64_t sum = 0;
    for (size_t i = 0; i < out.size(); ++i) sum += (i + 1) * static_cast<uint64_t>(bits(out[i]));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(sum));
    EXPECT_EQ(std::string(hex), info["checksum"].get<std::string>());
    for (const auto& s : info["samples"]) {
      const size_t i = s[0].get<size_t>();
      EXPECT_EQ(bits(out[i]), s[1].get<uint32_t>()) << "element " << i;
    }
  }
}

TEST(GgufDemoModel, DecodesWholeModelQuickly) {
  const std::string path = srs::test::demo_model();
  SRS_REQUIRE_FILE(path, "fetch the demo model with scripts/fetch-demo-model.sh");
  const srs::GgufModel m = srs::open_gguf_model(path);
  std::vector<float> buf;
  int64_t total = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (const std::string& name : m.weights->names()) {
    buf.resize(static_cast<size_t>(srs::numel(m.weights->shape(name))));
    m.weights->read_f32(name, buf.data());
    total += static_cast<int64_t>(buf.size());
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ perf     ] demo model: %lld weights (98 MB file) decoded in %.2f s\n", static_cast<long long>(total), s);
  EXPECT_EQ(total, 134515008);  // SmolLM2-135M without the tied lm_head
  EXPECT_LT(s, 20.0);           // loose: the machine is shared; typical figures are in the report
}
