// signround quantize: quantize a model by a scheme or per-layer plan, optionally evaluate it.
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
#include "pipeline/rtn.h"
#include "quant/layer_schemes.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs::cli {

int cmd_quantize(const Argv& argv) {
  Args args("quantize", "Quantize every Linear in the blocks by a scheme or a per-layer plan and report its cost.",
            "--model M --scheme W4A16 [--layer-config F] [--eval-text T] [--json]");
  args.option("model", "M", "HF model folder or .gguf file");
  args.option("method", "rtn", "quantization method (rtn: round to nearest)", "rtn");
  args.option("scheme", "NAME", "scheme of every block Linear: W2A16, W2A16G64, W3A16, W4A16, W8A16, MXFP4, ...");
  args.option("layer-config", "F", "per-layer overrides as auto-round layer_config JSON (names or regexes)");
  args.flag("quant-lm-head", "quantize lm_head with the scheme too");
  args.option("eval-text", "T", "text file to measure perplexity on after quantizing");
  args.option("seqlen", "N", "evaluation window", "2048");
  args.option("max-windows", "N", "evaluate at most N windows (0: all)", "0");
  args.option("dtype", "fp32|bf16", "compute dtype", "fp32");
  args.common();
  if (!args.parse(argv)) return 0;
  if (args.get("model").empty()) throw Error("signround quantize: --model is required");
  if (args.get("method") != "rtn")
    throw Error("signround quantize: unknown --method '" + args.get("method") + "' (this build has: rtn)");
  if (args.get("scheme").empty() && args.get("layer-config").empty())
    throw Error("signround quantize: give --scheme, --layer-config or both");
  const int threads = apply_threads(args);

  LayerSchemes spec;
  if (!args.get("scheme").empty()) spec.block_default = preset_scheme(args.get("scheme"));
  spec.quantize_lm_head = args.flag_set("quant-lm-head");
  if (!args.get("layer-config").empty()) spec.layer_config = read_layer_config(args.get("layer-config"));

  ModelFiles files = open_model_files(args.get("model"));
  check_weight_shapes(files);
  std::vector<int32_t> tokens;
  if (!args.get("eval-text").empty()) tokens = require_tokenizer(files).encode(read_file(args.get("eval-text")), false);

  ModelOptions mo;
  mo.dtype = parse_dtype(args.get("dtype"));
  mo.device = parse_device(args.get("device"));
  DecoderModel model(files.config, std::shared_ptr<const WeightSource>(std::move(files.weights)), mo);
  const auto schemes = resolve_layer_schemes(spec, model.linear_names(),
                                             args.get("layer-config").empty() ? "--scheme" : args.get("layer-config"));
  CancelToken& cancel = sigint_cancel_token();
  ProgressPrinter printer(args.flag_set("quiet"));
  const RtnResult rtn = quantize_rtn(model, schemes, printer.fn(), &cancel);

  nlohmann::ordered_json j = {{"model", files.path},
                              {"method", "rtn"},
                              {"scheme", args.get("scheme")},
                              {"quantized_layers", rtn.layers.size()},
                              {"avg_bits", rtn.avg_bits},
                              {"avg_bits_no_overhead", rtn.avg_bits_no_overhead},
                              {"quantize_seconds", rtn.seconds},
                              {"threads", threads}};
  if (!tokens.empty()) {
    PerplexityOptions po;
    po.seqlen = args.get_int("seqlen");
    po.max_windows = args.get_int("max-windows");
    const PerplexityResult r = evaluate_perplexity(model, tokens, po, printer.fn(), &cancel);
    j["eval_text"] = args.get("eval-text");
    j["perplexity"] = r.perplexity;
    j["mean_nll"] = r.mean_nll;
    j["seqlen"] = po.seqlen;
    j["windows"] = r.windows;
    j["eval_seconds"] = r.seconds;
  }
  if (args.flag_set("json")) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("quantized %zu layers by RTN: %.4f average bits (%.4f without scales and zero points), %.1f s\n",
              rtn.layers.size(), rtn.avg_bits, rtn.avg_bits_no_overhead, rtn.seconds);
  if (j.contains("perplexity"))
    std::printf("perplexity %.4f over %lld windows of %lld tokens\n", j["perplexity"].get<double>(),
                static_cast<long long>(j["windows"].get<int64_t>()), static_cast<long long>(j["seqlen"].get<int64_t>()));
  return 0;
}

}  // namespace srs::cli
