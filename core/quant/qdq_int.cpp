#include "quant/qdq_int.h"

#include "util/error.h"

namespace srs {
namespace {

// The range always contains 0 (auto-round clamps min <= 0 <= max before scaling).
void group_range(const at::Tensor& wg, at::Tensor& wmin, at::Tensor& wmax) {
  wmin = at::clamp_max(std::get<0>(wg.min(1)), 0);
  wmax = at::clamp_min(std::get<0>(wg.max(1)), 0);
}

at::Tensor scaled(const at::Tensor& x, const at::Tensor& factor) { return factor.defined() ? x * factor : x; }

at::Tensor add_v(const at::Tensor& x, const Tunables& t) { return t.v.defined() ? x + t.v : x; }

// clamp on fp16 values. LibTorch 1.13 has no CPU clamp kernel for Half, so clamp in float against
// the bound rounded to fp16 (what torch's Half kernel compares with) and round back; both are
// exact, and the gradient is masked the same way.
at::Tensor clamp_half(const at::Tensor& h, c10::optional<double> lo, c10::optional<double> hi) {
  auto as_half = [](c10::optional<double> v) -> c10::optional<at::Scalar> {
    if (!v) return c10::nullopt;
    return at::Scalar(static_cast<float>(c10::Half(static_cast<float>(*v))));
  };
  return clamp_ref(h.to(at::kFloat), as_half(lo), as_half(hi)).to(at::kHalf);
}

// A signed scale keeps its sign but is pushed away from 0 to at least `thresh` in magnitude.
at::Tensor signed_threshold(const at::Tensor& scale, double thresh) {
  return at::where(scale < 0, clamp_half(scale, c10::nullopt, -thresh), clamp_half(scale, thresh, c10::nullopt));
}

GroupedQdq full_range_sym(const at::Tensor& wg, int bits, const Tunables& t, double thresh) {
  const int64_t maxq = int64_t{1} << (bits - 1);
  at::Tensor scale;
  if (t.init_scale.defined()) {
    at::Tensor init = t.init_scale.reshape({-1, 1});
    scale = t.max_scale.defined() ? init * t.max_scale.unsqueeze(-1) : init;
    scale = signed_threshold(scale.to(at::kHalf), thresh);
  } else {
    at::Tensor wmin, wmax;
    group_range(wg, wmin, wmax);
    const at::Tensor wmin_abs = -scaled(wmin, t.min_scale);
    const at::Tensor wmax_abs = scaled(wmax, t.max_scale);
    // The larger side wins and keeps its sign: a negative extreme maps to level -2^(b-1).
    const at::Tensor sign = (wmax_abs < wmin_abs).to(at::kInt) * 2 - 1;
    const at::Tensor max_v = sign * at::maximum(wmax_abs, wmin_abs);
    scale = signed_threshold((max_v / maxq).to(at::kHalf), thresh).unsqueeze(-1);
  }
  const at::Tensor q = clamp_ref(round_ste(add_v(wg / scale, t)), -maxq, maxq - 1);
  GroupedQdq r;
  r.weight = scale * q;
  r.codes = q.detach();
  r.scale = scale.detach().reshape({-1});
  return r;
}

GroupedQdq zero_point_kind(const at::Tensor& wg, IntKind kind, int bits, const Tunables& t, double thresh) {
  if (t.init_scale.defined())
    throw Error("an initial scale (SignRoundV2 scale search) only applies to symmetric int; this layer is " +
                std::string(kind == IntKind::Asym ? "asymmetric" : "GPTQ-style symmetric"));
  const int64_t maxq = (int64_t{1} << bits) - 1;
  at::Tensor wmin, wmax;
  group_range(wg, wmin, wmax);
  wmin = scaled(wmin, t.min_scale);
  wmax = scaled(wmax, t.max_scale);
  at::Tensor scale, zp;
  if (kind == IntKind::Asym) {
    scale = clamp_half(((wmax - wmin) / maxq).to(at::kHalf), thresh, c10::nullopt);
    zp = round_ste(-wmin / scale).unsqueeze(-1);
    scale = scale.unsqueeze(-1);
  } else {
    // Symmetric range [-m, m] with m = max(|min|, max); an all-positive group keeps [0, m].
    const at::Tensor wmax_new = at::maximum(wmin.abs(), wmax);
    const at::Tensor wmin_new = at::where(wmin < 0, -wmax_new, wmin);
    scale = clamp_half(((wmax_new - wmin_new) / maxq).to(at::kHalf), thresh, c10::nullopt).unsqueeze(-1);
    zp = at::full_like(scale, static_cast<double>((maxq + 1) / 2));
  }
  const at::Tensor q = clamp_ref(round_ste(add_v(wg / scale, t)) + zp, 0, maxq);
  GroupedQdq r;
  r.weight = scale * (q - zp);
  r.codes = q.detach();
  r.scale = scale.detach().reshape({-1});
  r.zero_point = zp.detach().to(at::kFloat).reshape({-1});
  return r;
}

}  // namespace

GroupedQdq qdq_int(const at::Tensor& wg, IntKind kind, int bits, const Tunables& t, double q_scale_thresh) {
  if (kind == IntKind::FullRangeSym) return full_range_sym(wg, bits, t, q_scale_thresh);
  return zero_point_kind(wg, kind, bits, t, q_scale_thresh);
}

}  // namespace srs
