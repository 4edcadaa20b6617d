#pragma once
// Read access to a model's tensors by their Hugging Face names, whatever the file format.
// Implementations map files and decode on demand, so a caller holds only what it asked for.
#include <cstdint>
#include <string>
#include <vector>

namespace srs {

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  // The file or folder the weights come from (for error messages).
  virtual const std::string& path() const = 0;
  // HF tensor names, e.g. "model.layers.3.mlp.down_proj.weight", sorted.
  virtual std::vector<std::string> names() const = 0;
  virtual bool contains(const std::string& name) const = 0;
  // HF (PyTorch) shape order: a Linear weight is [out_features, in_features].
  // Throws srs::Error naming the file and tensor when it is absent.
  virtual std::vector<int64_t> shape(const std::string& name) const = 0;
  // Stored type as the format names it ("BF16", "Q4_1", ...), for `signround info`.
  virtual std::string stored_type(const std::string& name) const = 0;
  // Decodes the tensor into `out`, which holds numel(shape(name)) floats.
  virtual void read_f32(const std::string& name, float* out) const = 0;
};

int64_t numel(const std::vector<int64_t>& shape);

}  // namespace srs
