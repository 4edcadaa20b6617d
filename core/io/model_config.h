#pragma once
// Decoder configuration shared by every model source (HF config.json, GGUF metadata).
#include <cstdint>
#include <string>
#include <vector>

namespace srs {

enum class Architecture { Llama, Mistral, Qwen2, Qwen3 };

const char* architecture_name(Architecture a);  // HF class name, e.g. "LlamaForCausalLM"

struct RopeScaling {
  enum class Type { None, Linear, Llama3 };
  Type type = Type::None;
  double factor = 1.0;
  // llama3 only
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
};

const char* rope_scaling_name(RopeScaling::Type t);  // "none", "linear" or "llama3"

struct ModelConfig {
  Architecture architecture = Architecture::Llama;
  int64_t vocab_size = 0;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;  // hidden_size / num_attention_heads unless given explicitly (Qwen3)
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v biases (Qwen2)
  bool qk_norm = false;         // per-head RMSNorm on q and k (Qwen3)
  int64_t bos_token_id = -1;
  int64_t eos_token_id = -1;
};

// The weight shape [out, in] the config implies for a Linear given by its HF module name
// ("model.layers.3.self_attn.q_proj", "lm_head"); empty for a name that is not one.
std::vector<int64_t> linear_weight_shape(const ModelConfig& c, const std::string& module_name);

}  // namespace srs
