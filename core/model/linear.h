#pragma once
// A Linear layer addressed by its Hugging Face module name, whose weight can be read,
// replaced (a dequantized weight) or passed through a transform on every forward
// (fake quantization with tunable, differentiable parameters), and whose input can be
// transformed too (activation fake quantization for W+A schemes).
#include <ATen/ATen.h>

#include <functional>
#include <string>

namespace srs {

// Maps the stored weight [out, in] to the weight the forward uses; must keep the shape.
using WeightTransform = std::function<at::Tensor(const at::Tensor& weight)>;
// Maps the input [..., in] before the product; must keep the shape.
using InputTransform = std::function<at::Tensor(const at::Tensor& x)>;

class Linear {
 public:
  Linear() = default;
  // `bias` may be undefined (no bias).
  Linear(std::string name, at::Tensor weight, at::Tensor bias = {});

  const std::string& name() const { return name_; }  // e.g. "model.layers.3.mlp.down_proj"
  int64_t out_features() const { return weight_.size(0); }
  int64_t in_features() const { return weight_.size(1); }

  const at::Tensor& weight() const { return weight_; }  // stored weight, [out, in]
  const at::Tensor& bias() const { return bias_; }      // undefined when there is none
  // Replaces the stored weight. Throws srs::Error naming the layer when the shape differs.
  // The tensor is moved to this layer's dtype and device; autograd history is kept.
  void set_weight(const at::Tensor& weight);

  // Installs (or, with an empty function, removes) the transform applied on each forward.
  void set_transform(WeightTransform transform) { transform_ = std::move(transform); }
  bool has_transform() const { return static_cast<bool>(transform_); }
  // The weight the forward multiplies by: transform(weight) or the weight itself.
  at::Tensor effective_weight() const;

  // Installs (or, with an empty function, removes) the transform applied to each input.
  void set_input_transform(InputTransform transform) { input_transform_ = std::move(transform); }

  // x [..., in] -> [..., out]
  at::Tensor forward(const at::Tensor& x) const;

 private:
  std::string name_;
  at::Tensor weight_;
  at::Tensor bias_;
  WeightTransform transform_;
  InputTransform input_transform_;
};

}  // namespace srs
