#include "quant/fp8_e4m3.h"

#include <cmath>
#include <limits>

#include "util/error.h"

namespace srs {

float round_fp8_e4m3(float x) {
  if (std::isnan(x)) return x;
  const float a = std::fabs(x);
  constexpr float kMinNormal = 0.015625f;  // 2^-6
  float r;
  if (a < kMinNormal) {
    r = std::nearbyint(a * 512.0f) / 512.0f;  // subnormals: fixed step 2^-9
  } else {
    int e = 0;
    std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1): 3 mantissa bits give step 2^(e - 4)
    r = std::ldexp(std::nearbyint(std::ldexp(a, 4 - e)), e - 4);
  }
  if (r > 448.0f) return std::numeric_limits<float>::quiet_NaN();
  return std::copysign(r, x);
}

at::Tensor round_fp8_e4m3(const at::Tensor& x) {
  if (x.scalar_type() != at::kFloat) throw Error("round_fp8_e4m3: expected a float32 tensor");
  // Block scales are small (one per 16 weights): a round trip through host memory is cheap.
  if (!x.is_cpu()) return round_fp8_e4m3(x.cpu()).to(x.device());
  at::Tensor in = x.contiguous();
  at::Tensor out = at::empty_like(in);
  const float* src = in.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const int64_t n = in.numel();
  for (int64_t i = 0; i < n; ++i) dst[i] = round_fp8_e4m3(src[i]);
  return out;
}

}  // namespace srs
