#include "quant/scale_search.h"

#include "quant/grouping.h"
#include "quant/qdq_mx.h"
#include "quant/qdq_nv.h"
#include "util/error.h"

namespace srs {
namespace {

// 1/x, with 0 where |x| < 1e-30 (auto_round.utils.get_reciprocal for float32).
at::Tensor safe_reciprocal(const at::Tensor& x) {
  const at::Tensor safe = x.abs() >= 1e-30;
  return at::where(safe, at::reciprocal(at::where(safe, x, at::ones_like(x))), at::zeros_like(x));
}

at::Tensor weighted_loss(const at::Tensor& qdq, const at::Tensor& w, const at::Tensor& qw) {
  return ((qdq - w).pow(2) * qw).sum(-1);
}

// Keeps, per group row, the candidate with the strictly smaller loss (ties keep the earlier one).
void keep_better(at::Tensor& best_loss, at::Tensor& best, const at::Tensor& loss, const at::Tensor& cand) {
  const at::Tensor better = loss < best_loss;
  best_loss = at::where(better, loss, best_loss);
  best = at::where(better.unsqueeze(-1), cand, best);
}

at::Tensor search_int(const at::Tensor& wg, int bits, const at::Tensor& qw) {
  const int64_t nmax = int64_t{1} << (bits - 1);
  const at::Tensor imax = wg.abs().argmax(-1, /*keepdim=*/true);
  const at::Tensor group_max = wg.gather(-1, imax);  // signed value of the largest |w|
  const at::Tensor inv_max = safe_reciprocal(group_max);
  auto candidate = [&](double level, at::Tensor& scale) {
    const at::Tensor iscale = -level * inv_max;
    scale = safe_reciprocal(iscale);
    const at::Tensor q = at::clamp(at::round(iscale * wg), -nmax, nmax - 1);
    return weighted_loss(scale * q, wg, qw);
  };
  at::Tensor best;
  // Level nmax, written as the reference's integer product so the float math is identical.
  const at::Tensor iscale0 = -nmax * inv_max;
  best = safe_reciprocal(iscale0);
  at::Tensor best_loss = weighted_loss(best * at::clamp(at::round(iscale0 * wg), -nmax, nmax - 1), wg, qw);
  int64_t steps;
  double step;
  if (bits == 2) {
    steps = 90;
    step = 0.01;
  } else {
    const double range = static_cast<double>(nmax) * 0.75;  // AR_SEARCH_SCALE_RATIO default
    step = range / 200 * 2;
    steps = static_cast<int64_t>(range / step);
  }
  for (int64_t i = -steps; i <= steps; ++i) {
    if (i == 0) continue;
    at::Tensor scale;
    const at::Tensor loss = candidate(static_cast<double>(nmax) - step * static_cast<double>(i), scale);
    keep_better(best_loss, best, loss, scale);
  }
  return best;
}

at::Tensor search_by_multiplier(const at::Tensor& wg, const std::vector<double>& multipliers,
                                const std::function<at::Tensor(const at::Tensor&)>& qdq_with, const at::Tensor& qw) {
  const int64_t rows = wg.size(0);
  at::Tensor best = at::ones({rows, 1});
  at::Tensor best_loss = weighted_loss(qdq_with(at::Tensor()), wg, qw);
  for (double m : multipliers) {
    const at::Tensor cand = at::full({rows, 1}, m);
    keep_better(best_loss, best, weighted_loss(qdq_with(cand), wg, qw), cand);
  }
  return best;
}

}  // namespace

at::Tensor search_init_scale(const at::Tensor& weight, const Scheme& scheme, const at::Tensor& imatrix,
                             const std::string& layer, double q_scale_thresh) {
  validate_scheme(scheme, layer);
  if (weight.dim() != 2) throw Error(layer + ": expected a 2-D weight for the scale search");
  if (!quantizes_weights(scheme)) throw Error(layer + ": scale search on an unquantized (16-bit) layer");
  if (scheme.data_type == "int_sym_gptq" || (scheme.data_type == "int" && !scheme.sym))
    throw Error(layer + ": the SignRoundV2 scale search applies to symmetric int, mx_fp and nv_fp only; "
                "this layer is " + describe_scheme(scheme));
  if (!at::isfinite(weight).all().item<bool>())
    throw Error(layer + ": weight contains NaN or Inf; the scale search needs finite weights");
  const GroupLayout g = group_layout(weight.size(0), weight.size(1), scheme.group_size);
  at::NoGradGuard no_grad;
  const at::Tensor wg = to_groups(weight.detach().to(at::kFloat), g);

  at::Tensor qw;
  if (imatrix.defined()) {
    if (imatrix.numel() != weight.size(1))
      throw Error(layer + ": imatrix has " + std::to_string(imatrix.numel()) + " entries, the weight has " +
                  std::to_string(weight.size(1)) + " input channels");
    // Same grouping as the weight, padding columns weighted 1e-5 (reshape_imatrix_for_weight).
    const GroupLayout row = group_layout(1, weight.size(1), scheme.group_size);
    at::Tensor im = imatrix.detach().to(at::kFloat).reshape({1, -1});
    if (row.pad > 0) im = at::constant_pad_nd(im, {0, row.pad}, 1e-5);
    qw = im.reshape({1, -1}).expand({wg.numel() / (row.rows * row.group), -1}).reshape(wg.sizes());
  } else {
    qw = at::ones_like(wg);
  }

  if (scheme.data_type == "int") {
    const at::Tensor s = search_int(wg, scheme.bits, qw);
    return at::where(s < 0, at::clamp_max(s, -q_scale_thresh), at::clamp_min(s, q_scale_thresh));
  }
  if (scheme.data_type == "mx_fp") {
    return search_by_multiplier(
        wg, {0.5, 2.0},
        [&](const at::Tensor& m) {
          Tunables t;
          t.init_scale = m;
          return qdq_mx(wg, scheme.bits, t).weight;
        },
        qw);
  }
  // nv_fp: candidates share the group's own global scale (the search does not see fused-layer sharing).
  const at::Tensor gs = nv_global_scale(wg.abs().max());
  std::vector<double> mults;
  for (int v = 50; v < 152; ++v)
    if (v != 100) mults.push_back(v / 100.0);
  return search_by_multiplier(
      wg, mults,
      [&](const at::Tensor& m) {
        Tunables t;
        t.max_scale = m.defined() ? m.reshape({-1}) : m;
        return qdq_nv(wg, gs, t).weight;
      },
      qw);
}

}  // namespace srs
