#include "test_quant_golden.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "test_paths.h"
#include "util/error.h"

namespace srs::test {

std::string QuantGolden::json_path() { return golden("quant/quant.json"); }

const QuantGolden& QuantGolden::get() {
  static const QuantGolden g = [] {
    QuantGolden q;
    std::ifstream js(json_path());
    if (!js) throw Error("missing " + json_path() + "; run scripts/gen_quant_golden.py");
    q.doc_ = nlohmann::json::parse(js);
    const std::string bin = golden("quant/quant.bin");
    std::ifstream bs(bin, std::ios::binary);
    if (!bs) throw Error("missing " + bin + "; run scripts/gen_quant_golden.py");
    q.blob_.assign(std::istreambuf_iterator<char>(bs), std::istreambuf_iterator<char>());
    return q;
  }();
  return g;
}

at::Tensor QuantGolden::tensor(const nlohmann::json& desc) const {
  const std::vector<int64_t> shape = desc.at("shape").get<std::vector<int64_t>>();
  const size_t offset = desc.at("offset").get<size_t>();
  const std::string dtype = desc.at("dtype").get<std::string>();
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  const at::ScalarType st = dtype == "f32" ? at::kFloat : at::kInt;
  if (dtype != "f32" && dtype != "i32") throw Error("golden tensor: unknown dtype " + dtype);
  if (offset + static_cast<size_t>(n) * 4 > blob_.size()) throw Error("golden tensor: offset past the end of quant.bin");
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(st));
  std::memcpy(t.data_ptr(), blob_.data() + offset, static_cast<size_t>(n) * 4);  // host is little-endian
  return t;
}

namespace {
int64_t ordered_bits(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i < 0 ? -static_cast<int64_t>(i & 0x7fffffff) : i;  // monotone integer order, -0 == +0
}
}  // namespace

int64_t count_ulp_mismatch(const at::Tensor& a, const at::Tensor& b, int ulps) {
  const at::Tensor x = a.detach().to(at::kFloat).contiguous().reshape({-1});
  const at::Tensor y = b.detach().to(at::kFloat).contiguous().reshape({-1});
  if (x.numel() != y.numel()) return std::max<int64_t>(1, x.numel() + y.numel());
  const float* p = x.data_ptr<float>();
  const float* q = y.data_ptr<float>();
  int64_t bad = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (std::isnan(p[i]) || std::isnan(q[i])) {
      bad += std::isnan(p[i]) != std::isnan(q[i]);
      continue;
    }
    bad += std::llabs(ordered_bits(p[i]) - ordered_bits(q[i])) > ulps;
  }
  return bad;
}

int64_t count_rel_mismatch(const at::Tensor& a, const at::Tensor& b, double rel, double floor) {
  const at::Tensor x = a.detach().to(at::kDouble).contiguous().reshape({-1});
  const at::Tensor y = b.detach().to(at::kDouble).contiguous().reshape({-1});
  if (x.numel() != y.numel()) return std::max<int64_t>(1, x.numel() + y.numel());
  const double* p = x.data_ptr<double>();
  const double* q = y.data_ptr<double>();
  int64_t bad = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (std::isnan(p[i]) || std::isnan(q[i])) {
      bad += std::isnan(p[i]) != std::isnan(q[i]);
      continue;
    }
    bad += std::fabs(p[i] - q[i]) > rel * std::max(std::fabs(q[i]), floor);
  }
  return bad;
}

}  // namespace srs::test
