#include "io/gguf_types.h"

#include "util/error.h"

namespace srs {

namespace {

// Indexed by type id; a null name marks an id ggml never assigned (or retired: 4, 5, 31-33, 36-38).
constexpr uint32_t kTypeIdCount = 42;
const GgmlTypeTraits kTraits[kTypeIdCount] = {
    {"F32", 1, 4},          // 0
    {"F16", 1, 2},          // 1
    {"Q4_0", 32, 18},       // 2
    {"Q4_1", 32, 20},       // 3
    {nullptr, 0, 0},        // 4 (Q4_2, removed)
    {nullptr, 0, 0},        // 5 (Q4_3, removed)
    {"Q5_0", 32, 22},       // 6
    {"Q5_1", 32, 24},       // 7
    {"Q8_0", 32, 34},       // 8
    {"Q8_1", 32, 40},       // 9
    {"Q2_K", 256, 84},      // 10
    {"Q3_K", 256, 110},     // 11
    {"Q4_K", 256, 144},     // 12
    {"Q5_K", 256, 176},     // 13
    {"Q6_K", 256, 210},     // 14
    {"Q8_K", 256, 292},     // 15
    {"IQ2_XXS", 256, 66},   // 16
    {"IQ2_XS", 256, 74},    // 17
    {"IQ3_XXS", 256, 98},   // 18
    {"IQ1_S", 256, 50},     // 19
    {"IQ4_NL", 32, 18},     // 20
    {"IQ3_S", 256, 110},    // 21
    {"IQ2_S", 256, 82},     // 22
    {"IQ4_XS", 256, 136},   // 23
    {"I8", 1, 1},           // 24
    {"I16", 1, 2},          // 25
    {"I32", 1, 4},          // 26
    {"I64", 1, 8},          // 27
    {"F64", 1, 8},          // 28
    {"IQ1_M", 256, 56},     // 29
    {"BF16", 1, 2},         // 30
    {nullptr, 0, 0},        // 31 (Q4_0_4_4, removed)
    {nullptr, 0, 0},        // 32 (Q4_0_4_8, removed)
    {nullptr, 0, 0},        // 33 (Q4_0_8_8, removed)
    {"TQ1_0", 256, 54},     // 34
    {"TQ2_0", 256, 66},     // 35
    {nullptr, 0, 0},        // 36 (IQ4_NL_4_4, removed)
    {nullptr, 0, 0},        // 37 (IQ4_NL_4_8, removed)
    {nullptr, 0, 0},        // 38 (IQ4_NL_8_8, removed)
    {"MXFP4", 32, 17},      // 39
    {"NVFP4", 64, 36},      // 40
    {"Q1_0", 128, 18},      // 41
};

}  // namespace

const GgmlTypeTraits* ggml_type_traits(uint32_t id) {
  if (id >= kTypeIdCount || kTraits[id].name == nullptr) return nullptr;
  return &kTraits[id];
}

const GgmlTypeTraits& ggml_type_traits(GgmlType type) {
  const GgmlTypeTraits* t = ggml_type_traits(static_cast<uint32_t>(type));
  if (!t) throw Error("ggml type id " + std::to_string(static_cast<uint32_t>(type)) + " is not a ggml type");
  return *t;
}

std::string gguf_value_type_name(GgufValueType type) {
  static const char* const kNames[kGgufValueTypeCount] = {
      "u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
  const auto id = static_cast<uint32_t>(type);
  if (id < kGgufValueTypeCount) return kNames[id];
  return "type " + std::to_string(id);
}

size_t gguf_scalar_size(GgufValueType type) {
  switch (type) {
    case GgufValueType::U8:
    case GgufValueType::I8:
    case GgufValueType::Bool: return 1;
    case GgufValueType::U16:
    case GgufValueType::I16: return 2;
    case GgufValueType::U32:
    case GgufValueType::I32:
    case GgufValueType::F32: return 4;
    case GgufValueType::U64:
    case GgufValueType::I64:
    case GgufValueType::F64: return 8;
    case GgufValueType::String:
    case GgufValueType::Array: return 0;
  }
  return 0;
}

}  // namespace srs
