#pragma once
// A read-only memory map of a whole file. Pages load on first touch, so opening a
// multi-gigabyte checkpoint costs nothing until a tensor is read.
#include <cstddef>
#include <cstdint>
#include <string>

namespace srs {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws srs::Error naming the file
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace srs
