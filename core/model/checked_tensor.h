#pragma once
// Loading a tensor whose shape the config dictates, with an error that names both shapes.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "io/weight_source.h"

namespace srs {

// Loads `name` from `source` into `options` (dtype, device). Throws srs::Error naming the
// file, the tensor and both shapes when the stored shape is not `expected`.
at::Tensor load_checked(const WeightSource& source, const std::string& name, const std::vector<int64_t>& expected,
                        const at::TensorOptions& options);

}  // namespace srs
