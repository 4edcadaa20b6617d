// signround eval: perplexity of a model on a text, GPTQ protocol.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "eval/perplexity.h"
#include "io/model_files.h"
#include "model/decoder_model.h"
#include "model/model_options.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs::cli {

int cmd_eval(const Argv& argv) {
  Args args("eval", "Perplexity of a model on a text (GPTQ protocol: non-overlapping windows, mean token NLL).",
            "--model M --text F [--seqlen N] [--max-windows N] [--json]");
  args.option("model", "M", "HF model folder or .gguf file");
  args.option("text", "F", "UTF-8 text file, e.g. WikiText-2 test");
  args.option("seqlen", "N", "window length in tokens", "2048");
  args.option("max-windows", "N", "evaluate at most N windows (0: all)", "0");
  args.option("batch-size", "N", "windows run together", "1");
  args.flag("bos", "start each window with BOS (windows then hold seqlen-1 text tokens)");
  args.option("dtype", "fp32|bf16", "compute dtype", "fp32");
  args.flag("low-memory", "load one block at a time (working set: one block + activations)");
  args.common();
  if (!args.parse(argv)) return 0;
  if (args.get("model").empty() || args.get("text").empty()) throw Error("signround eval: --model and --text are required");
  PerplexityOptions po;  // read first, so a bad value fails before any work
  po.seqlen = args.get_int("seqlen");
  po.max_windows = args.get_int("max-windows");
  po.batch_size = args.get_int("batch-size");
  po.add_bos = args.flag_set("bos");
  const int threads = apply_threads(args);

  ModelFiles files = open_model_files(args.get("model"));
  check_weight_shapes(files);
  const std::vector<int32_t> tokens = require_tokenizer(files).encode(read_file(args.get("text")), false);

  ModelOptions mo;
  mo.dtype = parse_dtype(args.get("dtype"));
  mo.device = parse_device(args.get("device"));
  mo.low_memory = args.flag_set("low-memory");
  DecoderModel model(files.config, std::shared_ptr<const WeightSource>(std::move(files.weights)), mo);

  CancelToken& cancel = sigint_cancel_token();
  PerplexityResult r;
  {
    ProgressPrinter printer(args.flag_set("quiet"));
    r = evaluate_perplexity(model, tokens, po, printer.fn(), &cancel);
  }

  if (args.flag_set("json")) {
    nlohmann::ordered_json j = {{"model", files.path},
                                {"text", args.get("text")},
                                {"perplexity", r.perplexity},
                                {"mean_nll", r.mean_nll},
                                {"seqlen", po.seqlen},
                                {"windows", r.windows},
                                {"text_tokens", tokens.size()},
                                {"predicted_tokens", r.predicted_tokens},
                                {"bos", po.add_bos},
                                {"dtype", args.get("dtype")},
                                {"device", args.get("device")},
                                {"threads", threads},
                                {"seconds", r.seconds},
                                {"tokens_per_second", static_cast<double>(r.windows * po.seqlen) / r.seconds}};
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("perplexity %.4f  (mean NLL %.5f over %lld windows of %lld tokens, %.1f s, %.0f tokens/s)\n", r.perplexity,
                r.mean_nll, static_cast<long long>(r.windows), static_cast<long long>(po.seqlen), r.seconds,
                static_cast<double>(r.windows * po.seqlen) / r.seconds);
  }
  return 0;
}

}  // namespace srs::cli
