#pragma once
// NVFP4 quantize-dequantize, matching auto-round's data_type/nvfp.py (nv_fp4 / ref_nvfp4_quant /
// cast_to_fp4) op for op: a per-tensor fp32 global scale gs = 448 * 6 / amax, an FP8-E4M3 block
// scale per 16 values s = fp8(gs * amax_block * init * alpha / 6), FP4 (E2M1) elements.
#include "quant/qdq_types.h"

namespace srs {

// gs = 448 * 6 * (1 / amax), 0 when amax is 0; `amax` is a 0-d float32 tensor.
at::Tensor nv_global_scale(const at::Tensor& amax);

// Rounds to the E2M1 grid {0, .5, 1, 1.5, 2, 3, 4, 6} half to even, straight-through gradient.
at::Tensor cast_to_fp4_ste(const at::Tensor& x);

// `xg`: float32 group rows [R, 16]; may require grad (activations). `global_scale`: 0-d fp32
// (e.g. shared by fused q/k/v), or undefined to take it from xg's own amax (kept in the graph,
// as the reference's dynamic activation path does). Tunables: V, alpha (max_scale), init_scale.
GroupedQdq qdq_nv(const at::Tensor& xg, const at::Tensor& global_scale, const Tunables& t);

}  // namespace srs
