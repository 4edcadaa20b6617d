#pragma once
// Element types of stored tensors and their conversion to float32.
#include <cstddef>
#include <cstdint>
#include <string>

namespace srs {

enum class DType { F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I16, I8, U8, BOOL };

// Safetensors spelling ("F32", "BF16", ...).
const char* dtype_name(DType t);
// Parses a safetensors dtype name; returns false for anything else.
bool parse_dtype(const std::string& name, DType* out);
size_t dtype_size(DType t);

float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);  // round to nearest even, as IEEE and torch do
float bf16_to_f32(uint16_t b);
float f8_e4m3_to_f32(uint8_t v);

// Converts n little-endian elements of type t to float32.
void convert_to_f32(DType t, const uint8_t* src, size_t n, float* out);

}  // namespace srs
