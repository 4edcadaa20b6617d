#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "io/safetensors.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

namespace {

constexpr uint64_t kMaxHeader = 100ull * 1000 * 1000;  // the reference loader's limit

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw Error(path + ": invalid safetensors file: " + what);
}

// Parses the JSON header, rejecting duplicate top-level keys (nlohmann would keep the last).
nlohmann::json parse_header(const std::string& path, const char* begin, const char* end) {
  std::set<std::string> seen;
  std::string duplicate;
  nlohmann::json::parser_callback_t cb = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1) {
      const std::string key = parsed.get<std::string>();
      if (!seen.insert(key).second && duplicate.empty()) duplicate = key;
    }
    return true;
  };
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(begin, end, cb);
  } catch (const nlohmann::json::exception& e) {
    fail(path, std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!duplicate.empty()) fail(path, "tensor '" + duplicate + "' appears twice in the header");
  if (!header.is_object()) fail(path, "header is not a JSON object");
  return header;
}

SafetensorsEntry parse_entry(const std::string& path, const std::string& name, const nlohmann::json& j,
                             uint64_t data_size) {
  const std::string where = "tensor '" + name + "': ";
  if (!j.is_object()) fail(path, where + "entry is not an object");
  SafetensorsEntry e;
  if (!j.contains("dtype") || !j["dtype"].is_string()) fail(path, where + "missing dtype");
  const std::string dtype = j["dtype"].get<std::string>();
  if (!parse_dtype(dtype, &e.dtype)) fail(path, where + "unknown dtype '" + dtype + "'");
  if (!j.contains("shape") || !j["shape"].is_array()) fail(path, where + "missing shape");
  uint64_t count = 1;
  for (const auto& d : j["shape"]) {
    if (!d.is_number_unsigned()) fail(path, where + "shape has a negative or non-integer dimension");
    const uint64_t v = d.get<uint64_t>();
    if (v != 0 && count > std::numeric_limits<uint64_t>::max() / v) fail(path, where + "shape overflows");
    count *= v;
    e.shape.push_back(static_cast<int64_t>(v));
  }
  const auto& off = j.contains("data_offsets") ? j["data_offsets"] : nlohmann::json();
  if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
    fail(path, where + "data_offsets must be [begin, end]");
  e.begin = off[0].get<uint64_t>();
  e.end = off[1].get<uint64_t>();
  if (e.begin > e.end) fail(path, where + "data_offsets begin after end");
  if (e.end > data_size)
    fail(path, where + "data_offsets end " + std::to_string(e.end) + " past the data section (" +
                   std::to_string(data_size) + " bytes): the file is truncated or corrupt");
  const uint64_t elem = dtype_size(e.dtype);
  if (count > std::numeric_limits<uint64_t>::max() / elem || count * elem != e.end - e.begin)
    fail(path, where + "shape x dtype size (" + std::to_string(count) + " x " + std::to_string(elem) +
                   " bytes) does not match its byte range (" + std::to_string(e.end - e.begin) + " bytes)");
  return e;
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const uint8_t* data, uint64_t size, const std::string& path) {
  if (size < 8) fail(path, "file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  uint64_t n = 0;
  std::memcpy(&n, data, 8);  // little-endian on every platform we build for
  if (n > kMaxHeader) fail(path, "header length " + std::to_string(n) + " exceeds the 100 MB limit");
  if (n > size - 8)
    fail(path, "header length " + std::to_string(n) + " runs past the end of the file (" + std::to_string(size) +
                   " bytes): the file is truncated");
  if (n == 0 || data[8] != '{') fail(path, "header does not start with '{'");
  SafetensorsHeader h;
  h.data_start = 8 + n;
  const auto* hb = reinterpret_cast<const char*>(data + 8);
  const nlohmann::json header = parse_header(path, hb, hb + n);
  const uint64_t data_size = size - h.data_start;

  for (const auto& [name, value] : header.items()) {
    if (name == "__metadata__") {
      if (!value.is_object()) fail(path, "__metadata__ is not an object");
      for (const auto& [k, v] : value.items()) {
        if (!v.is_string()) fail(path, "__metadata__ value of '" + k + "' is not a string");
        h.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    h.entries[name] = parse_entry(path, name, value, data_size);
  }

  std::vector<std::pair<const std::string*, const SafetensorsEntry*>> by_offset;
  for (const auto& [name, e] : h.entries) by_offset.emplace_back(&name, &e);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i].second->begin < by_offset[i - 1].second->end)
      fail(path, "tensors '" + *by_offset[i - 1].first + "' and '" + *by_offset[i].first + "' overlap");
  }
  return h;
}

SafetensorsFile::SafetensorsFile(const std::string& path)
    : file_(path), header_(parse_safetensors_header(file_.data(), file_.size(), path)) {}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = header_.entries.find(name);
  if (it == header_.entries.end()) throw Error(path() + ": tensor '" + name + "' is missing");
  return it->second;
}

const uint8_t* SafetensorsFile::data(const std::string& name) const {
  return file_.data() + header_.data_start + entry(name).begin;
}

namespace {

class SafetensorsSource : public WeightSource {
 public:
  SafetensorsSource(std::string path, std::vector<std::unique_ptr<SafetensorsFile>> files,
                    std::map<std::string, const SafetensorsFile*> owner)
      : path_(std::move(path)), files_(std::move(files)), owner_(std::move(owner)) {}

  const std::string& path() const override { return path_; }
  std::vector<std::string> names() const override {
    std::vector<std::string> out;
    for (const auto& [name, f] : owner_) out.push_back(name);
    return out;
  }
  bool contains(const std::string& name) const override { return owner_.count(name) != 0; }
  std::vector<int64_t> shape(const std::string& name) const override { return file_of(name).entry(name).shape; }
  std::string stored_type(const std::string& name) const override {
    return dtype_name(file_of(name).entry(name).dtype);
  }
  void read_f32(const std::string& name, float* out) const override {
    const SafetensorsFile& f = file_of(name);
    const SafetensorsEntry& e = f.entry(name);
    convert_to_f32(e.dtype, f.data(name), static_cast<size_t>(numel(e.shape)), out);
  }

 private:
  const SafetensorsFile& file_of(const std::string& name) const {
    auto it = owner_.find(name);
    if (it == owner_.end()) throw Error(path_ + ": tensor '" + name + "' is missing");
    return *it->second;
  }

  std::string path_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, const SafetensorsFile*> owner_;
};

std::unique_ptr<WeightSource> open_index(const std::string& folder, const std::string& index_path) {
  nlohmann::json index;
  try {
    index = nlohmann::json::parse(read_file(index_path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(index_path + ": not valid JSON (" + e.what() + ")");
  }
  if (!index.contains("weight_map") || !index["weight_map"].is_object())
    throw Error(index_path + ": missing the \"weight_map\" object");
  std::map<std::string, SafetensorsFile*> shards;
  std::vector<std::unique_ptr<SafetensorsFile>> files;
  std::map<std::string, const SafetensorsFile*> owner;
  for (const auto& [tensor, file] : index["weight_map"].items()) {
    if (!file.is_string()) throw Error(index_path + ": weight_map entry of '" + tensor + "' is not a file name");
    const std::string shard = file.get<std::string>();
    if (shard.find('/') != std::string::npos)
      throw Error(index_path + ": shard name '" + shard + "' must be a file in the same folder");
    auto it = shards.find(shard);
    if (it == shards.end()) {
      files.push_back(std::make_unique<SafetensorsFile>(folder + "/" + shard));
      it = shards.emplace(shard, files.back().get()).first;
    }
    if (!it->second->entries().count(tensor))
      throw Error(it->second->path() + ": tensor '" + tensor + "' listed in " + index_path + " is missing");
    owner[tensor] = it->second;
  }
  return std::make_unique<SafetensorsSource>(folder, std::move(files), std::move(owner));
}

}  // namespace

std::unique_ptr<WeightSource> open_safetensors(const std::string& file_or_folder) {
  namespace fs = std::filesystem;
  std::string file = file_or_folder;
  if (fs::is_directory(file_or_folder)) {
    const std::string index = file_or_folder + "/model.safetensors.index.json";
    if (fs::exists(index)) return open_index(file_or_folder, index);
    file = file_or_folder + "/model.safetensors";
    if (!fs::exists(file))
      throw Error(file_or_folder + ": no model.safetensors or model.safetensors.index.json in this folder");
  }
  auto f = std::make_unique<SafetensorsFile>(file);
  std::map<std::string, const SafetensorsFile*> owner;
  for (const auto& [name, e] : f->entries()) owner[name] = f.get();
  std::vector<std::unique_ptr<SafetensorsFile>> files;
  files.push_back(std::move(f));
  return std::make_unique<SafetensorsSource>(file_or_folder, std::move(files), std::move(owner));
}

}  // namespace srs
