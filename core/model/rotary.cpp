#include "model/rotary.h"

#include <cmath>

namespace srs {

at::Tensor rope_inv_freq(const ModelConfig& c) {
  const int64_t dim = c.head_dim;
  // The operation order mirrors transformers so that float32 rounding matches:
  // 1 / base ** (arange(0, dim, 2) / dim)
  const at::Tensor exponent = at::arange(0, dim, 2, at::kLong).to(at::kFloat) / static_cast<double>(dim);
  at::Tensor inv_freq = at::reciprocal(at::pow(c.rope_theta, exponent));
  const RopeScaling& s = c.rope_scaling;
  switch (s.type) {
    case RopeScaling::Type::None:
      return inv_freq;
    case RopeScaling::Type::Linear:
      return inv_freq / s.factor;
    case RopeScaling::Type::Llama3: {
      // Long wavelengths are divided by `factor`, short ones kept, the band between is
      // interpolated (Llama 3.1's "smooth" scaling).
      const double old_len = static_cast<double>(s.original_max_position_embeddings);
      const double low_freq_wavelen = old_len / s.low_freq_factor;
      const double high_freq_wavelen = old_len / s.high_freq_factor;
      const at::Tensor wavelen = at::reciprocal(inv_freq) * (2 * M_PI);
      const at::Tensor scaled = at::where(wavelen > low_freq_wavelen, inv_freq / s.factor, inv_freq);
      const at::Tensor smooth =
          (at::reciprocal(wavelen) * old_len - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
      const at::Tensor smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
      const at::Tensor medium =
          at::logical_not(wavelen < high_freq_wavelen) & at::logical_not(wavelen > low_freq_wavelen);
      return at::where(medium, smoothed, scaled);
    }
  }
  return inv_freq;
}

RopeTables rope_tables(const at::Tensor& inv_freq, const at::Tensor& position_ids, const at::TensorOptions& options) {
  const at::Tensor pos = position_ids.dim() == 1 ? position_ids.unsqueeze(0) : position_ids;  // [P, seq]
  const at::Tensor freqs = pos.to(options.device(), at::kFloat).unsqueeze(-1) * inv_freq.to(options.device());
  const at::Tensor emb = at::cat({freqs, freqs}, -1).unsqueeze(1);  // [P, 1, seq, head_dim]
  return RopeTables{emb.cos().to(options.dtype()), emb.sin().to(options.dtype())};
}

at::Tensor apply_rope(const at::Tensor& x, const RopeTables& rope) {
  const int64_t half = x.size(-1) / 2;
  const at::Tensor rotated = at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
  return x * rope.cos + rotated * rope.sin;
}

}  // namespace srs
