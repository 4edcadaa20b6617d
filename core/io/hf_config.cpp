#include "io/hf_config.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {
namespace {

using nlohmann::json;

const char* const kSupported = "LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM";

// Reads typed keys of one JSON object and reports problems as "<file>: key '<key>' ...".
class Keys {
 public:
  Keys(const json& object, std::string path, std::string prefix = "")
      : o_(object), path_(std::move(path)), prefix_(std::move(prefix)) {}

  // A key that is absent or null counts as not given (HF writes null for "use the default").
  bool has(const char* key) const { return o_.contains(key) && !o_.at(key).is_null(); }

  int64_t integer(const char* key) const {
    const json& v = get(key);
    if (!v.is_number_integer()) fail(key, "must be an integer, got " + describe(v));
    return v.get<int64_t>();
  }
  int64_t integer(const char* key, int64_t fallback) const { return has(key) ? integer(key) : fallback; }

  int64_t positive(const char* key) const {
    const int64_t v = integer(key);
    if (v <= 0) fail(key, "must be positive, got " + std::to_string(v));
    return v;
  }

  double number(const char* key) const {
    const json& v = get(key);
    if (!v.is_number()) fail(key, "must be a number, got " + describe(v));
    return v.get<double>();
  }
  double number(const char* key, double fallback) const { return has(key) ? number(key) : fallback; }

  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = o_.at(key);
    if (!v.is_boolean()) fail(key, "must be true or false, got " + describe(v));
    return v.get<bool>();
  }

  std::string string(const char* key) const {
    const json& v = get(key);
    if (!v.is_string()) fail(key, "must be a string, got " + describe(v));
    return v.get<std::string>();
  }

  // Token ids: an integer, a list of integers (the first one is taken), or absent (-1).
  int64_t token_id(const char* key) const {
    if (!has(key)) return -1;
    const json& v = o_.at(key);
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_array() && !v.empty() && v.front().is_number_integer()) return v.front().get<int64_t>();
    fail(key, "must be an integer or a list of integers, got " + describe(v));
  }

  [[noreturn]] void fail(const char* key, const std::string& what) const {
    throw Error(path_ + ": key '" + prefix_ + key + "' " + what + "; fix config.json");
  }

 private:
  const json& get(const char* key) const {
    if (!o_.contains(key)) fail(key, "is missing");
    const json& v = o_.at(key);
    if (v.is_null()) fail(key, "is null");
    return v;
  }

  static std::string describe(const json& v) {
    std::string text = v.dump();
    if (text.size() > 40) text = text.substr(0, 40) + "...";
    return std::string(v.type_name()) + " " + text;
  }

  const json& o_;
  std::string path_;
  std::string prefix_;
};

Architecture parse_architecture(const json& root, const std::string& path) {
  if (!root.contains("architectures") || !root.at("architectures").is_array() || root.at("architectures").empty() ||
      !root.at("architectures").front().is_string())
    throw Error(path + ": key 'architectures' must be a list naming the model class (supported: " + kSupported + ")");
  const std::string name = root.at("architectures").front().get<std::string>();
  for (Architecture a : {Architecture::Llama, Architecture::Mistral, Architecture::Qwen2, Architecture::Qwen3})
    if (name == architecture_name(a)) return a;
  throw Error(path + ": architecture '" + name + "' is not supported; supported: " + kSupported);
}

// Fills theta and scaling from one rope dict: v4 "rope_scaling" (type or rope_type key) or
// v5 "rope_parameters" (which also carries rope_theta).
void parse_rope(const json& rope, const char* dict_name, const std::string& path, ModelConfig& c) {
  if (!rope.is_object()) throw Error(path + ": key '" + dict_name + "' must be an object; fix config.json");
  const Keys k(rope, path, std::string(dict_name) + ".");
  for (const auto& item : rope.items())
    if (item.value().is_object())  // transformers v5 nests one dict per attention layer type
      k.fail(item.key().c_str(), "holds per-layer-type RoPE parameters, which these architectures do not use");
  c.rope_theta = k.number("rope_theta", c.rope_theta);
  std::string type = "default";
  if (k.has("rope_type"))
    type = k.string("rope_type");
  else if (k.has("type"))
    type = k.string("type");
  RopeScaling& s = c.rope_scaling;
  if (type == "default") {
    s = RopeScaling{};
  } else if (type == "linear") {
    s.type = RopeScaling::Type::Linear;
    s.factor = k.number("factor");
  } else if (type == "llama3") {
    s.type = RopeScaling::Type::Llama3;
    s.factor = k.number("factor");
    s.low_freq_factor = k.number("low_freq_factor");
    s.high_freq_factor = k.number("high_freq_factor");
    // transformers falls back to max_position_embeddings when the key is absent.
    s.original_max_position_embeddings = k.integer("original_max_position_embeddings", c.max_position_embeddings);
    if (s.high_freq_factor <= s.low_freq_factor) k.fail("high_freq_factor", "must be greater than low_freq_factor");
  } else {
    k.fail("rope_type", "'" + type + "' is not supported; supported: default, linear, llama3");
  }
  if (s.factor <= 0) k.fail("factor", "must be positive");
}

}  // namespace

ModelConfig parse_hf_config(const std::string& json_text, const std::string& path) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object()) throw Error(path + ": config.json must hold a JSON object");
  const Keys k(root, path);

  ModelConfig c;
  c.architecture = parse_architecture(root, path);
  c.vocab_size = k.positive("vocab_size");
  c.hidden_size = k.positive("hidden_size");
  c.intermediate_size = k.positive("intermediate_size");
  c.num_hidden_layers = k.positive("num_hidden_layers");
  c.num_attention_heads = k.positive("num_attention_heads");
  c.num_key_value_heads = k.has("num_key_value_heads") ? k.positive("num_key_value_heads") : c.num_attention_heads;
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    k.fail("num_key_value_heads", "(" + std::to_string(c.num_key_value_heads) + ") must divide num_attention_heads (" +
                                      std::to_string(c.num_attention_heads) + ")");
  if (k.has("head_dim")) {
    c.head_dim = k.positive("head_dim");
  } else {
    if (c.hidden_size % c.num_attention_heads != 0)
      k.fail("head_dim", "is missing and hidden_size is not a multiple of num_attention_heads");
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim % 2 != 0) k.fail("head_dim", "must be even for rotary embeddings");
  c.max_position_embeddings = k.integer("max_position_embeddings", c.max_position_embeddings);
  c.rms_norm_eps = k.number("rms_norm_eps", c.rms_norm_eps);
  c.rope_theta = k.number("rope_theta", c.rope_theta);
  if (k.has("rope_scaling")) parse_rope(root.at("rope_scaling"), "rope_scaling", path, c);
  if (k.has("rope_parameters")) parse_rope(root.at("rope_parameters"), "rope_parameters", path, c);
  if (c.rope_theta <= 0) k.fail("rope_theta", "must be positive");
  c.tie_word_embeddings = k.boolean("tie_word_embeddings", false);
  // Qwen2 always has q/k/v biases; the others have q/k/v/o biases only when attention_bias says so.
  c.attention_bias = c.architecture == Architecture::Qwen2 || k.boolean("attention_bias", false);
  c.qk_norm = c.architecture == Architecture::Qwen3;
  c.bos_token_id = k.token_id("bos_token_id");
  c.eos_token_id = k.token_id("eos_token_id");

  // Variants the decoder does not implement: refuse them instead of computing something else.
  if (k.has("hidden_act") && k.string("hidden_act") != "silu")
    k.fail("hidden_act", "'" + k.string("hidden_act") + "' is not supported; only silu (SwiGLU) is");
  if (k.boolean("mlp_bias", false)) k.fail("mlp_bias", "true is not supported");
  if (k.boolean("use_sliding_window", false)) k.fail("use_sliding_window", "true is not supported");
  return c;
}

ModelConfig read_hf_config(const std::string& path) {
  std::string file = path;
  if (std::filesystem::is_directory(path)) file = (std::filesystem::path(path) / "config.json").string();
  return parse_hf_config(read_file(file), file);
}

}  // namespace srs
