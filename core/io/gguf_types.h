#pragma once
// The two type vocabularies of a GGUF file: ggml tensor types (how tensor bytes encode
// numbers) and metadata value types (how a key's value is laid out).
#include <cstdint>
#include <string>

namespace srs {

// ggml tensor type ids as stored in the file (ggml.h `enum ggml_type`).
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
  NVFP4 = 40,
  Q1_0 = 41,
};

// Elements per block and bytes per block; a row of n elements takes n / block * bytes.
struct GgmlTypeTraits {
  const char* name;     // "Q4_1"
  int64_t block_size;   // 1 for plain types, 32 for legacy quants, 256 for k-quants
  int64_t type_size;    // bytes per block
};

// Traits of a type id read from a file, or nullptr when ggml has no such type (ids 4, 5, 31, ...).
const GgmlTypeTraits* ggml_type_traits(uint32_t id);
const GgmlTypeTraits& ggml_type_traits(GgmlType type);
inline const char* ggml_type_name(GgmlType type) { return ggml_type_traits(type).name; }

// Metadata value types (gguf.h `enum gguf_type`).
enum class GgufValueType : uint32_t {
  U8 = 0,
  I8 = 1,
  U16 = 2,
  I16 = 3,
  U32 = 4,
  I32 = 5,
  F32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  U64 = 10,
  I64 = 11,
  F64 = 12,
};
constexpr uint32_t kGgufValueTypeCount = 13;

// "u32", "string", ...; "type 17" for ids outside the enum.
std::string gguf_value_type_name(GgufValueType type);
// Bytes of a scalar value (0 for String and Array, whose size depends on their content).
size_t gguf_scalar_size(GgufValueType type);

}  // namespace srs
