#pragma once
// A parsed GGUF file (versions 2 and 3, little-endian): metadata, tensor directory and the
// tensor bytes, over a memory map. Parsing reads only the header; every count, length and
// tensor range is checked against the file size first, so a corrupt or truncated file is an
// srs::Error naming the file and the key or tensor, never an out-of-bounds read.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/gguf_types.h"

namespace srs {

class MappedFile;

struct GgufTensorInfo {
  std::string name;
  std::vector<int64_t> ne;  // ggml order: ne[0] varies fastest (a Linear's in_features)
  GgmlType type = GgmlType::F32;
  uint64_t offset = 0;      // from the start of the data section; a multiple of the alignment
  uint64_t nbytes = 0;
  int64_t numel = 0;

  int64_t row_size() const { return ne.empty() ? 1 : ne[0]; }  // elements per ggml row
  int64_t n_rows() const { return row_size() == 0 ? 0 : numel / row_size(); }
};

// One metadata entry. The value stays in the file and is decoded by the accessors.
struct GgufKv {
  std::string key;
  GgufValueType type = GgufValueType::U8;
  size_t value_offset = 0;                         // file offset just past the type tag
  GgufValueType elem_type = GgufValueType::U8;     // arrays only
  uint64_t count = 0;                              // arrays only
};

// A metadata value decoded in full (for printing and for nested arrays); the typed
// accessors of GgufFile are the cheaper way to read a known key.
struct GgufValue {
  GgufValueType type = GgufValueType::U8;
  uint64_t u = 0;                      // U8, U16, U32, U64, Bool
  int64_t i = 0;                       // I8, I16, I32, I64
  double f = 0;                        // F32 (widened exactly), F64
  std::string s;                       // String
  GgufValueType elem_type = GgufValueType::U8;  // Array
  std::vector<GgufValue> elems;        // Array
};

class GgufFile {
 public:
  // Maps and parses the file at `path`.
  explicit GgufFile(const std::string& path);
  // Parses a buffer the caller keeps alive for the lifetime of this object; `name` stands
  // in for the path in error messages (used by the fuzzer and by tests of corrupt input).
  GgufFile(const uint8_t* data, size_t size, std::string name);
  ~GgufFile();
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }  // file offset of the data section

  // --- metadata ---
  const std::vector<GgufKv>& metadata() const { return kvs_; }
  const GgufKv* find(const std::string& key) const;  // nullptr when absent
  bool has(const std::string& key) const { return find(key) != nullptr; }
  GgufValue value(const std::string& key) const;

  // Exact-type accessors: throw srs::Error naming the file and key when the key is absent
  // or holds another type.
  std::string get_string(const std::string& key) const;
  uint32_t get_u32(const std::string& key) const;
  float get_f32(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  // Any integer type (u8 ... i64), checked to fit int64; any float type for get_float.
  int64_t get_int(const std::string& key) const;
  double get_float(const std::string& key) const;
  // The same, with a fallback when the key is absent (a present key of the wrong type still throws).
  std::string get_string_or(const std::string& key, const std::string& fallback) const;
  int64_t get_int_or(const std::string& key, int64_t fallback) const;
  double get_float_or(const std::string& key, double fallback) const;
  bool get_bool_or(const std::string& key, bool fallback) const;
  // Arrays: strings; f32 (f64 narrowed is refused: it would lose bits); any integer type.
  std::vector<std::string> get_string_array(const std::string& key) const;
  std::vector<float> get_f32_array(const std::string& key) const;
  std::vector<int64_t> get_int_array(const std::string& key) const;

  // --- tensors ---
  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* find_tensor(const std::string& name) const;  // nullptr when absent
  const GgufTensorInfo& tensor(const std::string& name) const;       // throws when absent
  // The tensor's first byte (any valid pointer for a tensor of zero bytes).
  const uint8_t* tensor_data(const GgufTensorInfo& t) const {
    return t.nbytes == 0 ? data_ : data_ + data_offset_ + t.offset;
  }
  // Decodes the whole tensor into `out` (t.numel floats). Throws naming the file and tensor
  // when its type has no decoder here (IQ*, TQ*, integer types, ...).
  void read_f32(const GgufTensorInfo& t, float* out) const;
  // Decodes ggml rows [row_begin, row_begin + n_rows) into `out` (n_rows * t.row_size() floats).
  void read_rows_f32(const GgufTensorInfo& t, int64_t row_begin, int64_t n_rows, float* out) const;

 private:
  void parse();
  const GgufKv& require(const std::string& key) const;
  [[noreturn]] void wrong_type(const GgufKv& kv, const std::string& expected) const;

  std::unique_ptr<MappedFile> map_;  // null when parsing a caller's buffer
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<GgufKv> kvs_;
  std::unordered_map<std::string, size_t> kv_index_;
  std::vector<GgufTensorInfo> tensors_;
  std::unordered_map<std::string, size_t> tensor_index_;
};

}  // namespace srs
