#include "io/model_files.h"

#include <filesystem>

#include "io/gguf_model.h"
#include "io/hf_config.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/hash.h"

namespace fs = std::filesystem;

namespace srs {

namespace {

uint64_t files_size(const fs::path& path) {
  if (!fs::is_directory(path)) return fs::file_size(path);
  uint64_t total = 0;
  for (const auto& e : fs::directory_iterator(path))
    if (e.is_regular_file() && e.path().extension() == ".safetensors") total += e.file_size();
  return total;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

ModelFiles open_model_files(const std::string& path) {
  if (!fs::exists(path)) throw Error(path + ": no such file or folder");
  ModelFiles m;
  m.path = path;
  m.size_bytes = files_size(path);
  if (fs::is_directory(path)) {
    m.format = "safetensors";
    m.config = read_hf_config(path);
    m.weights = open_safetensors(path);
    if (fs::exists(path + "/tokenizer.json")) m.tokenizer = load_tokenizer_json(path + "/tokenizer.json");
    return m;
  }
  if (fs::path(path).extension() == ".gguf") {
    GgufModel g = open_gguf_model(path);
    m.format = "gguf";
    m.config = g.config;
    m.weights = std::move(g.weights);
    m.tokenizer = make_tokenizer(g.tokenizer);
    return m;
  }
  if (fs::path(path).extension() == ".safetensors")
    throw Error(path + ": a bare .safetensors file has no config; open the model folder that holds it and config.json");
  throw Error(path + ": not a model: expected an HF folder (config.json + *.safetensors) or a .gguf file");
}

std::string model_header_hash(const ModelFiles& files) {
  const ModelConfig& c = files.config;
  Fnv1a64 h;
  auto add = [&h](const std::string& s) { h.update(s.data(), s.size() + 1); };  // +1: the NUL separates fields
  add(architecture_name(c.architecture));
  for (int64_t v : {c.vocab_size, c.hidden_size, c.intermediate_size, c.num_hidden_layers, c.num_attention_heads,
                    c.num_key_value_heads, c.head_dim})
    add(std::to_string(v));
  for (const auto& name : files.weights->names()) {
    add(name);
    add(files.weights->stored_type(name));
    for (int64_t d : files.weights->shape(name)) add(std::to_string(d));
  }
  return h.hex();
}

const Tokenizer& require_tokenizer(const ModelFiles& files) {
  if (!files.tokenizer) throw Error(files.path + ": the model has no tokenizer (tokenizer.json is missing)");
  return *files.tokenizer;
}

void check_weight_shapes(const ModelFiles& files) {
  const ModelConfig& c = files.config;
  const WeightSource& w = *files.weights;
  const int64_t h = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  auto expect = [&](const std::string& name, std::vector<int64_t> want) {
    if (!w.contains(name))
      throw Error(w.path() + ": tensor '" + name + "' is missing (the config has " + std::to_string(c.num_hidden_layers) +
                  " layers)");
    const auto got = w.shape(name);
    if (got != want)
      throw Error(w.path() + ": tensor '" + name + "' has shape " + shape_text(got) + " but the config implies " +
                  shape_text(want));
  };
  expect("model.embed_tokens.weight", linear_weight_shape(c, "lm_head"));
  expect("model.norm.weight", {h});
  if (w.contains("lm_head.weight")) expect("lm_head.weight", linear_weight_shape(c, "lm_head"));
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    expect(p + "input_layernorm.weight", {h});
    expect(p + "post_attention_layernorm.weight", {h});
    for (const char* linear : {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"})
      expect(p + linear + ".weight", linear_weight_shape(c, p + linear));
    if (c.attention_bias) {
      expect(p + "self_attn.q_proj.bias", {q});
      expect(p + "self_attn.k_proj.bias", {kv});
      expect(p + "self_attn.v_proj.bias", {kv});
    }
    if (c.qk_norm) {
      expect(p + "self_attn.q_norm.weight", {c.head_dim});
      expect(p + "self_attn.k_norm.weight", {c.head_dim});
    }
  }
}

}  // namespace srs
