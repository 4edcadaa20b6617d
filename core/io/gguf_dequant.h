#pragma once
// Decoding of ggml tensor bytes to float32, bit-for-bit equal to gguf-py's `dequantize`
// (the same float32 operations in the same order, never fused into FMAs).
#include <cstdint>
#include <string>

#include "io/gguf_types.h"

namespace srs {

// True for F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K.
bool can_dequantize(GgmlType type);
// "F32, F16, ..." for error messages.
std::string dequantizable_type_names();

// Decodes `n` elements (a multiple of the type's block size) from `src` into `dst`.
// `src` needs no alignment. Throws srs::Error for a type can_dequantize refuses.
void dequantize(GgmlType type, const uint8_t* src, int64_t n, float* dst);

// IEEE half to float, exact (subnormals, infinities and NaN payloads preserved).
float fp16_to_f32(uint16_t h);

}  // namespace srs
