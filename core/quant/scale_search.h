#pragma once
// SignRoundV2 pre-tuning scale search (docs/algorithm.md section 2.3), matching auto-round's
// search_optimized_init_scale at HEAD: per group, pick the scale that minimises the
// importance-weighted squared error sum_j qw_j (qdq(W)_j - W_j)^2, qw_j = imatrix of the input channel.
// - int sym: s = -gmax / (2^(b-1) - step * i); 2 bit: i in [-90, 90], step 0.01;
//   otherwise step = 0.75 * 2^(b-1) / 100 over 201 candidates (levels 0.25..1.75 * 2^(b-1)).
// - mx_fp: multipliers {1, 0.5, 2} on the group amax (the exponent only moves at powers of two).
// - nv_fp: multipliers 0.50, 0.51, ..., 1.51 on the block amax.
// The result feeds Tunables::init_scale; tuning then multiplies it by alpha in [0, 2].
#include <ATen/ATen.h>

#include <string>

#include "quant/scheme.h"

namespace srs {

// `weight` [out, in]; `imatrix` [in] (sum of x^2 per input channel) or undefined for uniform
// importance. Returns init_scale [R, 1] (int: the signed scale, |s| >= q_scale_thresh; mx / nv:
// the amax multiplier). Throws srs::Error naming `layer` for asymmetric or GPTQ int (no search
// exists there), NaN/Inf weights, or an imatrix of the wrong length.
at::Tensor search_init_scale(const at::Tensor& weight, const Scheme& scheme, const at::Tensor& imatrix,
                             const std::string& layer, double q_scale_thresh = 1e-5);

}  // namespace srs
