#pragma once
// Bridge from a format-neutral WeightSource to LibTorch tensors.
#include <ATen/ATen.h>

#include <string>

#include "io/weight_source.h"

namespace srs {

// Decodes `name` from `source` and returns it as a tensor of `dtype` (float32 or bfloat16)
// in HF shape order. Throws srs::Error naming the file and tensor when it is missing.
at::Tensor load_tensor(const WeightSource& source, const std::string& name, at::ScalarType dtype = at::kFloat);

}  // namespace srs
