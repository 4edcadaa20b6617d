// signround analyze: DeltaLoss sensitivity of every Linear for each candidate option, saved in
// an HDF5 project file so allocation never recomputes it.
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "data/calibration.h"
#include "io/model_files.h"
#include "model/decoder_model.h"
#include "model/model_options.h"
#include "project/project_check.h"
#include "project/project_file.h"
#include "quant/scheme.h"
#include "sensitivity/delta_loss.h"
#include "util/error.h"

namespace srs::cli {

int cmd_analyze(const Argv& argv) {
  Args args("analyze", "DeltaLoss sensitivity per layer and option (SignRoundV2), saved to a project file.",
            "--model M --calib PATHS --options W2A16,W4A16 --project P.h5");
  args.option("model", "M", "HF model folder or .gguf file");
  args.repeated("calib", "PATH", "calibration .txt/.jsonl file or folder (also comma-separated)");
  args.option("options", "LIST", "candidate schemes, comma-separated", "W2A16,W4A16,W8A16");
  args.option("nsamples", "N", "calibration windows", "16");
  args.option("seqlen", "N", "tokens per window", "256");
  args.option("batch-size", "N", "windows per forward/backward", "8");
  args.option("seed", "N", "calibration sampling seed", "42");
  args.flag("quant-lm-head", "score lm_head too");
  args.flag("resident", "keep every block loaded (faster, more memory) instead of one block at a time");
  args.option("project", "P.h5", "project file to write (replaced atomically)");
  args.flag("force", "recompute even when the project already holds these scores");
  args.common();
  if (!args.parse(argv)) return 0;
  for (const char* required : {"model", "project"})
    if (args.get(required).empty()) throw Error(std::string("signround analyze: --") + required + " is required");
  const std::vector<std::string> calib = args.get_list("calib");
  if (calib.empty()) throw Error("signround analyze: --calib is required (text files or a folder of them)");
  const int threads = apply_threads(args);
  Project project;
  const std::vector<std::string> options = args.get_list("options");
  for (const auto& o : options) project.option_json.push_back(scheme_to_json(preset_scheme(o)));  // fails fast

  ModelFiles files = open_model_files(args.get("model"));
  check_weight_shapes(files);
  CalibrationSpec spec{calib, args.get_int("nsamples"), args.get_int("seqlen"), static_cast<uint64_t>(args.get_int("seed"))};
  const CalibrationSet cal = build_calibration_set(spec, require_tokenizer(files));

  project.model = {files.path, files.size_bytes, model_header_hash(files)};
  project.calibration = {calib, spec.nsamples, spec.seqlen, static_cast<int64_t>(spec.seed), args.get_int("batch-size"),
                         cal.token_hash};
  if (std::filesystem::exists(args.get("project")) && !args.flag_set("force")) {
    // Scores are never computed twice: an existing project for this model, calibration and
    // these options is kept as it is; any difference is reported before it is replaced.
    const Project existing = read_project(args.get("project"));
    const ProjectCheck check = check_project(existing, project.model, project.calibration);
    if (check.up_to_date() && existing.table.options == options) {
      std::printf("%s already holds DeltaLoss scores for this model, calibration and options; nothing to do "
                  "(--force recomputes)\n", args.get("project").c_str());
      return 0;
    }
    for (const auto& change : check.changes) std::fprintf(stderr, "project %s: %s\n", args.get("project").c_str(), change.c_str());
    if (existing.table.options != options)
      std::fprintf(stderr, "project %s: the options differ; recomputing\n", args.get("project").c_str());
  }

  ModelOptions mo;
  mo.device = parse_device(args.get("device"));
  mo.low_memory = !args.flag_set("resident");
  DecoderModel model(files.config, std::shared_ptr<const WeightSource>(std::move(files.weights)), mo);
  DeltaLossSettings settings;
  settings.options = options;
  settings.batch_size = args.get_int("batch-size");
  settings.quantize_lm_head = args.flag_set("quant-lm-head");

  CancelToken& cancel = sigint_cancel_token();
  DeltaLossResult r;
  {
    ProgressPrinter printer(args.flag_set("quiet"));
    r = compute_delta_loss(model, cal.samples, settings, printer.fn(), &cancel);
  }
  project.table = r.table;
  write_project(args.get("project"), project);

  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  const auto& t = r.table;
  if (args.flag_set("json")) {
    nlohmann::ordered_json j = {{"model", args.get("model")},   {"project", args.get("project")},
                                {"options", t.options},         {"nsamples", spec.nsamples},
                                {"seqlen", spec.seqlen},        {"batch_size", settings.batch_size},
                                {"token_hash", cal.token_hash}, {"seconds", r.seconds},
                                {"peak_rss_mib", peak_mib},     {"threads", threads}};
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (const auto& l : t.layers)
      layers.push_back({{"name", l.name}, {"block", l.block}, {"params", l.params}, {"score", l.score}, {"bits", l.bits}});
    j["layers"] = layers;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%-40s %5s", "layer", "block");
  for (const auto& o : t.options) std::printf(" %12s", o.c_str());
  std::printf("\n");
  for (const auto& l : t.layers) {
    std::printf("%-40s %5d", l.name.c_str(), l.block);
    for (double s : l.score) std::printf(" %12.5g", s);
    std::printf("\n");
  }
  std::printf("analyzed %zu layers x %zu options on %lld x %lld calibration tokens in %.1f s, peak memory %.0f MiB\n",
              t.layers.size(), t.options.size(), static_cast<long long>(spec.nsamples),
              static_cast<long long>(spec.seqlen), r.seconds, peak_mib);
  std::printf("saved %s\n", args.get("project").c_str());
  return 0;
}

}  // namespace srs::cli
