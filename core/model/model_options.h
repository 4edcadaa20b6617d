#pragma once
// How a decoder runs: compute dtype, device, and whether blocks stay resident.
#include <ATen/ATen.h>

#include <string>

namespace srs {

struct ModelOptions {
  // Weights and activations: kFloat or kBFloat16 (kDouble works too, for gradient checks).
  // Norms and softmax are computed in at least fp32, as transformers does.
  at::ScalarType dtype = at::kFloat;
  at::Device device = at::kCPU;
  // false: every block is loaded once and kept (fast for small models).
  // true: a block's weights are loaded when it runs and freed after, so the working set is
  // one block plus the activations; the embedding and lm_head are loaded only while needed.
  bool low_memory = false;
  // Attention runs over this many query positions at a time, each against the keys up to its
  // last position: the scores tensor stays [heads, chunk, <= seq] (cache-sized, and the
  // future half of the causal square is never computed).
  int64_t attention_chunk = 256;

  at::TensorOptions tensor_options() const { return at::TensorOptions().dtype(dtype).device(device); }
};

// "cpu", "cuda" or "cuda:N". Throws srs::Error when this LibTorch build has no CUDA.
at::Device parse_device(const std::string& text);
// "fp32"/"float32" or "bf16"/"bfloat16".
at::ScalarType parse_dtype(const std::string& text);

}  // namespace srs
