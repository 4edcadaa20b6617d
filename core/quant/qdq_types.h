#pragma once
// Inputs and outputs shared by the per-format qdq functions (qdq_int, qdq_mx, qdq_nv) and the
// dispatcher (qdq.h). Shapes follow auto-round's WrapperLinear: with R group rows and G columns
// per group (see grouping.h), V is [R, G] and alpha / beta are [R].
#include <ATen/ATen.h>

namespace srs {

// Tunables of one layer. An undefined tensor means "not tuned": V = 0, alpha = beta = 1, and no
// initial scale (SignRound v1 / RTN). All are float32 and may require grad.
struct Tunables {
  at::Tensor v;           // rounding offset per weight, [R, G]
  at::Tensor min_scale;   // beta: shrinks the group minimum (int types only), [R]
  at::Tensor max_scale;   // alpha: shrinks the group maximum / amax, [R]
  at::Tensor init_scale;  // SignRoundV2 pre-tuning scale ([R] or [R, 1]); multiplied by alpha
};

// Result of quantize-dequantize on group rows. `weight` keeps the autograd graph (differentiable
// in V, alpha, beta through the straight-through rounding); the rest is detached export data.
struct GroupedQdq {
  at::Tensor weight;      // dequantized values, [R, G], float32
  at::Tensor codes;       // [R, G]: integer levels (int types, as float) or FP element values (mx, nv)
  at::Tensor scale;       // [R]: fp16 step (int), shared exponent e with scale 2^e (mx), FP8 block scale (nv)
  at::Tensor zero_point;  // [R] (int asym, gptq); undefined when the zero point is a constant
  at::Tensor global_scale;  // nv: per-tensor fp32 scale (0-d); undefined otherwise
};

// Straight-through estimators: forward round/floor, backward identity (auto-round's round_ste).
inline at::Tensor round_ste(const at::Tensor& x) { return (x.round() - x).detach() + x; }
inline at::Tensor floor_ste(const at::Tensor& x) { return (x.floor() - x).detach() + x; }

// at::clamp with the gradient of the torch the reference runs on (2.x): zero AT the bounds as
// well as beyond them. LibTorch 1.13 lets the gradient through at the bounds, which would differ
// for every weight whose rounded level is exactly the largest or smallest one.
inline at::Tensor clamp_ref(const at::Tensor& x, const c10::optional<at::Scalar>& lo,
                            const c10::optional<at::Scalar>& hi) {
  if (!x.requires_grad()) return at::clamp(x, lo, hi);
  at::Tensor inside;
  if (lo) inside = x > *lo;
  if (hi) inside = inside.defined() ? inside.logical_and(x < *hi) : x < *hi;
  return at::where(inside, x, at::clamp(x.detach(), lo, hi));
}

}  // namespace srs
