#include "io/gguf_file.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "io/gguf_dequant.h"
#include "util/error.h"
#include "util/mapped_file.h"

namespace srs {

namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian u32
constexpr uint32_t kMaxDims = 4;         // GGML_MAX_DIMS
// Nested arrays are legal, but no real file nests deeply; the cap keeps a crafted file from
// exhausting the stack.
constexpr int kMaxArrayDepth = 8;
// The smallest encodings. They bound how many entries the remaining bytes can hold, so no
// count read from the file drives an allocation or a loop past the file size: a KV is a key
// length, a type and a 1-byte value; a tensor info is a name length, n_dims, a type and an offset.
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 4 + 8;
constexpr uint64_t kMinStringBytes = 8;
constexpr uint64_t kMinArrayBytes = 4 + 8;

const char* const kCorruptHint = " The file is truncated or corrupt: download or convert it again.";

// A bounds-checked reader over the file bytes. Every read first checks that the bytes exist;
// `where` (e.g. "key 'general.name'") and `what` name the item in the error.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, const std::string& path, size_t pos)
      : data_(data), size_(size), path_(path), pos_(pos) {}

  size_t pos() const { return pos_; }
  uint64_t remaining() const { return size_ - pos_; }

  void need(uint64_t n, const std::string& where, const char* what) const {
    if (n > remaining()) {
      throw Error(path_ + ": " + where + ": " + what + " needs " + std::to_string(n) + " bytes at offset " +
                  std::to_string(pos_) + " but the file ends at " + std::to_string(size_) + "." + kCorruptHint);
    }
  }
  void skip(uint64_t n, const std::string& where, const char* what) {
    need(n, where, what);
    pos_ += static_cast<size_t>(n);
  }
  template <class T>
  T read(const std::string& where, const char* what) {
    need(sizeof(T), where, what);
    T v;
    std::memcpy(&v, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string read_string(const std::string& where, const char* what) {
    const uint64_t len = read<uint64_t>(where, what);
    need(len, where, what);
    std::string s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  void skip_string(const std::string& where, const char* what) {
    const uint64_t len = read<uint64_t>(where, what);
    skip(len, where, what);
  }
  // Refuses a count of elements of at least `min_bytes` each that cannot fit in what is left.
  void check_count(uint64_t count, uint64_t min_bytes, const std::string& where, const char* what) const {
    if (count > remaining() / min_bytes) {
      throw Error(path_ + ": " + where + ": " + what + " count " + std::to_string(count) + " cannot fit in the " +
                  std::to_string(remaining()) + " bytes left in the file." + kCorruptHint);
    }
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const std::string& path_;
  size_t pos_;
};

bool valid_value_type(uint32_t t) { return t < kGgufValueTypeCount; }

std::string key_where(const std::string& key) { return "metadata key '" + key + "'"; }

// Walks past a value, checking that all of it lies inside the file.
void skip_value(Cursor& c, GgufValueType type, int depth, const std::string& where, const std::string& path);

void skip_array_body(Cursor& c, GgufValueType elem, uint64_t count, int depth, const std::string& where,
                     const std::string& path) {
  if (elem == GgufValueType::String) {
    c.check_count(count, kMinStringBytes, where, "string array");
    for (uint64_t k = 0; k < count; ++k) c.skip_string(where, "array string");
  } else if (elem == GgufValueType::Array) {
    c.check_count(count, kMinArrayBytes, where, "nested array");
    for (uint64_t k = 0; k < count; ++k) skip_value(c, GgufValueType::Array, depth, where, path);
  } else {
    const size_t sz = gguf_scalar_size(elem);
    c.check_count(count, sz, where, "array");
    c.skip(count * sz, where, "array elements");
  }
}

void skip_value(Cursor& c, GgufValueType type, int depth, const std::string& where, const std::string& path) {
  if (type == GgufValueType::String) {
    c.skip_string(where, "string value");
  } else if (type == GgufValueType::Array) {
    if (depth >= kMaxArrayDepth) {
      throw Error(path + ": " + where + ": arrays nested deeper than " + std::to_string(kMaxArrayDepth) +
                  " levels; no model needs this, so the file is likely corrupt." + kCorruptHint);
    }
    const uint32_t elem = c.read<uint32_t>(where, "array element type");
    if (!valid_value_type(elem)) {
      throw Error(path + ": " + where + ": array element type " + std::to_string(elem) +
                  " is not a GGUF value type (0..12)." + kCorruptHint);
    }
    const uint64_t count = c.read<uint64_t>(where, "array length");
    skip_array_body(c, static_cast<GgufValueType>(elem), count, depth + 1, where, path);
  } else {
    c.skip(gguf_scalar_size(type), where, "value");
  }
}

GgufValue decode_value(Cursor& c, GgufValueType type, const std::string& where) {
  GgufValue v;
  v.type = type;
  switch (type) {
    case GgufValueType::U8: v.u = c.read<uint8_t>(where, "value"); break;
    case GgufValueType::I8: v.i = c.read<int8_t>(where, "value"); break;
    case GgufValueType::U16: v.u = c.read<uint16_t>(where, "value"); break;
    case GgufValueType::I16: v.i = c.read<int16_t>(where, "value"); break;
    case GgufValueType::U32: v.u = c.read<uint32_t>(where, "value"); break;
    case GgufValueType::I32: v.i = c.read<int32_t>(where, "value"); break;
    case GgufValueType::F32: v.f = c.read<float>(where, "value"); break;
    case GgufValueType::Bool: v.u = c.read<uint8_t>(where, "value") != 0; break;
    case GgufValueType::String: v.s = c.read_string(where, "string value"); break;
    case GgufValueType::U64: v.u = c.read<uint64_t>(where, "value"); break;
    case GgufValueType::I64: v.i = c.read<int64_t>(where, "value"); break;
    case GgufValueType::F64: v.f = c.read<double>(where, "value"); break;
    case GgufValueType::Array: {
      // Validated at parse time, so types and counts are sane here.
      v.elem_type = static_cast<GgufValueType>(c.read<uint32_t>(where, "array element type"));
      const uint64_t count = c.read<uint64_t>(where, "array length");
      v.elems.reserve(static_cast<size_t>(count));
      for (uint64_t k = 0; k < count; ++k) v.elems.push_back(decode_value(c, v.elem_type, where));
      break;
    }
  }
  return v;
}

bool is_integer(GgufValueType t) {
  switch (t) {
    case GgufValueType::U8:
    case GgufValueType::I8:
    case GgufValueType::U16:
    case GgufValueType::I16:
    case GgufValueType::U32:
    case GgufValueType::I32:
    case GgufValueType::U64:
    case GgufValueType::I64: return true;
    default: return false;
  }
}

// Reads one integer of type `t` as int64; false when a u64 is too large for it.
bool read_int(Cursor& c, GgufValueType t, const std::string& where, int64_t* out) {
  switch (t) {
    case GgufValueType::U8: *out = c.read<uint8_t>(where, "value"); return true;
    case GgufValueType::I8: *out = c.read<int8_t>(where, "value"); return true;
    case GgufValueType::U16: *out = c.read<uint16_t>(where, "value"); return true;
    case GgufValueType::I16: *out = c.read<int16_t>(where, "value"); return true;
    case GgufValueType::U32: *out = c.read<uint32_t>(where, "value"); return true;
    case GgufValueType::I32: *out = c.read<int32_t>(where, "value"); return true;
    case GgufValueType::I64: *out = c.read<int64_t>(where, "value"); return true;
    case GgufValueType::U64: {
      const uint64_t u = c.read<uint64_t>(where, "value");
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      *out = static_cast<int64_t>(u);
      return true;
    }
    default: return false;
  }
}

}  // namespace

GgufFile::GgufFile(const std::string& path) : map_(std::make_unique<MappedFile>(path)), path_(path) {
  data_ = map_->data();
  size_ = map_->size();
  parse();
}

GgufFile::GgufFile(const uint8_t* data, size_t size, std::string name)
    : path_(std::move(name)), data_(data), size_(size) {
  parse();
}

GgufFile::~GgufFile() = default;

void GgufFile::parse() {
  Cursor c(data_, size_, path_, 0);
  const std::string header = "header";
  const uint32_t magic = c.read<uint32_t>(header, "magic");
  if (magic != kMagic) {
    throw Error(path_ + ": not a GGUF file (the first 4 bytes are not \"GGUF\"). Pass a .gguf model file.");
  }
  version_ = c.read<uint32_t>(header, "version");
  if (version_ == 0x02000000u || version_ == 0x03000000u) {
    throw Error(path_ + ": big-endian GGUF files are not supported. Use a little-endian (the default) conversion.");
  }
  if (version_ == 1) {
    throw Error(path_ + ": GGUF version 1 is not supported (it predates 64-bit counts). Convert the model again "
                "with a current llama.cpp.");
  }
  if (version_ != 2 && version_ != 3) {
    throw Error(path_ + ": GGUF version " + std::to_string(version_) +
                " is not supported (this reader knows versions 2 and 3).");
  }
  const uint64_t n_tensors = c.read<uint64_t>(header, "tensor count");
  const uint64_t n_kv = c.read<uint64_t>(header, "metadata count");
  // The counts are not trusted for allocation: each entry is read (and bounds-checked) in
  // turn, so a corrupt count ends at the first entry that does not fit, named in the error.
  const std::string n_kv_text = std::to_string(n_kv);
  kvs_.reserve(static_cast<size_t>(std::min<uint64_t>(n_kv, c.remaining() / kMinKvBytes)));
  for (uint64_t k = 0; k < n_kv; ++k) {
    const std::string entry = "metadata entry #" + std::to_string(k) + " of " + n_kv_text;
    GgufKv kv;
    kv.key = c.read_string(entry, "key");
    const std::string where = key_where(kv.key) + " (" + entry + ")";
    const uint32_t type = c.read<uint32_t>(where, "value type");
    if (!valid_value_type(type)) {
      throw Error(path_ + ": " + where + ": value type " + std::to_string(type) +
                  " is not a GGUF value type (0..12)." + kCorruptHint);
    }
    kv.type = static_cast<GgufValueType>(type);
    kv.value_offset = c.pos();
    if (kv.type == GgufValueType::Array) {
      Cursor peek(data_, size_, path_, c.pos());
      kv.elem_type = static_cast<GgufValueType>(peek.read<uint32_t>(where, "array element type"));
      kv.count = peek.read<uint64_t>(where, "array length");
    }
    skip_value(c, kv.type, 0, where, path_);
    if (!kv_index_.emplace(kv.key, kvs_.size()).second) {
      throw Error(path_ + ": " + where + " appears twice." + kCorruptHint);
    }
    kvs_.push_back(std::move(kv));
  }

  if (const GgufKv* kv = find("general.alignment")) {
    if (kv->type != GgufValueType::U32) wrong_type(*kv, "u32");
    alignment_ = get_u32("general.alignment");
    if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0) {
      throw Error(path_ + ": " + key_where("general.alignment") + " is " + std::to_string(alignment_) +
                  ", which is not a power of two." + kCorruptHint);
    }
  }

  const std::string n_tensors_text = std::to_string(n_tensors);
  tensors_.reserve(static_cast<size_t>(std::min<uint64_t>(n_tensors, c.remaining() / kMinTensorInfoBytes)));
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensorInfo t;
    const std::string entry = "tensor info #" + std::to_string(k) + " of " + n_tensors_text;
    t.name = c.read_string(entry, "name");
    const std::string where = "tensor '" + t.name + "' (" + entry + ")";
    const uint32_t n_dims = c.read<uint32_t>(where, "n_dims");
    if (n_dims > kMaxDims) {
      throw Error(path_ + ": " + where + " has " + std::to_string(n_dims) + " dimensions; ggml allows at most " +
                  std::to_string(kMaxDims) + "." + kCorruptHint);
    }
    t.numel = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      const int64_t n = c.read<int64_t>(where, "dimension");
      if (n < 0) {
        throw Error(path_ + ": " + where + " has negative dimension " + std::to_string(n) + "." + kCorruptHint);
      }
      if (n != 0 && t.numel > std::numeric_limits<int64_t>::max() / n) {
        throw Error(path_ + ": " + where + ": the element count overflows 64 bits." + kCorruptHint);
      }
      t.numel *= n;
      t.ne.push_back(n);
    }
    const uint32_t type = c.read<uint32_t>(where, "type");
    const GgmlTypeTraits* traits = ggml_type_traits(type);
    if (!traits) {
      throw Error(path_ + ": " + where + " has unknown ggml type id " + std::to_string(type) +
                  ". The file may come from a newer llama.cpp than this reader knows, or be corrupt.");
    }
    t.type = static_cast<GgmlType>(type);
    if (t.row_size() % traits->block_size != 0) {
      throw Error(path_ + ": " + where + ": its row length " + std::to_string(t.row_size()) +
                  " is not a multiple of the " + traits->name + " block size " +
                  std::to_string(traits->block_size) + "." + kCorruptHint);
    }
    // The byte count must fit in 64 bits before it can be compared with the file size
    // (found by fuzz_gguf: 2^62 F32 elements wrapped to 0 bytes).
    const uint64_t blocks = static_cast<uint64_t>(t.numel / traits->block_size);
    if (blocks > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(traits->type_size)) {
      throw Error(path_ + ": " + where + ": its byte size overflows 64 bits." + kCorruptHint);
    }
    t.nbytes = blocks * static_cast<uint64_t>(traits->type_size);
    t.offset = c.read<uint64_t>(where, "data offset");
    if (t.offset % alignment_ != 0) {
      throw Error(path_ + ": " + where + ": data offset " + std::to_string(t.offset) +
                  " is not a multiple of the alignment " + std::to_string(alignment_) + "." + kCorruptHint);
    }
    if (!tensor_index_.emplace(t.name, tensors_.size()).second) {
      throw Error(path_ + ": " + where + " appears twice." + kCorruptHint);
    }
    tensors_.push_back(std::move(t));
  }

  data_offset_ = (static_cast<uint64_t>(c.pos()) + alignment_ - 1) / alignment_ * alignment_;
  const uint64_t data_size = data_offset_ <= size_ ? size_ - data_offset_ : 0;
  for (const GgufTensorInfo& t : tensors_) {
    if (t.offset > data_size || t.nbytes > data_size - t.offset) {
      throw Error(path_ + ": tensor '" + t.name + "': its data (" + std::to_string(t.nbytes) + " bytes at offset " +
                  std::to_string(t.offset) + " of the data section) runs past the end of the file (" +
                  std::to_string(data_size) + " data bytes)." + kCorruptHint);
    }
  }
}

const GgufKv* GgufFile::find(const std::string& key) const {
  const auto it = kv_index_.find(key);
  return it == kv_index_.end() ? nullptr : &kvs_[it->second];
}

const GgufKv& GgufFile::require(const std::string& key) const {
  const GgufKv* kv = find(key);
  if (!kv) throw Error(path_ + ": required " + key_where(key) + " is missing. The model file is incomplete.");
  return *kv;
}

void GgufFile::wrong_type(const GgufKv& kv, const std::string& expected) const {
  std::string actual = gguf_value_type_name(kv.type);
  if (kv.type == GgufValueType::Array) actual += " of " + gguf_value_type_name(kv.elem_type);
  throw Error(path_ + ": " + key_where(kv.key) + " holds " + actual + ", expected " + expected +
              ". The file was written by an incompatible converter.");
}

GgufValue GgufFile::value(const std::string& key) const {
  const GgufKv& kv = require(key);
  Cursor c(data_, size_, path_, kv.value_offset);
  return decode_value(c, kv.type, key_where(key));
}

std::string GgufFile::get_string(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::String) wrong_type(kv, "string");
  Cursor c(data_, size_, path_, kv.value_offset);
  return c.read_string(key_where(key), "string value");
}

uint32_t GgufFile::get_u32(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::U32) wrong_type(kv, "u32");
  Cursor c(data_, size_, path_, kv.value_offset);
  return c.read<uint32_t>(key_where(key), "value");
}

float GgufFile::get_f32(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::F32) wrong_type(kv, "f32");
  Cursor c(data_, size_, path_, kv.value_offset);
  return c.read<float>(key_where(key), "value");
}

bool GgufFile::get_bool(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::Bool) wrong_type(kv, "bool");
  Cursor c(data_, size_, path_, kv.value_offset);
  return c.read<uint8_t>(key_where(key), "value") != 0;
}

int64_t GgufFile::get_int(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (!is_integer(kv.type)) wrong_type(kv, "an integer");
  Cursor c(data_, size_, path_, kv.value_offset);
  int64_t v = 0;
  if (!read_int(c, kv.type, key_where(key), &v)) {
    throw Error(path_ + ": " + key_where(key) + " holds a u64 too large for a signed 64-bit integer." + kCorruptHint);
  }
  return v;
}

double GgufFile::get_float(const std::string& key) const {
  const GgufKv& kv = require(key);
  Cursor c(data_, size_, path_, kv.value_offset);
  if (kv.type == GgufValueType::F32) return c.read<float>(key_where(key), "value");
  if (kv.type == GgufValueType::F64) return c.read<double>(key_where(key), "value");
  wrong_type(kv, "f32 or f64");
}

std::string GgufFile::get_string_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : fallback;
}
int64_t GgufFile::get_int_or(const std::string& key, int64_t fallback) const {
  return has(key) ? get_int(key) : fallback;
}
double GgufFile::get_float_or(const std::string& key, double fallback) const {
  return has(key) ? get_float(key) : fallback;
}
bool GgufFile::get_bool_or(const std::string& key, bool fallback) const {
  return has(key) ? get_bool(key) : fallback;
}

std::vector<std::string> GgufFile::get_string_array(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::Array || kv.elem_type != GgufValueType::String) wrong_type(kv, "array of string");
  Cursor c(data_, size_, path_, kv.value_offset + kMinArrayBytes);
  const std::string where = key_where(key);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(kv.count));
  for (uint64_t k = 0; k < kv.count; ++k) out.push_back(c.read_string(where, "array string"));
  return out;
}

std::vector<float> GgufFile::get_f32_array(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::Array || kv.elem_type != GgufValueType::F32) wrong_type(kv, "array of f32");
  std::vector<float> out(static_cast<size_t>(kv.count));
  // Bounds were checked at parse time: count * 4 bytes follow the array header.
  if (!out.empty()) std::memcpy(out.data(), data_ + kv.value_offset + kMinArrayBytes, out.size() * sizeof(float));
  return out;
}

std::vector<int64_t> GgufFile::get_int_array(const std::string& key) const {
  const GgufKv& kv = require(key);
  if (kv.type != GgufValueType::Array || !is_integer(kv.elem_type)) wrong_type(kv, "array of integers");
  Cursor c(data_, size_, path_, kv.value_offset + kMinArrayBytes);
  const std::string where = key_where(key);
  std::vector<int64_t> out(static_cast<size_t>(kv.count));
  for (int64_t& v : out) {
    if (!read_int(c, kv.elem_type, where, &v)) {
      throw Error(path_ + ": " + where + " holds a u64 too large for a signed 64-bit integer." + kCorruptHint);
    }
  }
  return out;
}

const GgufTensorInfo* GgufFile::find_tensor(const std::string& name) const {
  const auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensorInfo& GgufFile::tensor(const std::string& name) const {
  const GgufTensorInfo* t = find_tensor(name);
  if (!t) throw Error(path_ + ": no tensor named '" + name + "' in the file.");
  return *t;
}

void GgufFile::read_f32(const GgufTensorInfo& t, float* out) const { read_rows_f32(t, 0, t.n_rows(), out); }

void GgufFile::read_rows_f32(const GgufTensorInfo& t, int64_t row_begin, int64_t n_rows, float* out) const {
  if (!can_dequantize(t.type)) {
    throw Error(path_ + ": tensor '" + t.name + "' is stored as " + ggml_type_name(t.type) +
                ", which this reader cannot decode (supported: " + dequantizable_type_names() +
                "). Use a model file quantized with one of those types.");
  }
  if (row_begin < 0 || n_rows < 0 || row_begin > t.n_rows() || n_rows > t.n_rows() - row_begin) {
    throw Error(path_ + ": tensor '" + t.name + "': rows [" + std::to_string(row_begin) + ", +" +
                std::to_string(n_rows) + ") are outside its " + std::to_string(t.n_rows()) + " rows.");
  }
  const GgmlTypeTraits& traits = ggml_type_traits(t.type);
  const uint64_t row_bytes = static_cast<uint64_t>(t.row_size() / traits.block_size) * traits.type_size;
  dequantize(t.type, tensor_data(t) + static_cast<uint64_t>(row_begin) * row_bytes, n_rows * t.row_size(), out);
}

}  // namespace srs
