#include "quant/qdq_nv.h"

#include "quant/fp8_e4m3.h"

namespace srs {
namespace {

constexpr double kFp8Max = 448.0;
constexpr double kFp4Max = 6.0;

// 1/x with 1/0 := 0 (the reference's get_reciprocal).
at::Tensor reciprocal_or_zero(const at::Tensor& x) {
  return at::where(x == 0, at::zeros_like(x), at::reciprocal(x));
}

at::Tensor fp8_e4m3_ste(const at::Tensor& x) { return (round_fp8_e4m3(x.detach()) - x).detach() + x; }

}  // namespace

at::Tensor nv_global_scale(const at::Tensor& amax) { return kFp8Max * kFp4Max * reciprocal_or_zero(amax); }

at::Tensor cast_to_fp4_ste(const at::Tensor& x) {
  const at::Tensor sign = at::sign(x);
  const at::Tensor a = x.abs();
  // Grid steps: 0.5 below 2, 1 below 4, 2 above.
  const at::Tensor fine = round_ste(2.0 * a) / 2.0;
  const at::Tensor mid = round_ste(a);
  const at::Tensor coarse = 2.0 * round_ste(a / 2.0);
  const at::Tensor below2 = a < 2.0;
  const at::Tensor below4 = a < 4.0;
  const at::Tensor not2 = below2.logical_not();
  at::Tensor y = fine * below2 + mid * not2 * below4 + coarse * not2 * below4.logical_not();
  return clamp_ref(y, -kFp4Max, kFp4Max) * sign;
}

GroupedQdq qdq_nv(const at::Tensor& xg, const at::Tensor& global_scale, const Tunables& t) {
  const at::Tensor gs = global_scale.defined() ? global_scale.to(at::kFloat)
                                               : nv_global_scale(at::max(xg.to(at::kFloat).abs()));
  at::Tensor block_max = std::get<0>(at::max(xg.abs(), -1, /*keepdim=*/true));
  if (t.max_scale.defined() || t.init_scale.defined()) {
    at::Tensor coeff;
    if (t.max_scale.defined() && t.init_scale.defined())
      coeff = t.max_scale.reshape({-1}) * t.init_scale.reshape({-1});
    else
      coeff = t.max_scale.defined() ? t.max_scale.reshape({-1}) : t.init_scale.reshape({-1});
    block_max = block_max * coeff.view({-1, 1});
  }
  at::Tensor scale = gs * (block_max * (1.0 / kFp4Max));
  scale = fp8_e4m3_ste(clamp_ref(scale, -kFp8Max, kFp8Max));
  const at::Tensor out_scale = reciprocal_or_zero(scale * reciprocal_or_zero(gs));
  at::Tensor y = xg * out_scale;
  if (t.v.defined()) y = y + t.v;
  const at::Tensor elements = cast_to_fp4_ste(clamp_ref(y, -kFp4Max, kFp4Max));
  GroupedQdq r;
  r.weight = elements * reciprocal_or_zero(out_scale);
  r.codes = elements.detach();
  r.scale = scale.detach().reshape({-1});
  r.global_scale = gs.detach();
  return r;
}

}  // namespace srs
