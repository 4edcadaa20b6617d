#include "model/checked_tensor.h"

#include "model/load_tensor.h"
#include "model/shape_text.h"
#include "util/error.h"

namespace srs {

at::Tensor load_checked(const WeightSource& source, const std::string& name, const std::vector<int64_t>& expected,
                        const at::TensorOptions& options) {
  if (source.contains(name)) {
    const std::vector<int64_t> stored = source.shape(name);
    if (stored != expected)
      throw Error(source.path() + ": tensor '" + name + "' has shape " + shape_text(stored) +
                  " but config.json implies " + shape_text(expected) +
                  "; the weights and the config do not belong together");
  }
  // Decoding happens on the CPU; only the converted tensor goes to the device.
  const at::ScalarType dtype = options.dtype().toScalarType();
  at::Tensor t = load_tensor(source, name, dtype == at::kBFloat16 ? at::kBFloat16 : at::kFloat);
  return t.to(options.device(), dtype);
}

}  // namespace srs
