#include "io/gguf_dequant.h"

#include <cstring>

#include "util/error.h"

// The reference computes every product and sum as its own float32 operation; a fused
// multiply-add would round once instead of twice and break bit equality on FMA hardware.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace srs {

namespace {

constexpr int kQK = 256;  // k-quant super-block size (QK_K)

inline uint16_t load_u16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

inline float load_half(const uint8_t* p) { return fp16_to_f32(load_u16(p)); }

inline float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void decode_f16(const uint8_t* src, int64_t n, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = load_half(src + 2 * i);
}

void decode_bf16(const uint8_t* src, int64_t n, float* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = bits_to_float(static_cast<uint32_t>(load_u16(src + 2 * i)) << 16);
}

// Q4_0: d, then 16 bytes; byte j holds element j (low nibble) and j + 16 (high nibble). x = d * (q - 8).
void decode_q4_0(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 18, dst += 32) {
    const float d = load_half(src);
    const uint8_t* qs = src + 2;
    for (int j = 0; j < 16; ++j) {
      dst[j] = d * static_cast<float>((qs[j] & 0x0F) - 8);
      dst[j + 16] = d * static_cast<float>((qs[j] >> 4) - 8);
    }
  }
}

// Q4_1: d, m, then nibbles as Q4_0. x = d * q + m.
void decode_q4_1(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 20, dst += 32) {
    const float d = load_half(src);
    const float m = load_half(src + 2);
    const uint8_t* qs = src + 4;
    for (int j = 0; j < 16; ++j) {
      const float lo = d * static_cast<float>(qs[j] & 0x0F);
      const float hi = d * static_cast<float>(qs[j] >> 4);
      dst[j] = lo + m;
      dst[j + 16] = hi + m;
    }
  }
}

// Q5_0: d, a 32-bit mask of fifth bits (bit i for element i), nibbles as Q4_0. x = d * (q - 16).
void decode_q5_0(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 22, dst += 32) {
    const float d = load_half(src);
    uint32_t qh;
    std::memcpy(&qh, src + 2, 4);
    const uint8_t* qs = src + 6;
    for (int j = 0; j < 16; ++j) {
      const int lo = (qs[j] & 0x0F) | (((qh >> j) & 1) << 4);
      const int hi = (qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
      dst[j] = d * static_cast<float>(lo - 16);
      dst[j + 16] = d * static_cast<float>(hi - 16);
    }
  }
}

// Q5_1: d, m, the fifth-bit mask, nibbles. x = d * q + m.
void decode_q5_1(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 24, dst += 32) {
    const float d = load_half(src);
    const float m = load_half(src + 2);
    uint32_t qh;
    std::memcpy(&qh, src + 4, 4);
    const uint8_t* qs = src + 8;
    for (int j = 0; j < 16; ++j) {
      const int lo = (qs[j] & 0x0F) | (((qh >> j) & 1) << 4);
      const int hi = (qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
      const float plo = d * static_cast<float>(lo);
      const float phi = d * static_cast<float>(hi);
      dst[j] = plo + m;
      dst[j + 16] = phi + m;
    }
  }
}

// Q8_0: d, then 32 int8. x = d * q.
void decode_q8_0(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 34, dst += 32) {
    const float d = load_half(src);
    const int8_t* qs = reinterpret_cast<const int8_t*>(src + 2);
    for (int j = 0; j < 32; ++j) dst[j] = static_cast<float>(qs[j]) * d;
  }
}

// Q2_K: scales[16] (low nibble scale, high nibble min, per 16 elements), qs[64], d, dmin.
// Each 128-element half uses 32 bytes; byte l holds elements l, l+32, l+64, l+96 at shifts 0, 2, 4, 6.
// x = (d * sc) * q - (dmin * m).
void decode_q2_k(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 84, dst += kQK) {
    const uint8_t* scales = src;
    const uint8_t* qs = src + 16;
    const float d = load_half(src + 80);
    const float dmin = load_half(src + 82);
    for (int i = 0; i < kQK; ++i) {
      const int half = i / 128;
      const int shift = 2 * ((i % 128) / 32);
      const int q = (qs[half * 32 + i % 32] >> shift) & 3;
      const uint8_t sc = scales[i / 16];
      const float dl = d * static_cast<float>(sc & 0x0F);
      const float ml = dmin * static_cast<float>(sc >> 4);
      const float p = dl * static_cast<float>(q);
      dst[i] = p - ml;
    }
  }
}

// Q3_K: hmask[32], qs[64], scales[12] (sixteen 6-bit values, offset by 32), d.
// Low 2 bits as Q2_K; the high bit of element i is bit i/32 of hmask[i % 32], and a clear
// bit subtracts 4. x = (d * (sc - 32)) * q.
void decode_q3_k(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 110, dst += kQK) {
    const uint8_t* hmask = src;
    const uint8_t* qs = src + 32;
    const uint8_t* sc = src + 96;
    const float d = load_half(src + 108);
    float dl[16];
    for (int k = 0; k < 16; ++k) {
      const int low = (k < 8 ? sc[k] : sc[k - 8] >> 4) & 0x0F;
      const int high = (sc[8 + k % 4] >> (2 * (k / 4))) & 0x03;
      dl[k] = d * static_cast<float>((low | (high << 4)) - 32);
    }
    for (int i = 0; i < kQK; ++i) {
      const int half = i / 128;
      const int shift = 2 * ((i % 128) / 32);
      const int low = (qs[half * 32 + i % 32] >> shift) & 3;
      const int hbit = (hmask[i % 32] >> (i / 32)) & 1;
      dst[i] = dl[i / 16] * static_cast<float>(low - (hbit ? 0 : 4));
    }
  }
}

// The 6-bit scales and mins of Q4_K and Q5_K, packed into 12 bytes for 8 sub-blocks of 32:
// sub-blocks 0-3 in the low 6 bits of bytes 0-3 (scale) and 4-7 (min); sub-blocks 4-7 keep
// their low 4 bits in bytes 8-11 (scale low nibble, min high nibble) and their top 2 bits in
// bits 6-7 of bytes 0-3 (scale) and 4-7 (min).
void k_scale_min(const uint8_t* s, uint8_t sc[8], uint8_t mn[8]) {
  for (int j = 0; j < 4; ++j) {
    sc[j] = s[j] & 0x3F;
    mn[j] = s[j + 4] & 0x3F;
    sc[j + 4] = static_cast<uint8_t>((s[j + 8] & 0x0F) | ((s[j] >> 2) & 0x30));
    mn[j + 4] = static_cast<uint8_t>((s[j + 8] >> 4) | ((s[j + 4] >> 2) & 0x30));
  }
}

// The body shared by Q4_K and Q5_K: d, dmin, then 8 sub-blocks of 32 with the 6-bit scales
// and mins above; x = (d * sc) * q - (dmin * m), with q = code(sub-block, element).
template <typename Code>
void decode_k_sub_blocks(const uint8_t* block, float* dst, Code code) {
  const float d = load_half(block);
  const float dmin = load_half(block + 2);
  uint8_t sc[8], mn[8];
  k_scale_min(block + 4, sc, mn);
  for (int s = 0; s < 8; ++s) {
    const float ds = d * static_cast<float>(sc[s]);
    const float ms = dmin * static_cast<float>(mn[s]);
    float* out = dst + s * 32;
    for (int l = 0; l < 32; ++l) {
      const float p = ds * static_cast<float>(code(s, l));
      out[l] = p - ms;
    }
  }
}

// Q4_K: d, dmin, scales[12], qs[128]; each 64-element chunk uses 32 bytes, low nibble =
// element l, high nibble = element l + 32.
void decode_q4_k(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 144, dst += kQK) {
    const uint8_t* qs = src + 16;
    decode_k_sub_blocks(src, dst, [qs](int s, int l) { return (qs[(s / 2) * 32 + l] >> ((s % 2) * 4)) & 0x0F; });
  }
}

// Q5_K: d, dmin, scales[12], qh[32], qs[128]; as Q4_K plus a fifth bit, bit s of qh[l]
// for element l of sub-block s.
void decode_q5_k(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 176, dst += kQK) {
    const uint8_t* qh = src + 16;
    const uint8_t* qs = src + 48;
    decode_k_sub_blocks(src, dst, [qh, qs](int s, int l) {
      return ((qs[(s / 2) * 32 + l] >> ((s % 2) * 4)) & 0x0F) | (((qh[l] >> s) & 1) << 4);
    });
  }
}

// Q6_K: ql[128], qh[64], scales[16] int8 (per 16 elements), d. In each 128-element half,
// element i takes its low nibble from ql[half*64 + i%64] (high nibble when i%128 >= 64) and
// its top 2 bits from qh[half*32 + i%32] at shift 2 * ((i%128) / 32). x = (d * sc) * (q - 32).
void decode_q6_k(const uint8_t* src, int64_t n_blocks, float* dst) {
  for (int64_t b = 0; b < n_blocks; ++b, src += 210, dst += kQK) {
    const uint8_t* ql = src;
    const uint8_t* qh = src + 128;
    const int8_t* scales = reinterpret_cast<const int8_t*>(src + 192);
    const float d = load_half(src + 208);
    float dl[16];
    for (int k = 0; k < 16; ++k) dl[k] = d * static_cast<float>(scales[k]);
    for (int i = 0; i < kQK; ++i) {
      const int half = i / 128;
      const int r = i % 128;
      const int low = (ql[half * 64 + r % 64] >> (4 * (r / 64))) & 0x0F;
      const int high = (qh[half * 32 + r % 32] >> (2 * (r / 32))) & 0x03;
      dst[i] = dl[i / 16] * static_cast<float>((low | (high << 4)) - 32);
    }
  }
}

}  // namespace

float fp16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t mant = h & 0x3FFu;
  if (exp == 0x1F) return bits_to_float(sign | 0x7F800000u | (mant << 13));  // inf, NaN (payload kept)
  if (exp != 0) return bits_to_float(sign | ((exp + 112) << 23) | (mant << 13));
  // Zero or subnormal: mant * 2^-24, exact in float32.
  const float mag = static_cast<float>(mant) * 5.9604644775390625e-08f;
  return sign ? -mag : mag;
}

bool can_dequantize(GgmlType type) {
  switch (type) {
    case GgmlType::F32:
    case GgmlType::F16:
    case GgmlType::BF16:
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
    case GgmlType::Q8_0:
    case GgmlType::Q2_K:
    case GgmlType::Q3_K:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K: return true;
    default: return false;
  }
}

std::string dequantizable_type_names() {
  return "F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K";
}

void dequantize(GgmlType type, const uint8_t* src, int64_t n, float* dst) {
  if (!can_dequantize(type)) {
    throw Error(std::string("cannot decode ggml type ") + ggml_type_name(type) + " (supported: " +
                dequantizable_type_names() + ")");
  }
  const int64_t block = ggml_type_traits(type).block_size;
  if (n < 0 || n % block != 0) {
    throw Error("cannot decode " + std::to_string(n) + " elements of " + ggml_type_name(type) +
                ": not a multiple of its block size " + std::to_string(block));
  }
  const int64_t nb = n / block;
  switch (type) {
    case GgmlType::F32: if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * 4); break;
    case GgmlType::F16: decode_f16(src, n, dst); break;
    case GgmlType::BF16: decode_bf16(src, n, dst); break;
    case GgmlType::Q4_0: decode_q4_0(src, nb, dst); break;
    case GgmlType::Q4_1: decode_q4_1(src, nb, dst); break;
    case GgmlType::Q5_0: decode_q5_0(src, nb, dst); break;
    case GgmlType::Q5_1: decode_q5_1(src, nb, dst); break;
    case GgmlType::Q8_0: decode_q8_0(src, nb, dst); break;
    case GgmlType::Q2_K: decode_q2_k(src, nb, dst); break;
    case GgmlType::Q3_K: decode_q3_k(src, nb, dst); break;
    case GgmlType::Q4_K: decode_q4_k(src, nb, dst); break;
    case GgmlType::Q5_K: decode_q5_k(src, nb, dst); break;
    case GgmlType::Q6_K: decode_q6_k(src, nb, dst); break;
    default: break;  // refused above
  }
}

}  // namespace srs
