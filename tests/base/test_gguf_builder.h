#pragma once
// Builds GGUF bytes by hand for tests of corrupt and edge-case input that no well-behaved
// writer would produce (wrong versions, bad offsets, mistyped keys, ...).
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace srs::test {

class GgufBuilder {
 public:
  uint32_t magic = 0x46554747;  // "GGUF"
  uint32_t version = 3;
  uint64_t alignment = 32;      // used to place tensor data; write general.alignment yourself

  template <class T>
  static void put(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
  }
  static void put_str(std::string& out, const std::string& s) {
    put<uint64_t>(out, s.size());
    out += s;
  }

  // A key with an already encoded value (type tag included by the caller via `type`).
  GgufBuilder& kv_raw(const std::string& key, uint32_t type, const std::string& value_bytes) {
    put_str(kv_, key);
    put<uint32_t>(kv_, type);
    kv_ += value_bytes;
    ++n_kv_;
    return *this;
  }
  GgufBuilder& kv_u32(const std::string& key, uint32_t v) {
    std::string b;
    put<uint32_t>(b, v);
    return kv_raw(key, 4, b);
  }
  GgufBuilder& kv_f32(const std::string& key, float v) {
    std::string b;
    put<float>(b, v);
    return kv_raw(key, 6, b);
  }
  GgufBuilder& kv_string(const std::string& key, const std::string& v) {
    std::string b;
    put_str(b, v);
    return kv_raw(key, 8, b);
  }
  GgufBuilder& kv_string_array(const std::string& key, const std::vector<std::string>& v) {
    std::string b;
    put<uint32_t>(b, 8);
    put<uint64_t>(b, v.size());
    for (const auto& s : v) put_str(b, s);
    return kv_raw(key, 9, b);
  }

  // A tensor with its data; the offset is the next aligned position unless given.
  GgufBuilder& tensor(const std::string& name, const std::vector<int64_t>& ne, uint32_t type,
                      const std::string& data, int64_t offset = -1) {
    const uint64_t at = (data_.size() + alignment - 1) / alignment * alignment;
    data_.resize(at, '\0');
    put_str(ti_, name);
    put<uint32_t>(ti_, static_cast<uint32_t>(ne.size()));
    for (int64_t n : ne) put<int64_t>(ti_, n);
    put<uint32_t>(ti_, type);
    put<uint64_t>(ti_, offset >= 0 ? static_cast<uint64_t>(offset) : at);
    data_ += data;
    ++n_tensors_;
    return *this;
  }
  // A small F32 tensor of the given element count, values 0, 1, 2, ...
  GgufBuilder& f32_tensor(const std::string& name, const std::vector<int64_t>& ne) {
    int64_t n = 1;
    for (int64_t d : ne) n *= d;
    std::string b;
    for (int64_t i = 0; i < n; ++i) put<float>(b, static_cast<float>(i));
    return tensor(name, ne, 0, b);
  }

  // Byte offset where the tensor infos start in bytes() (handy to corrupt them).
  size_t tensor_info_offset() const { return 4 + 4 + 8 + 8 + kv_.size(); }

  std::string bytes() const {
    std::string out;
    put<uint32_t>(out, magic);
    put<uint32_t>(out, version);
    put<uint64_t>(out, n_tensors_);
    put<uint64_t>(out, n_kv_);
    out += kv_;
    out += ti_;
    out.resize((out.size() + alignment - 1) / alignment * alignment, '\0');
    out += data_;
    return out;
  }

  std::string write(const std::string& path) const {
    std::ofstream f(path, std::ios::binary);
    const std::string b = bytes();
    f.write(b.data(), static_cast<std::streamsize>(b.size()));
    return path;
  }

 private:
  std::string kv_, ti_, data_;
  uint64_t n_kv_ = 0, n_tensors_ = 0;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace srs::test
