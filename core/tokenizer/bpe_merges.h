#pragma once
// The BPE merge loop shared by both tokenizer kinds: repeatedly merge the adjacent pair with
// the best priority (lowest merge rank, or highest SentencePiece score), leftmost on ties.
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace srs {

class MergeTable {
 public:
  struct Merge {
    double priority;  // lower merges first
    int32_t merged;
  };
  // A later add() of the same pair replaces the earlier one (as HF's merges map does).
  void add(int32_t left, int32_t right, double priority, int32_t merged) {
    map_[key(left, right)] = Merge{priority, merged};
  }
  const Merge* find(int32_t left, int32_t right) const {
    auto it = map_.find(key(left, right));
    return it == map_.end() ? nullptr : &it->second;
  }
  size_t size() const { return map_.size(); }

  // Merges symbols (token ids) in place.
  void apply(std::vector<int32_t>& symbols) const;

 private:
  static uint64_t key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  std::unordered_map<uint64_t, Merge> map_;
};

}  // namespace srs
