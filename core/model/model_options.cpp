#include "model/model_options.h"

#include "util/error.h"

namespace srs {

at::Device parse_device(const std::string& text) {
  if (text == "cpu") return at::kCPU;
  if (text == "cuda" || text.rfind("cuda:", 0) == 0) {
    if (!at::hasCUDA())
      throw Error("device '" + text + "': this build of LibTorch has no CUDA support (or no GPU is visible); use cpu");
    int index = 0;
    if (text.size() > 5) {
      const std::string digits = text.substr(5);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        throw Error("device '" + text + "': expected cuda:<index>, e.g. cuda:0");
      index = std::stoi(digits);
    }
    return at::Device(at::kCUDA, static_cast<at::DeviceIndex>(index));
  }
  throw Error("device '" + text + "' is not known; use cpu, cuda or cuda:<index>");
}

at::ScalarType parse_dtype(const std::string& text) {
  if (text == "fp32" || text == "float32") return at::kFloat;
  if (text == "bf16" || text == "bfloat16") return at::kBFloat16;
  throw Error("dtype '" + text + "' is not supported; use fp32 or bf16");
}

}  // namespace srs
