#pragma once
// MX floating point quantize-dequantize (OCP Microscaling with auto-round's "floor" shared
// exponent), matching auto-round's data_type/mxfp.py quant_mx / quant_element op for op.
// Per group: e = clamp(floor(log2(amax * init * alpha)) - emax, -127, 127) (E8M0), elements are
// rounded on the FP4 / FP6 / FP8 grid of x / 2^e + V, half to even.
#include "quant/qdq_types.h"

namespace srs {

struct MxFormat {
  int ebits;        // exponent bits of an element
  int mbits;        // mantissa bits including sign and implicit bit (auto-round's convention)
  int emax;         // largest element exponent
  double max_norm;  // largest element magnitude
};

// bits 4 -> E2M1, 6 -> E2M3, 8 -> E4M3 (auto-round's mx_fp4 / mx_fp6 / mx_fp8).
const MxFormat& mx_format(int bits);

// Rounds already scaled values to the element grid (quant_element, mantissa rounding "even").
at::Tensor mx_quant_element(const at::Tensor& x, const MxFormat& f);

// `xg`: float32 group rows [R, 32]; may require grad (activations). Tunables: V and alpha
// (max_scale), with an optional init_scale; min_scale is unused by MX.
// `scale` in the result is the shared exponent e (the block scale is 2^e).
GroupedQdq qdq_mx(const at::Tensor& xg, int bits, const Tunables& t);

}  // namespace srs
