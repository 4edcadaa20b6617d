#include "io/model_config.h"

namespace srs {

const char* architecture_name(Architecture a) {
  switch (a) {
    case Architecture::Llama: return "LlamaForCausalLM";
    case Architecture::Mistral: return "MistralForCausalLM";
    case Architecture::Qwen2: return "Qwen2ForCausalLM";
    case Architecture::Qwen3: return "Qwen3ForCausalLM";
  }
  return "?";
}

const char* rope_scaling_name(RopeScaling::Type t) {
  switch (t) {
    case RopeScaling::Type::None: return "none";
    case RopeScaling::Type::Linear: return "linear";
    case RopeScaling::Type::Llama3: return "llama3";
  }
  return "?";
}

std::vector<int64_t> linear_weight_shape(const ModelConfig& c, const std::string& name) {
  if (name == "lm_head") return {c.vocab_size, c.hidden_size};
  const std::string prefix = "model.layers.";
  if (name.rfind(prefix, 0) != 0) return {};
  const size_t dot = name.find('.', prefix.size());
  if (dot == std::string::npos) return {};
  const std::string index = name.substr(prefix.size(), dot - prefix.size());
  if (index.empty() || index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(index) >= c.num_hidden_layers)
    return {};
  const std::string suffix = name.substr(dot + 1);
  const int64_t h = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  if (suffix == "self_attn.q_proj") return {q, h};
  if (suffix == "self_attn.k_proj" || suffix == "self_attn.v_proj") return {kv, h};
  if (suffix == "self_attn.o_proj") return {h, q};
  if (suffix == "mlp.gate_proj" || suffix == "mlp.up_proj") return {c.intermediate_size, h};
  if (suffix == "mlp.down_proj") return {h, c.intermediate_size};
  return {};
}

}  // namespace srs
