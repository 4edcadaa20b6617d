#pragma once
// A GGUF file's tensors seen under their Hugging Face names and shapes, so the model code
// reads a GGUF the same way it reads a safetensors checkpoint.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/gguf_file.h"
#include "io/weight_source.h"

namespace srs {

class GgufWeightSource : public WeightSource {
 public:
  // `arch` is the GGUF architecture key ("llama", "qwen2", "qwen3"). For llama, q/k weights
  // and biases are un-permuted with n_head and n_head_kv heads (see unpermute_rows).
  // Throws srs::Error naming the file and tensor for a tensor this mapping does not know.
  GgufWeightSource(std::shared_ptr<const GgufFile> file, const std::string& arch, int64_t n_head,
                   int64_t n_head_kv);

  const std::string& path() const override { return file_->path(); }
  std::vector<std::string> names() const override;
  bool contains(const std::string& name) const override { return entries_.count(name) != 0; }
  std::vector<int64_t> shape(const std::string& name) const override;
  std::string stored_type(const std::string& name) const override;
  void read_f32(const std::string& name, float* out) const override;

  const GgufFile& file() const { return *file_; }
  // The GGUF tensor behind an HF name (throws when absent).
  const GgufTensorInfo& gguf_tensor(const std::string& name) const;

 private:
  struct Entry {
    const GgufTensorInfo* tensor;
    int64_t permute_heads;  // 0: stored in HF row order
  };
  const Entry& entry(const std::string& name) const;

  std::shared_ptr<const GgufFile> file_;
  std::map<std::string, Entry> entries_;  // sorted, so names() comes out sorted
};

// The HF name of a GGUF tensor name ("blk.3.attn_q.weight" -> "model.layers.3.self_attn.q_proj.weight"),
// or "" when the name is not part of the llama / qwen2 / qwen3 layout.
std::string gguf_to_hf_name(const std::string& gguf_name);

// Undoes convert_hf_to_gguf's llama q/k permutation, which stores the rows of each head
// interleaved ((n_head, 2, half, cols) -> (n_head, half, 2, cols)): HF row h*hd + s*half + j
// comes from stored row h*hd + 2*j + s, where hd = rows / n_head and half = hd / 2.
// Returns the stored row index for each HF row.
std::vector<int64_t> unpermute_rows(int64_t rows, int64_t n_head);

}  // namespace srs
