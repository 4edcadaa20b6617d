#include "io/gguf_weights.h"

#include <utility>

#include "util/error.h"

namespace srs {

namespace {

// Per-block GGUF suffixes and their HF counterparts (llama.cpp's tensor_mapping.py, reversed).
struct BlockName {
  const char* gguf;
  const char* hf;
};
const BlockName kBlockNames[] = {
    {"attn_norm", "input_layernorm"},
    {"attn_q", "self_attn.q_proj"},
    {"attn_k", "self_attn.k_proj"},
    {"attn_v", "self_attn.v_proj"},
    {"attn_output", "self_attn.o_proj"},
    {"attn_q_norm", "self_attn.q_norm"},
    {"attn_k_norm", "self_attn.k_norm"},
    {"ffn_norm", "post_attention_layernorm"},
    {"ffn_gate", "mlp.gate_proj"},
    {"ffn_up", "mlp.up_proj"},
    {"ffn_down", "mlp.down_proj"},
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string gguf_to_hf_name(const std::string& gguf_name) {
  std::string kind;  // ".weight" or ".bias"
  if (ends_with(gguf_name, ".weight")) {
    kind = ".weight";
  } else if (ends_with(gguf_name, ".bias")) {
    kind = ".bias";
  } else {
    return "";
  }
  const std::string base = gguf_name.substr(0, gguf_name.size() - kind.size());
  if (base == "token_embd") return "model.embed_tokens" + kind;
  if (base == "output_norm") return "model.norm" + kind;
  if (base == "output") return "lm_head" + kind;
  const std::string blk = "blk.";
  if (base.compare(0, blk.size(), blk) != 0) return "";
  const size_t dot = base.find('.', blk.size());
  if (dot == std::string::npos || dot == blk.size()) return "";
  const std::string index = base.substr(blk.size(), dot - blk.size());
  if (index.size() > 9 || index.find_first_not_of("0123456789") != std::string::npos) return "";
  if (index.size() > 1 && index[0] == '0') return "";  // "blk.03" is no llama.cpp name
  const std::string rest = base.substr(dot + 1);
  for (const BlockName& n : kBlockNames) {
    if (rest == n.gguf) return "model.layers." + index + "." + n.hf + kind;
  }
  return "";
}

std::vector<int64_t> unpermute_rows(int64_t rows, int64_t n_head) {
  const int64_t hd = rows / n_head;
  const int64_t half = hd / 2;
  std::vector<int64_t> src(static_cast<size_t>(rows));
  for (int64_t h = 0; h < n_head; ++h) {
    for (int64_t s = 0; s < 2; ++s) {
      for (int64_t j = 0; j < half; ++j) src[static_cast<size_t>(h * hd + s * half + j)] = h * hd + 2 * j + s;
    }
  }
  return src;
}

GgufWeightSource::GgufWeightSource(std::shared_ptr<const GgufFile> file, const std::string& arch, int64_t n_head,
                                   int64_t n_head_kv)
    : file_(std::move(file)) {
  const bool permute = arch == "llama";
  for (const GgufTensorInfo& t : file_->tensors()) {
    if (t.name == "rope_freqs.weight") {
      throw Error(file_->path() + ": tensor 'rope_freqs.weight' (Llama 3.1-style RoPE frequency factors) is not "
                  "supported yet. Load the model from its Hugging Face folder instead.");
    }
    const std::string hf = gguf_to_hf_name(t.name);
    if (hf.empty()) {
      throw Error(file_->path() + ": tensor '" + t.name + "' is not part of the " + arch +
                  " layout this reader knows. The file may hold another architecture than it declares.");
    }
    Entry e{&t, 0};
    if (permute && (ends_with(hf, "q_proj.weight") || ends_with(hf, "q_proj.bias"))) e.permute_heads = n_head;
    if (permute && (ends_with(hf, "k_proj.weight") || ends_with(hf, "k_proj.bias"))) e.permute_heads = n_head_kv;
    if (e.permute_heads != 0) {
      const int64_t rows = t.ne.size() >= 2 ? t.ne[1] : (t.ne.empty() ? 1 : t.ne[0]);
      if (t.ne.size() > 2 || e.permute_heads <= 0 || rows % (2 * e.permute_heads) != 0) {
        throw Error(file_->path() + ": tensor '" + t.name + "' has " + std::to_string(rows) +
                    " rows, which do not split into " + std::to_string(e.permute_heads) +
                    " heads of an even size; the head counts in the metadata do not match the weights.");
      }
    }
    entries_.emplace(hf, e);
  }
}

std::vector<std::string> GgufWeightSource::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& kv : entries_) out.push_back(kv.first);
  return out;
}

const GgufWeightSource::Entry& GgufWeightSource::entry(const std::string& name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) throw Error(file_->path() + ": no tensor '" + name + "' in this GGUF model.");
  return it->second;
}

const GgufTensorInfo& GgufWeightSource::gguf_tensor(const std::string& name) const { return *entry(name).tensor; }

std::vector<int64_t> GgufWeightSource::shape(const std::string& name) const {
  const GgufTensorInfo& t = *entry(name).tensor;
  return std::vector<int64_t>(t.ne.rbegin(), t.ne.rend());
}

std::string GgufWeightSource::stored_type(const std::string& name) const {
  return ggml_type_name(entry(name).tensor->type);
}

void GgufWeightSource::read_f32(const std::string& name, float* out) const {
  const Entry& e = entry(name);
  const GgufTensorInfo& t = *e.tensor;
  if (e.permute_heads == 0) {
    file_->read_f32(t, out);
    return;
  }
  if (t.ne.size() == 2) {
    // A weight: decode each stored row straight into its HF position.
    const int64_t cols = t.ne[0];
    const std::vector<int64_t> src = unpermute_rows(t.ne[1], e.permute_heads);
    for (size_t r = 0; r < src.size(); ++r) file_->read_rows_f32(t, src[r], 1, out + static_cast<int64_t>(r) * cols);
    return;
  }
  // A bias: one ggml row holding all the HF rows.
  std::vector<float> stored(static_cast<size_t>(t.numel));
  file_->read_f32(t, stored.data());
  const std::vector<int64_t> src = unpermute_rows(t.numel, e.permute_heads);
  for (size_t r = 0; r < src.size(); ++r) out[r] = stored[static_cast<size_t>(src[r])];
}

}  // namespace srs
