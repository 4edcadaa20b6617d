#include "quant/bit_cost.h"

#include <algorithm>

#include "util/error.h"

namespace srs {

LayerBits layer_bits(const Scheme& s, int64_t out_features, int64_t in_features, bool ignore_scale_zp_bits) {
  if (out_features <= 0 || in_features <= 0)
    throw Error("layer_bits: layer shape [" + std::to_string(out_features) + ", " + std::to_string(in_features) +
                "] has no parameters");
  LayerBits r;
  r.params = out_features * in_features;
  if (s.bits >= 16 || ignore_scale_zp_bits) {
    r.total_bits = int64_t{s.bits} * r.params;
    r.avg_bits = std::min(16, s.bits);
    return r;
  }
  int64_t groups = 0;
  if (s.group_size > 0)
    groups = out_features * ((in_features + s.group_size - 1) / s.group_size);
  else if (s.group_size == 0)
    groups = 1;
  else if (s.group_size == -1)
    groups = out_features;
  else
    throw Error("layer_bits: invalid group_size " + std::to_string(s.group_size) + "; use > 0, -1 or 0");
  const auto has = [&](const char* part) { return s.data_type.find(part) != std::string::npos; };
  const int scale_bits = (has("mx_fp") || has("nv_fp") || has("fp4")) ? 8 : 16;
  const int zp_bits = (!s.sym || has("int")) ? s.bits : 0;
  r.total_bits = int64_t{s.bits} * r.params + groups * (scale_bits + zp_bits);
  r.avg_bits = static_cast<double>(r.total_bits) / static_cast<double>(r.params);
  return r;
}

double average_bits(const std::vector<LayerBits>& layers) {
  int64_t params = 0, bits = 0;
  for (const LayerBits& l : layers) {
    params += l.params;
    bits += l.total_bits;
  }
  if (params == 0) throw Error("average_bits: the layer set holds no parameters");
  return static_cast<double>(bits) / static_cast<double>(params);
}

}  // namespace srs
