#pragma once
// One transformer block of a LLaMA / Mistral / Qwen2 / Qwen3 decoder:
//   h = x + o_proj(attention(rope(q_proj(norm(x))), rope(k_proj(...)), v_proj(...)))
//   y = h + down_proj(silu(gate_proj(norm(h))) * up_proj(norm(h)))
// A block is loaded alone (only its own tensors), runs on cached inputs, and is
// differentiable through LibTorch autograd: its tensors and its input may require grad.
#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

#include "io/model_config.h"
#include "io/weight_source.h"
#include "model/linear.h"
#include "model/model_options.h"
#include "model/rotary.h"

namespace srs {

class DecoderBlock {
 public:
  // Loads block `index` from `source` (HF names "model.layers.<index>.*"), checking every
  // shape against `config`, in options.dtype on options.device (low_memory does not apply to
  // a single block). Throws srs::Error naming the file and tensor.
  static std::unique_ptr<DecoderBlock> load(const ModelConfig& config, const WeightSource& source, int64_t index,
                                            const ModelOptions& options = {});

  int64_t index() const { return index_; }
  const std::string& prefix() const { return prefix_; }  // "model.layers.<index>"

  // hidden [batch, seq, hidden_size] -> same shape, causal attention over `seq`.
  at::Tensor forward(const at::Tensor& hidden, const RopeTables& rope) const;

  // q, k, v, o, gate, up, down, in that order.
  std::vector<Linear*> linears();
  // The Linear with HF module name `name` (e.g. "model.layers.3.mlp.down_proj"), or nullptr.
  Linear* find_linear(const std::string& name);
  // Every tensor of the block (Linear weights and biases, norm weights), e.g. to set
  // requires_grad for a gradient computation.
  std::vector<at::Tensor> parameters() const;

 private:
  DecoderBlock(const ModelConfig& config, int64_t index, int64_t attention_chunk);
  at::Tensor attention(const at::Tensor& x, const RopeTables& rope) const;

  ModelConfig config_;
  int64_t index_;
  int64_t attention_chunk_;
  std::string prefix_;
  at::Tensor input_norm_;
  at::Tensor post_attention_norm_;
  at::Tensor q_norm_;  // Qwen3 only
  at::Tensor k_norm_;
  Linear q_proj_, k_proj_, v_proj_, o_proj_;
  Linear gate_proj_, up_proj_, down_proj_;
};

// Names of the seven Linears of block `index`, in DecoderBlock::linears() order.
std::vector<std::string> block_linear_names(int64_t index);

}  // namespace srs
