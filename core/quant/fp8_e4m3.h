#pragma once
// Rounding to FP8 E4M3 ("e4m3fn": bias 7, max 448, subnormal step 2^-9, no infinities), the
// block-scale format of NVFP4. This LibTorch (1.13) has no float8 dtype, so the rounding is done
// here; it matches torch's float -> float8_e4m3fn -> float conversion (round half to even,
// values that round above 448 become NaN as torch's encoding saturates to its NaN code).
#include <ATen/ATen.h>

namespace srs {

float round_fp8_e4m3(float x);

// Element-wise round_fp8_e4m3 of a float32 tensor on any device (no autograd).
at::Tensor round_fp8_e4m3(const at::Tensor& x);

}  // namespace srs
