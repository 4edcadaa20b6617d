#pragma once
// A whole decoder: embedding, blocks, final norm and lm_head, over a WeightSource that
// decodes tensors on demand. Blocks are resident, or (ModelOptions::low_memory) loaded
// when they run and freed after, so the working set is one block plus activations.
#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/model_config.h"
#include "io/weight_source.h"
#include "model/decoder_block.h"
#include "model/linear.h"
#include "model/model_options.h"
#include "model/rotary.h"

namespace srs {

// Final RMSNorm and lm_head ("lm_head", or the embedding table when tied).
class OutputHead {
 public:
  OutputHead(at::Tensor norm, Linear lm_head, double eps)
      : norm_(std::move(norm)), lm_head_(std::move(lm_head)), eps_(eps) {}
  // hidden [batch, seq, hidden] -> logits [batch, seq, vocab] in the activation dtype.
  at::Tensor forward(const at::Tensor& hidden) const;
  Linear& lm_head() { return lm_head_; }

 private:
  at::Tensor norm_;
  Linear lm_head_;
  double eps_;
};

class DecoderModel {
 public:
  DecoderModel(ModelConfig config, std::shared_ptr<const WeightSource> weights, ModelOptions options = {});

  const ModelConfig& config() const { return config_; }
  const ModelOptions& options() const { return options_; }
  const WeightSource& weights() const { return *weights_; }
  int64_t num_blocks() const { return config_.num_hidden_layers; }

  // token ids [batch, seq] (any integer type, any device) -> hidden [batch, seq, hidden].
  // Throws srs::Error for an id outside the vocabulary.
  at::Tensor embed(const at::Tensor& token_ids);
  // Rotary tables for positions 0 .. seq_len-1, shared by every block.
  RopeTables rope(int64_t seq_len);
  // Block i with the model's weight patches applied: the resident one, or with low_memory a
  // freshly loaded one that is freed when the caller drops it.
  std::shared_ptr<DecoderBlock> block(int64_t i);
  // Final norm and lm_head: resident, or with low_memory loaded for as long as it is held.
  std::shared_ptr<OutputHead> head();
  // logits [batch, seq, vocab] in the activation dtype. With low_memory each block is loaded,
  // run over the whole batch and freed.
  at::Tensor forward(const at::Tensor& token_ids);

  // Every Linear by HF module name: the blocks' seven, then "lm_head".
  std::vector<std::string> linear_names() const;
  // A Linear's weight shape [out, in], from the config alone (nothing is loaded).
  // Throws srs::Error for an unknown name.
  std::vector<int64_t> linear_shape(const std::string& name) const;
  // The weight [out, in] a Linear multiplies by now (patched, or as stored), without transform.
  at::Tensor linear_weight(const std::string& name);
  // Replaces a Linear's weight (e.g. by its dequantized version). Kept across reloads.
  // Throws srs::Error for an unknown name or a wrong shape.
  void set_linear_weight(const std::string& name, const at::Tensor& weight);
  // Installs a transform applied to the Linear's weight on every forward (empty: remove).
  void set_linear_transform(const std::string& name, WeightTransform transform);
  // Installs a transform applied to the Linear's input on every forward (empty: remove),
  // e.g. activation fake quantization.
  void set_linear_input_transform(const std::string& name, InputTransform transform);
  // Drops every weight patch and transform; resident blocks are reloaded on next use.
  void clear_linear_patches();

 private:
  struct Patch {
    at::Tensor weight;  // undefined: the stored weight
    WeightTransform transform;
    InputTransform input_transform;
  };
  void apply_patches(Linear& linear) const;
  at::Tensor load(const std::string& name, const std::vector<int64_t>& shape) const;
  at::Tensor embedding_table();
  // The live Linear for `name` when it is resident, else nullptr.
  Linear* resident_linear(const std::string& name);

  ModelConfig config_;
  std::shared_ptr<const WeightSource> weights_;
  ModelOptions options_;
  at::Tensor inv_freq_;
  RopeTables rope_cache_;
  at::Tensor embedding_;                               // resident mode only
  std::vector<std::shared_ptr<DecoderBlock>> blocks_;  // resident mode only; null until first use
  std::shared_ptr<OutputHead> head_;                   // resident mode only
  std::map<std::string, Patch> patches_;
};

}  // namespace srs
