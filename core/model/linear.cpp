#include "model/linear.h"

#include "model/shape_text.h"
#include "util/error.h"

namespace srs {

Linear::Linear(std::string name, at::Tensor weight, at::Tensor bias)
    : name_(std::move(name)), weight_(std::move(weight)), bias_(std::move(bias)) {}

void Linear::set_weight(const at::Tensor& weight) {
  if (weight.sizes() != weight_.sizes())
    throw Error("layer '" + name_ + "': new weight has shape " + shape_text(weight.sizes()) + " but the layer has " +
                shape_text(weight_.sizes()));
  weight_ = weight.to(weight_.device(), weight_.scalar_type());
}

at::Tensor Linear::effective_weight() const {
  if (!transform_) return weight_;
  at::Tensor w = transform_(weight_);
  if (w.sizes() != weight_.sizes())
    throw Error("layer '" + name_ + "': weight transform returned shape " + shape_text(w.sizes()) + " instead of " +
                shape_text(weight_.sizes()));
  return w;
}

at::Tensor Linear::forward(const at::Tensor& x) const {
  if (!input_transform_) return at::linear(x, effective_weight(), bias_);
  const at::Tensor xt = input_transform_(x);
  if (xt.sizes() != x.sizes())
    throw Error("layer '" + name_ + "': input transform returned shape " + shape_text(xt.sizes()) + " instead of " +
                shape_text(x.sizes()));
  return at::linear(xt, effective_weight(), bias_);
}

}  // namespace srs
