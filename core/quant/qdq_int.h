#pragma once
// Integer quantize-dequantize with tunables, matching auto-round's data_type/int.py
// (quant_tensor_sym, quant_tensor_asym, quant_tensor_sym_gptq) op for op, so values and
// gradients agree with the reference. Scales are rounded to fp16 before use, as the reference's
// default scale_dtype does; rounding is half to even (at::round).
#include "quant/qdq_types.h"

namespace srs {

enum class IntKind {
  FullRangeSym,  // auto-round's default "int" sym: signed scale, levels [-2^(b-1), 2^(b-1)-1]
  Asym,          // min/max with an integer zero point, levels [0, 2^b-1]
  GptqSym,       // legacy GPTQ sym: scale 2*max(|min|,max)/(2^b-1), zero point 2^(b-1)
};

// `wg`: float32 group rows [R, G] (see grouping.h), not requiring grad. init_scale (SignRoundV2)
// is only defined for FullRangeSym; other kinds throw. `scale` comes back as fp16 values.
GroupedQdq qdq_int(const at::Tensor& wg, IntKind kind, int bits, const Tunables& t, double q_scale_thresh = 1e-5);

}  // namespace srs
