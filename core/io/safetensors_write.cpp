#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

namespace {

void check_tensor(const std::string& path, const SafetensorsTensor& t) {
  const uint64_t expected = static_cast<uint64_t>(numel(t.shape)) * dtype_size(t.dtype);
  if (expected != t.nbytes)
    throw Error(path + ": tensor '" + t.name + "' has " + std::to_string(t.nbytes) + " bytes but its shape and dtype need " +
                std::to_string(expected));
}

// The reference writer's order: larger element types first (keeps every tensor aligned), then by name.
std::vector<const SafetensorsTensor*> write_order(const std::vector<SafetensorsTensor>& tensors) {
  std::vector<const SafetensorsTensor*> order;
  for (const auto& t : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const SafetensorsTensor* a, const SafetensorsTensor* b) {
    const size_t sa = dtype_size(a->dtype), sb = dtype_size(b->dtype);
    return sa != sb ? sa > sb : a->name < b->name;
  });
  return order;
}

}  // namespace

void write_safetensors(const std::string& path, const std::vector<SafetensorsTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header;
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  meta["format"] = "pt";
  for (const auto& [k, v] : metadata) meta[k] = v;
  header["__metadata__"] = meta;
  const auto order = write_order(tensors);
  uint64_t offset = 0;
  for (const SafetensorsTensor* t : order) {
    check_tensor(path, *t);
    if (header.contains(t->name)) throw Error(path + ": tensor '" + t->name + "' given twice");
    header[t->name] = {{"dtype", dtype_name(t->dtype)}, {"shape", t->shape}, {"data_offsets", {offset, offset + t->nbytes}}};
    offset += t->nbytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');  // pad so the data section starts 8-aligned
  const uint64_t n = json.size();

  AtomicFile out(path);
  out.write(&n, 8);
  out.write(json);
  for (const SafetensorsTensor* t : order) out.write(t->data, t->nbytes);
  out.commit();
}

std::vector<std::string> write_safetensors_sharded(const std::string& folder,
                                                   const std::vector<SafetensorsTensor>& tensors,
                                                   uint64_t max_shard_bytes) {
  // Greedy split in write order; a tensor larger than the limit gets a shard of its own.
  std::vector<std::vector<SafetensorsTensor>> shards(1);
  uint64_t in_shard = 0, total = 0;
  for (const SafetensorsTensor* t : write_order(tensors)) {
    if (in_shard > 0 && in_shard + t->nbytes > max_shard_bytes) {
      shards.emplace_back();
      in_shard = 0;
    }
    shards.back().push_back(*t);
    in_shard += t->nbytes;
    total += t->nbytes;
  }
  std::vector<std::string> written;
  if (shards.size() == 1) {
    write_safetensors(folder + "/model.safetensors", tensors);
    written.push_back(folder + "/model.safetensors");
    return written;
  }
  nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
  for (size_t i = 0; i < shards.size(); ++i) {
    char name[64];
    std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
    write_safetensors(folder + "/" + name, shards[i]);
    written.push_back(folder + "/" + name);
    for (const auto& t : shards[i]) weight_map[t.name] = name;
  }
  nlohmann::ordered_json index;
  index["metadata"] = {{"total_size", total}};
  index["weight_map"] = weight_map;
  write_file_atomic(folder + "/model.safetensors.index.json", index.dump(2) + "\n");
  written.push_back(folder + "/model.safetensors.index.json");
  return written;
}

}  // namespace srs
