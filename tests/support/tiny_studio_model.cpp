#include "tiny_studio_model.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "io/safetensors.h"

namespace srs::test {

namespace {

constexpr int kHidden = 32, kInter = 64, kHeads = 4, kKvHeads = 2, kHeadDim = 8, kVocab = 49152;

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TinyStudioModel write_tiny_studio_model(const std::string& dir, int blocks) {
  namespace fs = std::filesystem;
  TinyStudioModel m;
  m.model_dir = dir + "/tiny-llama";
  m.blocks = blocks;
  m.linear_layers = 7 * blocks;
  fs::create_directories(m.model_dir);
  {
    std::ofstream config(m.model_dir + "/config.json");
    config << R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": )" << kHidden
           << R"(, "intermediate_size": )" << kInter << R"(, "num_attention_heads": )" << kHeads
           << R"(, "num_key_value_heads": )" << kKvHeads << R"(, "head_dim": )" << kHeadDim
           << R"(, "num_hidden_layers": )" << blocks << R"(, "vocab_size": )" << kVocab
           << R"(, "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "tie_word_embeddings": true,
               "bos_token_id": 1, "eos_token_id": 2, "max_position_embeddings": 2048})";
  }
  copy_file(std::string(SRS_GOLDEN_DIR) + "/tokenizer/smollm2/tokenizer.json", m.model_dir + "/tokenizer.json");

  std::mt19937 rng(1234);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<float>> storage;
  std::vector<SafetensorsTensor> tensors;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float scale, bool ones = false) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = ones ? 1.0f : scale * normal(rng);
    storage.push_back(std::move(v));
    tensors.push_back({name, DType::F32, shape, storage.back().data(), static_cast<uint64_t>(n) * 4});
  };
  storage.reserve(static_cast<size_t>(2 + 9 * blocks));
  add("model.embed_tokens.weight", {kVocab, kHidden}, 0.5f);
  for (int b = 0; b < blocks; ++b) {
    const std::string p = "model.layers." + std::to_string(b) + ".";
    const float s = 1.0f / std::sqrt(static_cast<float>(kHidden));
    add(p + "input_layernorm.weight", {kHidden}, 0, true);
    add(p + "post_attention_layernorm.weight", {kHidden}, 0, true);
    add(p + "self_attn.q_proj.weight", {kHeads * kHeadDim, kHidden}, s);
    add(p + "self_attn.k_proj.weight", {kKvHeads * kHeadDim, kHidden}, s);
    add(p + "self_attn.v_proj.weight", {kKvHeads * kHeadDim, kHidden}, s);
    add(p + "self_attn.o_proj.weight", {kHidden, kHeads * kHeadDim}, s);
    add(p + "mlp.gate_proj.weight", {kInter, kHidden}, s);
    add(p + "mlp.up_proj.weight", {kInter, kHidden}, s);
    add(p + "mlp.down_proj.weight", {kHidden, kInter}, 1.0f / std::sqrt(static_cast<float>(kInter)));
  }
  add("model.norm.weight", {kHidden}, 0, true);
  write_safetensors(m.model_dir + "/model.safetensors", tensors);

  // Pseudo-words from a fixed syllable set: about 6000 words, far more than 16 x 64 tokens.
  m.calib_file = dir + "/calibration.txt";
  std::ofstream text(m.calib_file);
  const char* syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "the", "and", "of", "ing"};
  std::uniform_int_distribution<int> pick(0, 11), len(1, 3);
  for (int w = 0; w < 6000; ++w) {
    for (int k = len(rng); k > 0; --k) text << syllables[pick(rng)];
    text << ((w % 12 == 11) ? ".\n" : " ");
  }
  return m;
}

}  // namespace srs::test
