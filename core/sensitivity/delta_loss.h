#pragma once
// DeltaLoss sensitivity (SignRoundV2, algorithm.md §2.1), as auto-round's auto_scheme computes
// it: for each candidate option, every quantizable Linear is RTN-quantized with it at once;
// the calibration batches run through that fully quantized model with the causal-LM loss
// (labels = input ids); after backward, per layer
//   weight term: sum |dL/dW_hat * (W - W_hat)|     (when any option is weight-only)
//   act term:    sum |dL/dx_hat * (x - x_hat)|     (options that quantize activations)
// summed over batches. BF16 options score 0. Forward runs block by block on cached inputs and
// backward is replayed block by block in reverse, so the working set is one block plus the
// cached activations of the batch, whatever the depth.
#include <cstdint>
#include <string>
#include <vector>

#include "allocate/sensitivity_table.h"
#include "model/decoder_model.h"
#include "quant/scheme.h"
#include "util/progress.h"

namespace srs {

struct DeltaLossSettings {
  std::vector<std::string> options;  // preset names, e.g. {"W2A16", "W4A16", "MXFP4"}
  int64_t batch_size = 8;
  bool quantize_lm_head = false;  // score lm_head too (it then joins the table)
};

struct DeltaLossLayerTerms {
  double weight = 0;  // the weight term of one (layer, option)
  double act = 0;     // the activation term
};

struct DeltaLossResult {
  SensitivityTable table;  // score = weight term (if any option is weight-only) + act term
  // terms[layer][option], parallel to table.layers / table.options
  std::vector<std::vector<DeltaLossLayerTerms>> terms;
  double seconds = 0;
};

// `samples`: calibration token windows, all of one length. Progress stage "analyze <option>"
// counts block passes (forward and backward). `cancel` is checked between block passes;
// the model's weights are restored before returning or throwing.
// Throws srs::Error for an unknown option, no samples, or a non-finite loss.
DeltaLossResult compute_delta_loss(DecoderModel& model, const std::vector<std::vector<int32_t>>& samples,
                                   const DeltaLossSettings& settings, const ProgressFn& progress = {},
                                   const CancelToken* cancel = nullptr);

}  // namespace srs
