#include "quant/qdq.h"

#include <sstream>

#include "quant/qdq_int.h"
#include "quant/qdq_mx.h"
#include "quant/qdq_nv.h"
#include "util/error.h"

namespace srs {
namespace {

std::string shape_str(at::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

void check_finite(const at::Tensor& w, const std::string& layer) {
  const at::Tensor bad = at::logical_not(at::isfinite(w)).reshape({-1});
  if (!bad.any().item<bool>()) return;
  const int64_t flat = at::nonzero(bad)[0].item<int64_t>();
  const int64_t in = w.size(-1);
  std::ostringstream o;
  o << layer << ": weight contains NaN or Inf (first at row " << flat / in << ", column " << flat % in
    << ", value " << w.reshape({-1})[flat].item<float>() << "); the checkpoint is damaged or was saved "
    << "after a diverged run, re-export or re-download it";
  throw Error(o.str());
}

void check_shape(const at::Tensor& t, std::vector<int64_t> want, const char* what, const std::string& layer) {
  if (!t.defined()) return;
  bool ok = t.sizes() == at::IntArrayRef(want);
  // init_scale comes as [R] or [R, 1] (the V2 searches keep the reduced dim).
  if (!ok && want.size() == 1) ok = t.dim() == 2 && t.size(0) == want[0] && t.size(1) == 1;
  if (!ok)
    throw Error(layer + ": tunable " + what + " has shape " + shape_str(t.sizes()) + ", expected " +
                shape_str(want) + " for this weight and group size; rebuild the tunables with make_tunables");
  if (t.scalar_type() != at::kFloat)
    throw Error(layer + ": tunable " + what + " must be float32, got " + std::string(c10::toString(t.scalar_type())));
}

GroupedQdq dispatch(const at::Tensor& wg, const Scheme& s, const Tunables& t, const QdqOptions& opt,
                    const std::string& layer) {
  if (s.data_type == "int")
    return qdq_int(wg, s.sym ? IntKind::FullRangeSym : IntKind::Asym, s.bits, t, opt.q_scale_thresh);
  if (s.data_type == "int_sym_gptq") return qdq_int(wg, IntKind::GptqSym, s.bits, t, opt.q_scale_thresh);
  if (s.data_type == "mx_fp") return qdq_mx(wg, s.bits, t);
  if (s.data_type == "nv_fp") return qdq_nv(wg, opt.global_scale, t);
  throw Error(layer + ": no quantizer for data_type " + s.data_type);
}

}  // namespace

WeightQdq qdq_weight(const at::Tensor& weight, const Scheme& scheme, const Tunables& t, const std::string& layer,
                     const QdqOptions& opt) {
  validate_scheme(scheme, layer);
  if (weight.dim() != 2 || weight.numel() == 0)
    throw Error(layer + ": expected a non-empty 2-D weight, got shape " + shape_str(weight.sizes()));
  WeightQdq out;
  out.layout = group_layout(weight.size(0), weight.size(1), scheme.group_size);
  if (!quantizes_weights(scheme)) {
    out.weight = weight;
    return out;
  }
  check_finite(weight, layer);
  const GroupLayout& g = out.layout;
  check_shape(t.v, {g.rows, g.group}, "V", layer);
  check_shape(t.min_scale, {g.rows}, "min_scale (beta)", layer);
  check_shape(t.max_scale, {g.rows}, "max_scale (alpha)", layer);
  check_shape(t.init_scale, {g.rows}, "init_scale", layer);

  // float32 throughout: a bf16 / fp16 weight is promoted exactly as the reference's mixed ops do.
  const at::Tensor wg = to_groups(weight.detach().to(at::kFloat), g);
  GroupedQdq q = dispatch(wg, scheme, t, opt, layer);
  out.weight = from_groups(q.weight, g).to(weight.scalar_type());
  const bool int_type = scheme.data_type != "mx_fp" && scheme.data_type != "nv_fp";
  out.codes = from_groups(q.codes, g).contiguous();
  if (int_type) out.codes = out.codes.to(at::kInt);
  out.scale = q.scale;
  out.zero_point = q.zero_point;
  if (scheme.data_type == "int" && scheme.sym) out.zero_point_offset = 1 << (scheme.bits - 1);
  out.global_scale = q.global_scale;
  return out;
}

Tunables make_tunables(const at::Tensor& weight, const Scheme& scheme, const std::string& layer) {
  validate_scheme(scheme, layer);
  if (weight.dim() != 2 || weight.numel() == 0)
    throw Error(layer + ": expected a non-empty 2-D weight, got shape " + shape_str(weight.sizes()));
  const GroupLayout g = group_layout(weight.size(0), weight.size(1), scheme.group_size);
  const auto opts = at::TensorOptions().dtype(at::kFloat).device(weight.device());
  Tunables t;
  t.v = at::zeros({g.rows, g.group}, opts).set_requires_grad(true);
  t.max_scale = at::ones({g.rows}, opts).set_requires_grad(true);
  if (scheme.data_type != "mx_fp" && scheme.data_type != "nv_fp")
    t.min_scale = at::ones({g.rows}, opts).set_requires_grad(true);
  return t;
}

void clamp_tunables_(Tunables& t, double lo, double hi) {
  at::NoGradGuard no_grad;
  if (t.min_scale.defined()) t.min_scale.clamp_(lo, hi);
  if (t.max_scale.defined()) t.max_scale.clamp_(lo, hi);
}

ActQdq qdq_activation(const at::Tensor& x, const Scheme& scheme, const std::string& layer, const at::Tensor& act_max) {
  validate_scheme(scheme, layer);
  if (!quantizes_activations(scheme))
    throw Error(layer + ": scheme " + describe_scheme(scheme) + " does not quantize activations");
  const std::string type = scheme.act_data_type ? *scheme.act_data_type : scheme.data_type;
  const int group = scheme.act_group_size ? *scheme.act_group_size : scheme.group_size;
  if (x.dim() == 0 || x.numel() == 0)
    throw Error(layer + ": activation qdq needs a non-empty tensor, got shape " + shape_str(x.sizes()));
  const int64_t in = x.size(-1);
  const GroupLayout g = group_layout(x.numel() / in, in, group);
  const at::Tensor xg = to_groups(x.to(at::kFloat), g);
  GroupedQdq q;
  if (type == "mx_fp") {
    q = qdq_mx(xg, *scheme.act_bits, Tunables{});
  } else {
    const at::Tensor gs = act_max.defined() ? nv_global_scale(act_max.to(at::kFloat).abs().max()) : at::Tensor();
    q = qdq_nv(xg, gs, Tunables{});
  }
  ActQdq out;
  out.x = from_groups(q.weight, g).reshape(x.sizes()).to(x.scalar_type());
  out.scale = q.scale;
  out.global_scale = q.global_scale;
  return out;
}

}  // namespace srs
