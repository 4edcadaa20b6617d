#include "model/decoder_model.h"

#include "model/checked_tensor.h"
#include "model/rms_norm.h"
#include "model/shape_text.h"
#include "util/error.h"

namespace srs {

at::Tensor OutputHead::forward(const at::Tensor& hidden) const {
  return lm_head_.forward(rms_norm(hidden, norm_, eps_));
}

DecoderModel::DecoderModel(ModelConfig config, std::shared_ptr<const WeightSource> weights, ModelOptions options)
    : config_(std::move(config)), weights_(std::move(weights)), options_(options) {
  if (!weights_) throw Error("DecoderModel: no weight source");
  inv_freq_ = rope_inv_freq(config_);
  blocks_.resize(static_cast<size_t>(config_.num_hidden_layers));
}

at::Tensor DecoderModel::load(const std::string& name, const std::vector<int64_t>& shape) const {
  return load_checked(*weights_, name, shape, options_.tensor_options());
}

at::Tensor DecoderModel::embedding_table() {
  if (embedding_.defined()) return embedding_;
  at::Tensor table = load("model.embed_tokens.weight", {config_.vocab_size, config_.hidden_size});
  if (!options_.low_memory) embedding_ = table;
  return table;
}

at::Tensor DecoderModel::embed(const at::Tensor& token_ids) {
  if (token_ids.dim() != 2) throw Error("token ids must be [batch, seq], got " + shape_text(token_ids.sizes()));
  const at::Tensor ids = token_ids.to(options_.device, at::kLong);
  if (ids.numel() > 0) {
    const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocab_size)
      throw Error("token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary [0, " +
                  std::to_string(config_.vocab_size) + "); the tokenizer does not match the model");
  }
  return at::embedding(embedding_table(), ids);
}

RopeTables DecoderModel::rope(int64_t seq_len) {
  if (!rope_cache_.cos.defined() || rope_cache_.seq_len() != seq_len)
    rope_cache_ = rope_tables(inv_freq_, at::arange(seq_len, at::kLong), options_.tensor_options());
  return rope_cache_;
}

std::shared_ptr<DecoderBlock> DecoderModel::block(int64_t i) {
  if (i < 0 || i >= num_blocks())
    throw Error("block " + std::to_string(i) + " does not exist; the model has " + std::to_string(num_blocks()));
  if (blocks_[i]) return blocks_[i];
  std::shared_ptr<DecoderBlock> b = DecoderBlock::load(config_, *weights_, i, options_);
  for (Linear* l : b->linears()) apply_patches(*l);
  if (!options_.low_memory) blocks_[i] = b;
  return b;
}

std::shared_ptr<OutputHead> DecoderModel::head() {
  if (head_) return head_;
  at::Tensor norm = load("model.norm.weight", {config_.hidden_size});
  // Tied models share the embedding table; some tied checkpoints also omit lm_head.weight.
  const bool tied = config_.tie_word_embeddings || !weights_->contains("lm_head.weight");
  at::Tensor w = tied ? embedding_table() : load("lm_head.weight", {config_.vocab_size, config_.hidden_size});
  auto h = std::make_shared<OutputHead>(norm, Linear("lm_head", w), config_.rms_norm_eps);
  apply_patches(h->lm_head());
  if (!options_.low_memory) head_ = h;
  return h;
}

at::Tensor DecoderModel::forward(const at::Tensor& token_ids) {
  at::Tensor hidden = embed(token_ids);
  const RopeTables r = rope(hidden.size(1));
  for (int64_t i = 0; i < num_blocks(); ++i) hidden = block(i)->forward(hidden, r);
  return head()->forward(hidden);
}

std::vector<std::string> DecoderModel::linear_names() const {
  std::vector<std::string> names;
  for (int64_t i = 0; i < num_blocks(); ++i)
    for (std::string& n : block_linear_names(i)) names.push_back(std::move(n));
  names.push_back("lm_head");
  return names;
}

std::vector<int64_t> DecoderModel::linear_shape(const std::string& name) const {
  const ModelConfig& c = config_;
  std::vector<int64_t> shape = linear_weight_shape(c, name);
  if (!shape.empty()) return shape;
  throw Error("'" + name + "' is not a Linear of this model; names look like model.layers.0.self_attn.q_proj, " +
              "model.layers." + std::to_string(c.num_hidden_layers - 1) + ".mlp.down_proj or lm_head");
}

void DecoderModel::apply_patches(Linear& linear) const {
  auto it = patches_.find(linear.name());
  if (it == patches_.end()) return;
  if (it->second.weight.defined()) linear.set_weight(it->second.weight);
  linear.set_transform(it->second.transform);
  linear.set_input_transform(it->second.input_transform);
}

Linear* DecoderModel::resident_linear(const std::string& name) {
  if (name == "lm_head") return head_ ? &head_->lm_head() : nullptr;
  for (const std::shared_ptr<DecoderBlock>& b : blocks_)
    if (b)
      if (Linear* l = b->find_linear(name)) return l;
  return nullptr;
}

at::Tensor DecoderModel::linear_weight(const std::string& name) {
  const std::vector<int64_t> shape = linear_shape(name);
  auto it = patches_.find(name);
  if (it != patches_.end() && it->second.weight.defined()) return it->second.weight;
  if (Linear* l = resident_linear(name)) return l->weight();
  if (name == "lm_head") return head()->lm_head().weight();
  return load(name + ".weight", shape);
}

void DecoderModel::set_linear_weight(const std::string& name, const at::Tensor& weight) {
  const std::vector<int64_t> shape = linear_shape(name);
  if (weight.sizes() != at::IntArrayRef(shape))
    throw Error("layer '" + name + "': new weight has shape " + shape_text(weight.sizes()) + " but the layer has " +
                shape_text(shape));
  patches_[name].weight = weight.to(options_.device, options_.dtype);
  if (Linear* l = resident_linear(name)) l->set_weight(patches_[name].weight);
}

void DecoderModel::set_linear_transform(const std::string& name, WeightTransform transform) {
  linear_shape(name);  // validates the name
  patches_[name].transform = transform;
  if (Linear* l = resident_linear(name)) l->set_transform(std::move(transform));
}

void DecoderModel::set_linear_input_transform(const std::string& name, InputTransform transform) {
  linear_shape(name);  // validates the name
  patches_[name].input_transform = transform;
  if (Linear* l = resident_linear(name)) l->set_input_transform(std::move(transform));
}

void DecoderModel::clear_linear_patches() {
  patches_.clear();
  for (auto& b : blocks_) b.reset();
  head_.reset();
}

}  // namespace srs
