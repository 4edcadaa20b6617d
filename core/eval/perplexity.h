#pragma once
// Perplexity with GPTQ's protocol (the one SignRound's papers report):
// the token ids of the whole text are cut into non-overlapping windows of `seqlen`; the final
// partial window is dropped (nsamples = tokens / seqlen); each window is scored alone, the
// loss of a window is the mean cross-entropy of its seqlen-1 next-token predictions, and
//   ppl = exp(mean over windows of the window loss)
// which equals GPTQ's exp(sum(loss * seqlen) / (nsamples * seqlen)).
#include <cstdint>
#include <vector>

#include "model/decoder_model.h"
#include "util/progress.h"

namespace srs {

struct PerplexityOptions {
  int64_t seqlen = 2048;
  // At most this many windows from the start of the text; 0 means all.
  int64_t max_windows = 0;
  // Windows run together through each block.
  int64_t batch_size = 1;
  // false (GPTQ): a window is seqlen consecutive text tokens; its first token is context only.
  // true: a window is the BOS token followed by the next seqlen-1 text tokens, so the windows
  // step by seqlen-1 tokens and every text token in them is predicted (nsamples =
  // tokens / (seqlen-1)). Models trained to always see BOS first score more fairly this way.
  bool add_bos = false;
  // The BOS id for add_bos; -1 takes the model config's bos_token_id.
  int64_t bos_token_id = -1;
};

struct PerplexityResult {
  double perplexity = 0;
  double mean_nll = 0;  // natural log, per predicted token
  int64_t windows = 0;
  int64_t predicted_tokens = 0;  // windows * (seqlen - 1)
  double seconds = 0;
  std::vector<double> window_nll;  // mean NLL of each window, in text order
};

// Scores `tokens` with `model`. With ModelOptions::low_memory all windows are embedded first
// and then streamed through one block at a time; otherwise each batch runs through the whole
// model. Progress (stage "perplexity") counts finished windows, or with low_memory finished
// window passes (windows x (blocks + 1)). `cancel` is checked after every batch and throws
// srs::Cancelled. Throws srs::Error when the text is shorter than one window or a window
// has a non-finite loss.
PerplexityResult evaluate_perplexity(DecoderModel& model, const std::vector<int32_t>& tokens,
                                     const PerplexityOptions& options, const ProgressFn& progress = {},
                                     const CancelToken* cancel = nullptr);

}  // namespace srs
