#pragma once
// RMSNorm as transformers computes it: in fp32 (or wider), cast back, then scaled by the
// weight in the activation dtype.
#include <ATen/ATen.h>

namespace srs {

// x [..., d], weight [d]
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

}  // namespace srs
