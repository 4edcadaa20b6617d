#include "model/load_tensor.h"

#include "util/error.h"

namespace srs {

at::Tensor load_tensor(const WeightSource& source, const std::string& name, at::ScalarType dtype) {
  if (!source.contains(name)) throw Error(source.path() + ": tensor '" + name + "' is missing");
  const std::vector<int64_t> shape = source.shape(name);
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(at::kFloat));
  source.read_f32(name, t.data_ptr<float>());
  return dtype == at::kFloat ? t : t.to(dtype);
}

}  // namespace srs
