#pragma once
// Reader for tests/golden/quant/quant.{json,bin}, written by scripts/gen_quant_golden.py from
// auto-round's own functions: JSON case list, tensors as little-endian blobs at byte offsets.
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace srs::test {

class QuantGolden {
 public:
  // Loaded once per test binary; throws srs::Error when the files are missing or malformed.
  static const QuantGolden& get();
  static std::string json_path();

  const nlohmann::json& doc() const { return doc_; }
  // Tensor described by {"dtype": "f32"|"i32", "shape": [...], "offset": n}.
  at::Tensor tensor(const nlohmann::json& desc) const;

 private:
  nlohmann::json doc_;
  std::vector<char> blob_;
};

// Count of positions where a and b differ beyond `ulps` units in the last place of float32
// (NaN equals NaN; +0 equals -0). Used for the exact (ulps = 0) and one-ulp comparisons.
int64_t count_ulp_mismatch(const at::Tensor& a, const at::Tensor& b, int ulps);

// Count of positions with |a - b| > rel * max(|b|, floor) (NaN equals NaN).
int64_t count_rel_mismatch(const at::Tensor& a, const at::Tensor& b, double rel, double floor);

}  // namespace srs::test
