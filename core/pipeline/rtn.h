#pragma once
// Round-to-nearest quantization of a model by a per-layer scheme map: every chosen Linear's
// weight is replaced by its RTN quantize-dequantize (V = 0, alpha = beta = 1), and schemes
// that quantize activations get a dynamic activation qdq on the Linear's input. The baseline
// every tuned result is compared with, and the quantizer DeltaLoss scores with.
#include <map>
#include <string>
#include <vector>

#include "model/decoder_model.h"
#include "quant/bit_cost.h"
#include "quant/scheme.h"
#include "util/progress.h"

namespace srs {

struct RtnLayer {
  std::string name;
  LayerBits bits;
  LayerBits bits_no_overhead;
};

struct RtnResult {
  std::vector<RtnLayer> layers;  // in model order
  double avg_bits = 0;           // over the quantized layers, with scale/zero-point bits
  double avg_bits_no_overhead = 0;
  double seconds = 0;
};

// Applies `schemes` (module name -> scheme, see resolve_layer_schemes) to `model`. For NVFP4,
// q/k/v and gate/up of a block share the smallest of their global scales, as auto-round does
// for vLLM's fused kernels. Progress stage "rtn" counts layers; `cancel` is checked between
// layers and leaves the model with its earlier patches (callers discard the model).
// Throws srs::Error naming the layer for NaN/Inf weights or an unusable scheme.
// With `lazy`, each weight is quantized when its block runs (a weight transform) instead of
// being stored: nothing model-sized is held, which keeps low-memory streaming at one block.
RtnResult quantize_rtn(DecoderModel& model, const std::map<std::string, Scheme>& schemes, const ProgressFn& progress = {},
                       const CancelToken* cancel = nullptr, bool lazy = false);

// The activation qdq of `scheme` for Linear `name` as an input transform; empty when the
// scheme keeps activations in 16 bits. Shared by RTN, DeltaLoss and tuning.
InputTransform activation_qdq_transform(const Scheme& scheme, const std::string& name);
// Installs it on the model's Linear `name`.
void install_activation_qdq(DecoderModel& model, const std::string& name, const Scheme& scheme);

}  // namespace srs
