#include "model/rms_norm.h"

namespace srs {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::ScalarType compute = at::promote_types(x.scalar_type(), at::kFloat);
  const at::Tensor xc = x.to(compute);
  const at::Tensor variance = xc.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (xc * at::rsqrt(variance + eps)).to(x.scalar_type());
}

}  // namespace srs
