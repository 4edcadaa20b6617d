#include "quant/qdq_mx.h"

#include <cmath>

#include "util/error.h"

namespace srs {

const MxFormat& mx_format(int bits) {
  static const MxFormat fp4{2, 3, 2, 6.0};
  static const MxFormat fp6{2, 5, 2, 7.5};
  static const MxFormat fp8{4, 5, 8, 448.0};
  switch (bits) {
    case 4: return fp4;
    case 6: return fp6;
    case 8: return fp8;
    default: throw Error("mx_fp: no element format for " + std::to_string(bits) + " bits; use 4, 6 or 8");
  }
}

at::Tensor mx_quant_element(const at::Tensor& x, const MxFormat& f) {
  // Private exponent of each element (log2 of 1 for zeros), not below the smallest normal exponent.
  const double min_exp = 2.0 - std::pow(2.0, f.ebits - 1);
  const at::Tensor private_exp =
      clamp_ref(floor_ste(at::log2(x.abs() + (x == 0).to(x.scalar_type()))), min_exp, c10::nullopt);
  const double mant_scale = std::pow(2.0, f.mbits - 2);
  const at::Tensor y = x / at::pow(2.0, private_exp) * mant_scale;
  // Round half to even by hand (as the reference does): floor(|y| + 0.5), minus 1 on exact odd ties.
  const at::Tensor ay = y.abs();
  const at::Tensor odd_tie = (at::remainder(ay - 0.5, 2) == at::zeros_like(ay)).to(y.scalar_type());
  const at::Tensor rounded = at::sign(y) * (floor_ste(ay + 0.5) - odd_tie);
  const at::Tensor back = rounded / mant_scale * at::pow(2.0, private_exp);
  return clamp_ref(back, -f.max_norm, f.max_norm);
}

GroupedQdq qdq_mx(const at::Tensor& xg, int bits, const Tunables& t) {
  const MxFormat& f = mx_format(bits);
  at::Tensor amax = std::get<0>(at::max(xg.abs(), -1, /*keepdim=*/true));
  if (t.max_scale.defined()) {
    const at::Tensor alpha = t.max_scale.unsqueeze(-1);
    amax = amax * (t.init_scale.defined() ? t.init_scale.reshape({-1, 1}) * alpha : alpha);
  } else if (t.init_scale.defined()) {
    amax = amax * t.init_scale.reshape({-1, 1});
  }
  // A zero group takes log2 := 1 (the reference's choice), i.e. e = 1 - emax.
  at::Tensor shared_exp = floor_ste(at::where(amax == 0, at::ones_like(amax), at::log2(amax)));
  shared_exp = clamp_ref(shared_exp - f.emax, -127.0, 127.0);
  const at::Tensor scale = at::pow(2.0, shared_exp);
  at::Tensor y = xg / scale;
  if (t.v.defined()) y = y + t.v;
  y = clamp_ref(y, -f.max_norm, f.max_norm);
  const at::Tensor elements = mx_quant_element(y, f);
  GroupedQdq r;
  r.weight = elements * scale;
  r.codes = elements.detach();
  r.scale = shared_exp.detach().reshape({-1});
  return r;
}

}  // namespace srs
