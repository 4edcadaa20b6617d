#include "io/dtype.h"

#include <cmath>
#include <cstring>

namespace srs {

namespace {
struct DTypeInfo {
  DType type;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},         {DType::F32, "F32", 4},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::I64, "I64", 8},         {DType::I32, "I32", 4},         {DType::I16, "I16", 2},
    {DType::I8, "I8", 1},           {DType::U8, "U8", 1},           {DType::BOOL, "BOOL", 1},
};

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
}  // namespace

const char* dtype_name(DType t) {
  for (const auto& d : kDTypes)
    if (d.type == t) return d.name;
  return "?";
}

bool parse_dtype(const std::string& name, DType* out) {
  for (const auto& d : kDTypes) {
    if (name == d.name) {
      *out = d.type;
      return true;
    }
  }
  return false;
}

size_t dtype_size(DType t) {
  for (const auto& d : kDTypes)
    if (d.type == t) return d.size;
  return 0;
}

float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t man = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal: value = man * 2^-24, exact in float
      const float f = std::ldexp(static_cast<float>(man), -24);
      std::memcpy(&bits, &f, 4);
      bits |= sign;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (man << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return sign | (abs > 0x7f800000u ? 0x7e00 : 0x7c00);  // NaN / Inf
  if (abs >= 0x477ff000u) return sign | 0x7c00;                                // rounds past 65504
  if (abs < 0x38800000u) {                                                     // result is subnormal or zero
    // value / 2^-24, rounded half to even, is the subnormal mantissa.
    float a;
    std::memcpy(&a, &abs, 4);
    const float m = std::nearbyint(std::ldexp(a, 24));
    return sign | static_cast<uint16_t>(m);
  }
  // Normal: drop 13 mantissa bits with round-half-to-even; a carry into the exponent is correct.
  const uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);
  return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

float bf16_to_f32(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float f8_e4m3_to_f32(uint8_t v) {
  const float sign = (v & 0x80) ? -1.0f : 1.0f;
  const int exp = (v >> 3) & 0xf;
  const int man = v & 0x7;
  if (exp == 0xf && man == 0x7) return std::nanf("");  // E4M3FN has no infinities
  if (exp == 0) return sign * std::ldexp(static_cast<float>(man), -9);
  return sign * std::ldexp(1.0f + static_cast<float>(man) / 8.0f, exp - 7);
}

void convert_to_f32(DType t, const uint8_t* src, size_t n, float* out) {
  if (n == 0) return;  // an empty tensor may come with null buffers (found by fuzz_safetensors)
  switch (t) {
    case DType::F32: std::memcpy(out, src, n * 4); return;
    case DType::F64: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(load<double>(src + 8 * i)); return;
    case DType::F16: for (size_t i = 0; i < n; ++i) out[i] = f16_to_f32(load<uint16_t>(src + 2 * i)); return;
    case DType::BF16: for (size_t i = 0; i < n; ++i) out[i] = bf16_to_f32(load<uint16_t>(src + 2 * i)); return;
    case DType::F8_E4M3: for (size_t i = 0; i < n; ++i) out[i] = f8_e4m3_to_f32(src[i]); return;
    case DType::F8_E5M2:  // E5M2 is the top byte of an fp16
      for (size_t i = 0; i < n; ++i) out[i] = f16_to_f32(static_cast<uint16_t>(src[i] << 8));
      return;
    case DType::I64: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(load<int64_t>(src + 8 * i)); return;
    case DType::I32: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(load<int32_t>(src + 4 * i)); return;
    case DType::I16: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(load<int16_t>(src + 2 * i)); return;
    case DType::I8: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(static_cast<int8_t>(src[i])); return;
    case DType::U8:
    case DType::BOOL: for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(src[i]); return;
  }
}

}  // namespace srs
