#include "model/decoder_block.h"

#include <cmath>
#include <limits>

#include "model/checked_tensor.h"
#include "model/rms_norm.h"
#include "util/error.h"

namespace srs {

namespace {

const char* const kLinearSuffixes[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                       "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};

}  // namespace

std::vector<std::string> block_linear_names(int64_t index) {
  std::vector<std::string> names;
  for (const char* suffix : kLinearSuffixes) names.push_back("model.layers." + std::to_string(index) + "." + suffix);
  return names;
}

DecoderBlock::DecoderBlock(const ModelConfig& config, int64_t index, int64_t attention_chunk)
    : config_(config),
      index_(index),
      attention_chunk_(attention_chunk),
      prefix_("model.layers." + std::to_string(index)) {}

std::unique_ptr<DecoderBlock> DecoderBlock::load(const ModelConfig& c, const WeightSource& source, int64_t index,
                                                 const ModelOptions& model_options) {
  if (index < 0 || index >= c.num_hidden_layers)
    throw Error(source.path() + ": block " + std::to_string(index) + " does not exist; the model has " +
                std::to_string(c.num_hidden_layers) + " blocks");
  if (model_options.attention_chunk < 1)
    throw Error("attention chunk must be at least 1, got " + std::to_string(model_options.attention_chunk));
  const at::TensorOptions options = model_options.tensor_options();
  std::unique_ptr<DecoderBlock> b(new DecoderBlock(c, index, model_options.attention_chunk));
  const std::string p = b->prefix_ + ".";
  auto tensor = [&](const std::string& name, std::vector<int64_t> shape) {
    return load_checked(source, p + name, shape, options);
  };
  // Linear weights are [out, in] as in PyTorch.
  auto linear = [&](const std::string& name, int64_t out, int64_t in, bool bias) {
    return Linear(p + name, tensor(name + ".weight", {out, in}), bias ? tensor(name + ".bias", {out}) : at::Tensor());
  };
  const int64_t h = c.hidden_size, q_dim = c.num_attention_heads * c.head_dim,
                kv_dim = c.num_key_value_heads * c.head_dim;
  // Qwen2 has q/k/v biases only; LLaMA, Mistral and Qwen3 with attention_bias have o_proj's too.
  const bool o_bias = c.attention_bias && c.architecture != Architecture::Qwen2;
  b->input_norm_ = tensor("input_layernorm.weight", {h});
  b->post_attention_norm_ = tensor("post_attention_layernorm.weight", {h});
  if (c.qk_norm) {
    b->q_norm_ = tensor("self_attn.q_norm.weight", {c.head_dim});
    b->k_norm_ = tensor("self_attn.k_norm.weight", {c.head_dim});
  }
  b->q_proj_ = linear("self_attn.q_proj", q_dim, h, c.attention_bias);
  b->k_proj_ = linear("self_attn.k_proj", kv_dim, h, c.attention_bias);
  b->v_proj_ = linear("self_attn.v_proj", kv_dim, h, c.attention_bias);
  b->o_proj_ = linear("self_attn.o_proj", h, q_dim, o_bias);
  b->gate_proj_ = linear("mlp.gate_proj", c.intermediate_size, h, false);
  b->up_proj_ = linear("mlp.up_proj", c.intermediate_size, h, false);
  b->down_proj_ = linear("mlp.down_proj", h, c.intermediate_size, false);
  return b;
}

at::Tensor DecoderBlock::attention(const at::Tensor& x, const RopeTables& rope) const {
  const int64_t batch = x.size(0), seq = x.size(1), hd = config_.head_dim;
  const int64_t heads = config_.num_attention_heads, kv_heads = config_.num_key_value_heads;
  const int64_t group = heads / kv_heads;
  at::Tensor q = q_proj_.forward(x).view({batch, seq, heads, hd});
  at::Tensor k = k_proj_.forward(x).view({batch, seq, kv_heads, hd});
  const at::Tensor v = v_proj_.forward(x).view({batch, seq, kv_heads, hd}).transpose(1, 2);
  if (config_.qk_norm) {  // per head, before RoPE
    q = rms_norm(q, q_norm_, config_.rms_norm_eps);
    k = rms_norm(k, k_norm_, config_.rms_norm_eps);
  }
  q = apply_rope(q.transpose(1, 2), rope);  // [batch, heads, seq, hd]
  k = apply_rope(k.transpose(1, 2), rope);  // [batch, kv_heads, seq, hd]

  // Grouped-query attention without copying k and v per head: the `group` query heads that
  // share a kv head are stacked along the row axis, [batch, kv_heads, group * rows, hd].
  // Queries go in chunks; a chunk only needs the keys up to its last position.
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  const at::ScalarType softmax_type = at::promote_types(x.scalar_type(), at::kFloat);
  const auto index_options = at::TensorOptions().dtype(at::kLong).device(x.device());
  std::vector<at::Tensor> chunks;
  for (int64_t start = 0; start < seq; start += attention_chunk_) {
    const int64_t rows = std::min(attention_chunk_, seq - start), keys = start + rows;
    const at::Tensor qc = q.narrow(2, start, rows).reshape({batch, kv_heads, group * rows, hd});
    // Scores in the activation dtype, scaled after the product, softmax in fp32: as transformers' eager path.
    at::Tensor scores = at::matmul(qc, k.narrow(2, 0, keys).transpose(2, 3)) * scale;
    const at::Tensor future = (at::arange(keys, index_options).unsqueeze(0) >
                               at::arange(start, keys, index_options).unsqueeze(1))  // [rows, keys]
                                  .repeat({group, 1});
    scores = scores.masked_fill(future, -std::numeric_limits<double>::infinity());
    const at::Tensor probs = at::softmax(scores, -1, softmax_type).to(x.scalar_type());
    chunks.push_back(at::matmul(probs, v.narrow(2, 0, keys)).view({batch, heads, rows, hd}));
  }
  const at::Tensor out =
      (chunks.size() == 1 ? chunks[0] : at::cat(chunks, 2)).transpose(1, 2).reshape({batch, seq, heads * hd});
  return o_proj_.forward(out);
}

at::Tensor DecoderBlock::forward(const at::Tensor& hidden, const RopeTables& rope) const {
  if (hidden.dim() != 3 || hidden.size(2) != config_.hidden_size)
    throw Error(prefix_ + ": input must be [batch, seq, " + std::to_string(config_.hidden_size) + "]");
  if (rope.seq_len() != hidden.size(1))
    throw Error(prefix_ + ": rotary tables cover " + std::to_string(rope.seq_len()) + " positions but the input has " +
                std::to_string(hidden.size(1)));
  const at::Tensor h = hidden + attention(rms_norm(hidden, input_norm_, config_.rms_norm_eps), rope);
  const at::Tensor n = rms_norm(h, post_attention_norm_, config_.rms_norm_eps);
  return h + down_proj_.forward(at::silu(gate_proj_.forward(n)) * up_proj_.forward(n));
}

std::vector<Linear*> DecoderBlock::linears() {
  return {&q_proj_, &k_proj_, &v_proj_, &o_proj_, &gate_proj_, &up_proj_, &down_proj_};
}

Linear* DecoderBlock::find_linear(const std::string& name) {
  for (Linear* l : linears())
    if (l->name() == name) return l;
  return nullptr;
}

std::vector<at::Tensor> DecoderBlock::parameters() const {
  std::vector<at::Tensor> out{input_norm_, post_attention_norm_};
  if (config_.qk_norm) {
    out.push_back(q_norm_);
    out.push_back(k_norm_);
  }
  for (const Linear* l : {&q_proj_, &k_proj_, &v_proj_, &o_proj_, &gate_proj_, &up_proj_, &down_proj_}) {
    out.push_back(l->weight());
    if (l->bias().defined()) out.push_back(l->bias());
  }
  return out;
}

}  // namespace srs
