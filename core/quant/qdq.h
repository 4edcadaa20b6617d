#pragma once
// Quantize-dequantize of one layer's weight (and of activations for MX / NV schemes), dispatched
// on the Scheme as auto-round's WrapperLinear._qdq_weight / _qdq_act do. Values and gradients
// match auto-round (checked against golden vectors in tests/golden/quant).
#include <ATen/ATen.h>

#include <string>

#include "quant/grouping.h"
#include "quant/qdq_types.h"
#include "quant/scheme.h"

namespace srs {

struct WeightQdq {
  at::Tensor weight;        // dequantized, the input's shape and dtype; differentiable in the tunables
  GroupLayout layout;       // how rows/columns map to the group rows below
  at::Tensor codes;         // [out, in]: int32 levels (int types: [-2^(b-1), 2^(b-1)-1] for "int" sym,
                            // [0, 2^b-1] otherwise) or float32 element values (mx, nv)
  at::Tensor scale;         // [R]: fp16 scale (int), shared exponent e (mx), FP8 block scale as fp32 (nv)
  at::Tensor zero_point;    // [R] float32 (int asym, int_sym_gptq); undefined for "int" sym, mx, nv
  int zero_point_offset = 0;  // "int" sym: 2^(b-1), the offset exporters add to the signed levels
  at::Tensor global_scale;  // nv: 0-d fp32
};

struct QdqOptions {
  double q_scale_thresh = 1e-5;  // smallest |scale| for int types (auto-round's fp16 default)
  at::Tensor global_scale;       // nv: a shared global scale (fused q/k/v, gate/up); else from the weight
};

// Quantize-dequantize `weight` ([out, in], any float dtype) under `scheme` with tunables `t`
// (undefined members = RTN). Throws srs::Error naming `layer` for NaN/Inf weights, tunables of
// the wrong shape, or a scheme this build cannot quantize. bits >= 16 returns the weight as is.
WeightQdq qdq_weight(const at::Tensor& weight, const Scheme& scheme, const Tunables& t, const std::string& layer,
                     const QdqOptions& opt = {});

// Fresh tunables for `weight` under `scheme`, as WrapperLinear initialises them: V = 0 [R, G],
// alpha = beta = 1 [R], float32, requiring grad. MX / NV schemes get no beta (it is unused).
// Throws srs::Error naming `layer` for an invalid scheme or a weight that is not 2-D.
Tunables make_tunables(const at::Tensor& weight, const Scheme& scheme, const std::string& layer = "weight");

// Clamps alpha and beta in place to [lo, hi] outside autograd, as _qdq_weight does before every
// forward pass (SignRound v1: [0, 1]; SignRoundV2 with an initial scale: [0, 2]).
void clamp_tunables_(Tunables& t, double lo, double hi);

struct ActQdq {
  at::Tensor x;             // dequantized activations, the input's shape and dtype; differentiable in x
  at::Tensor scale;         // [R]: shared exponents (mx) or FP8 block scales (nv)
  at::Tensor global_scale;  // nv: 0-d fp32
};

// Dynamic per-group activation qdq along the last dim for schemes with act_bits <= 8 (MXFP4/6/8,
// NVFP4). For NVFP4 `act_max` (0-d, from calibration) fixes the global scale; undefined = the
// tensor's own amax. Throws srs::Error naming `layer` for a scheme without activation
// quantization. Activations are not scanned for NaN (this runs in the tuning loop).
ActQdq qdq_activation(const at::Tensor& x, const Scheme& scheme, const std::string& layer,
                      const at::Tensor& act_max = {});

}  // namespace srs
