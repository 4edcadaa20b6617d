// libFuzzer target: the safetensors header parser and the float conversion of every tensor
// it accepts. Any input must give a parsed header or an srs::Error, never a crash.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "io/safetensors.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const srs::SafetensorsHeader h = srs::parse_safetensors_header(data, size, "fuzz.safetensors");
    for (const auto& [name, e] : h.entries) {
      std::vector<float> out(static_cast<size_t>(srs::numel(e.shape)));
      srs::convert_to_f32(e.dtype, data + h.data_start + e.begin, out.size(), out.data());
    }
  } catch (const srs::Error&) {
  }
  return 0;
}
