#pragma once
// Atomic file replacement: write to "<path>.tmp-XXXXXX" in the same folder, fsync, rename.
// A crash, a full disk or an exception leaves the old file (or none) and no partial one.
#include <cstddef>
#include <cstdint>
#include <string>

namespace srs {

class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path);  // creates the temp file; throws srs::Error
  ~AtomicFile();                                  // removes the temp file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t n);  // throws srs::Error (e.g. "No space left on device")
  void write(const std::string& s) { write(s.data(), s.size()); }
  uint64_t bytes_written() const { return written_; }
  // Flushes, fsyncs and renames over the target path.
  void commit();

  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_path_; }

 private:
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  uint64_t written_ = 0;
  bool committed_ = false;
};

// Writes `content` to `path` atomically.
void write_file_atomic(const std::string& path, const std::string& content);
// Reads a whole file; throws srs::Error naming the file.
std::string read_file(const std::string& path);

}  // namespace srs
