#pragma once
// Storage cost of a layer under a scheme, by auto-round's rule (auto_scheme/utils.py,
// compute_layer_bits): total = bits * N + groups * (scale_bits + zp_bits), scale_bits = 8 for
// mx_fp / nv_fp, else 16; zp_bits = bits for asym or any "int" data type (so symmetric int pays
// them too), else 0. The NVFP4 per-tensor global scale is not counted. This is the cost the
// mixed-precision allocator budgets with, so it must stay identical to the reference.
#include <cstdint>
#include <vector>

#include "quant/scheme.h"

namespace srs {

struct LayerBits {
  int64_t params = 0;
  int64_t total_bits = 0;
  double avg_bits = 0.0;  // total_bits / params (min(16, bits) for unquantized layers, as the reference)
};

// `in_features` / `out_features` as auto-round's get_layer_features gives them: for a Linear the
// weight is [out, in] and groups run along in. ignore_scale_zp_bits gives just bits * N.
LayerBits layer_bits(const Scheme& s, int64_t out_features, int64_t in_features, bool ignore_scale_zp_bits = false);

// Sum of bits over sum of parameters (compute_avg_bits_for_scheme). Throws srs::Error when the
// set holds no parameters.
double average_bits(const std::vector<LayerBits>& layers);

}  // namespace srs
