#pragma once
// FNV-1a, 64 bit: a stable fingerprint for headers and token streams (change detection, not
// security). Stable across platforms and runs, unlike std::hash.
#include <cstddef>
#include <cstdint>
#include <string>

namespace srs {

class Fnv1a64 {
 public:
  void update(const void* data, size_t n);
  uint64_t value() const { return h_; }
  std::string hex() const;  // 16 lowercase hex digits

 private:
  uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace srs
