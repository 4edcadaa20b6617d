#pragma once
// The tiny transformers models of tests/golden/model (scripts/gen_tiny_models.py) and
// their reference outputs, for the model and perplexity tests.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "io/hf_config.h"
#include "io/safetensors.h"
#include "model/decoder_model.h"
#include "model/load_tensor.h"
#include "test_paths.h"

namespace srs::test {

struct TinyModel {
  std::string folder;
  ModelConfig config;
  std::shared_ptr<const WeightSource> weights;
  std::shared_ptr<const WeightSource> reference;  // reference.safetensors

  at::Tensor ref(const std::string& name) const { return load_tensor(*reference, name); }
  at::Tensor input_ids() const { return ref("input_ids").to(at::kLong); }
  DecoderModel model(ModelOptions options = {}) const { return DecoderModel(config, weights, options); }
};

inline TinyModel tiny_model(const std::string& name) {
  TinyModel t;
  t.folder = golden("model/" + name);
  t.config = read_hf_config(t.folder);
  t.weights = open_safetensors(t.folder);
  t.reference = open_safetensors(t.folder + "/reference.safetensors");
  return t;
}

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

}  // namespace srs::test
