#pragma once
// Rotary position embedding (rotate-half layout) with transformers' inverse frequencies,
// including its linear and llama3 scalings.
#include <ATen/ATen.h>

#include "io/model_config.h"

namespace srs {

// cos and sin for a set of positions, shaped [P, 1, seq, head_dim] (P = 1 when all rows of a
// batch share positions) so they broadcast over [batch, heads, seq, head_dim].
struct RopeTables {
  at::Tensor cos;
  at::Tensor sin;
  int64_t seq_len() const { return cos.size(2); }
};

// [head_dim / 2] float32 inverse frequencies, computed as transformers does (in float32).
at::Tensor rope_inv_freq(const ModelConfig& config);

// Tables for `position_ids` ([seq] or [P, seq], integer), in `options` (dtype and device).
// The angles are computed in float32 and then cast, as transformers does.
RopeTables rope_tables(const at::Tensor& inv_freq, const at::Tensor& position_ids, const at::TensorOptions& options);

// q or k [batch, heads, seq, head_dim] rotated by the tables.
at::Tensor apply_rope(const at::Tensor& x, const RopeTables& rope);

}  // namespace srs
