#include "eval/perplexity.h"

#include <chrono>
#include <cmath>

#include "model/block_runner.h"
#include "util/error.h"

namespace srs {

namespace {

// The windows as a [n, seqlen] int64 tensor on the CPU.
at::Tensor make_windows(const std::vector<int32_t>& tokens, const PerplexityOptions& o, int64_t bos) {
  if (o.seqlen < 2) throw Error("perplexity: seqlen must be at least 2, got " + std::to_string(o.seqlen));
  if (o.batch_size < 1) throw Error("perplexity: batch size must be at least 1, got " + std::to_string(o.batch_size));
  if (o.max_windows < 0) throw Error("perplexity: max windows must be 0 (all) or positive");
  const int64_t text_per_window = o.add_bos ? o.seqlen - 1 : o.seqlen;
  int64_t n = static_cast<int64_t>(tokens.size()) / text_per_window;
  if (n == 0)
    throw Error("perplexity: the text has " + std::to_string(tokens.size()) + " tokens, fewer than one window of " +
                std::to_string(text_per_window) + "; use a longer text or a smaller seqlen");
  if (o.max_windows > 0) n = std::min(n, o.max_windows);
  at::Tensor text = at::from_blob(const_cast<int32_t*>(tokens.data()), {n * text_per_window}, at::kInt)
                        .to(at::kLong)
                        .view({n, text_per_window});
  if (!o.add_bos) return text;
  return at::cat({at::full({n, 1}, bos, at::kLong), text}, 1);
}

// Mean next-token NLL of each window: logits [b, s, V] (any float dtype), ids [b, s] -> [b] (double).
at::Tensor window_nll(const at::Tensor& logits, const at::Tensor& ids) {
  const int64_t s = ids.size(1);
  const at::Tensor logp = at::log_softmax(logits.narrow(1, 0, s - 1).to(at::kFloat), -1);
  const at::Tensor target = ids.narrow(1, 1, s - 1).to(logits.device()).unsqueeze(-1);
  return -logp.gather(-1, target).squeeze(-1).to(at::kDouble).mean(1);
}

}  // namespace

PerplexityResult evaluate_perplexity(DecoderModel& model, const std::vector<int32_t>& tokens,
                                     const PerplexityOptions& options, const ProgressFn& progress,
                                     const CancelToken* cancel) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t bos = options.bos_token_id >= 0 ? options.bos_token_id : model.config().bos_token_id;
  if (options.add_bos && bos < 0)
    throw Error("perplexity: BOS was requested but the model config has no bos_token_id; pass one explicitly");
  const at::Tensor windows = make_windows(tokens, options, bos);
  const int64_t n = windows.size(0), batch = options.batch_size;
  const int64_t total = model.options().low_memory ? n * (model.num_blocks() + 1) : n;
  int64_t done = 0;
  auto advance = [&](int64_t windows_done, const std::string& message) {
    done += windows_done;
    if (progress) progress(Progress{"perplexity", done, total, message});
    if (cancel) cancel->check();
  };

  at::NoGradGuard no_grad;
  std::vector<double> nll(static_cast<size_t>(n));
  auto score = [&](int64_t b, int64_t rows, const at::Tensor& logits) {
    const at::Tensor w = window_nll(logits, windows.narrow(0, b, rows)).cpu();
    for (int64_t r = 0; r < rows; ++r) {
      const double v = w[r].item<double>();
      if (!std::isfinite(v))
        throw Error("perplexity: window " + std::to_string(b + r) + " has a non-finite loss; the model produced " +
                    "NaN or infinite logits (check the weights, or use fp32 instead of bf16)");
      nll[static_cast<size_t>(b + r)] = v;
    }
  };
  if (cancel) cancel->check();
  if (model.options().low_memory) {
    at::Tensor hidden = model.embed(windows);
    int64_t current_block = -1, block_done = 0;
    run_blocks(model, hidden, 0, model.num_blocks(), batch, [&](int64_t block, int64_t windows_done) {
      if (block != current_block) current_block = block, block_done = 0;
      advance(windows_done - block_done,
              "block " + std::to_string(block + 1) + "/" + std::to_string(model.num_blocks()));
      block_done = windows_done;
    });
    const std::shared_ptr<OutputHead> head = model.head();
    for (int64_t b = 0; b < n; b += batch) {
      const int64_t rows = std::min(batch, n - b);
      score(b, rows, head->forward(hidden.narrow(0, b, rows)));
      advance(rows, "lm_head");
    }
  } else {
    for (int64_t b = 0; b < n; b += batch) {
      const int64_t rows = std::min(batch, n - b);
      score(b, rows, model.forward(windows.narrow(0, b, rows)));
      advance(rows, "window " + std::to_string(b + rows) + "/" + std::to_string(n));
    }
  }

  PerplexityResult r;
  r.windows = n;
  r.predicted_tokens = n * (options.seqlen - 1);
  double sum = 0;
  for (double v : nll) sum += v;
  r.mean_nll = sum / static_cast<double>(n);
  r.perplexity = std::exp(r.mean_nll);
  r.window_nll = std::move(nll);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace srs
