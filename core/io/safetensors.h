#pragma once
// The safetensors container (huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header, then the raw tensor bytes. Reading maps the file and validates the
// header completely before any tensor is touched; writing is atomic and sharded on request.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/dtype.h"
#include "io/weight_source.h"
#include "util/mapped_file.h"

namespace srs {

struct SafetensorsEntry {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte range inside the data section, end exclusive
  uint64_t end = 0;
};

// The validated header of a safetensors image: what the file holds and where.
struct SafetensorsHeader {
  uint64_t data_start = 0;  // 8 + header length
  std::map<std::string, SafetensorsEntry> entries;
  std::map<std::string, std::string> metadata;
};

// Validates the 8-byte length, the JSON header and every entry against `size` bytes at
// `data`. `path` names the file in errors. Throws srs::Error.
SafetensorsHeader parse_safetensors_header(const uint8_t* data, uint64_t size, const std::string& path);

// One .safetensors file.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path);  // throws srs::Error naming the file and tensor

  const std::string& path() const { return file_.path(); }
  const std::map<std::string, SafetensorsEntry>& entries() const { return header_.entries; }
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  const SafetensorsEntry& entry(const std::string& name) const;
  // The tensor's raw little-endian bytes inside the mapping.
  const uint8_t* data(const std::string& name) const;
  // Size of the 8-byte prefix plus the JSON header: the part a fingerprint hashes.
  uint64_t header_size() const { return header_.data_start; }

 private:
  MappedFile file_;
  SafetensorsHeader header_;
};

// A single file, or an HF folder with model.safetensors or a sharded
// model.safetensors.index.json, as a WeightSource.
std::unique_ptr<WeightSource> open_safetensors(const std::string& file_or_folder);

// A tensor to write; `data` is borrowed and must stay alive until write() returns.
struct SafetensorsTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  const void* data = nullptr;
  uint64_t nbytes = 0;
};

// Writes `tensors` to `path` atomically, with __metadata__ {"format": "pt"} plus `metadata`.
void write_safetensors(const std::string& path, const std::vector<SafetensorsTensor>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Writes an HF folder: model.safetensors when everything fits in `max_shard_bytes`, else
// model-0000i-of-0000K.safetensors plus model.safetensors.index.json. Every file is atomic.
// Returns the files written.
std::vector<std::string> write_safetensors_sharded(const std::string& folder,
                                                   const std::vector<SafetensorsTensor>& tensors,
                                                   uint64_t max_shard_bytes);

}  // namespace srs
