// signround analyze: DeltaLoss sensitivity of every Linear for each candidate option, saved in
// an HDF5 project file so allocation never recomputes it.
#include <sys/resource.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "pipeline/analyze.h"
#include "project/project_check.h"
#include "project/project_file.h"
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
  AnalyzeRequest request;
  request.model_path = args.get("model");
  request.calib_paths = calib;
  request.nsamples = args.get_int("nsamples");
  request.seqlen = args.get_int("seqlen");
  request.batch_size = args.get_int("batch-size");
  request.seed = static_cast<uint64_t>(args.get_int("seed"));
  request.options = args.get_list("options");
  request.quantize_lm_head = args.flag_set("quant-lm-head");
  request.low_memory = !args.flag_set("resident");
  request.device = args.get("device");
  AnalysisInputs inputs = prepare_analysis(request);

  if (std::filesystem::exists(args.get("project")) && !args.flag_set("force")) {
    // Scores are never computed twice: an existing project for this model, calibration and
    // these options is kept as it is; any difference is reported before it is replaced.
    const Project existing = read_project(args.get("project"));
    std::vector<std::string> why;
    if (scores_reusable(existing, inputs.project().model, inputs.project().calibration, request.options,
                        request.quantize_lm_head, &why)) {
      std::printf("%s already holds DeltaLoss scores for this model, calibration and options; nothing to do "
                  "(--force recomputes)\n", args.get("project").c_str());
      return 0;
    }
    for (const auto& line : why) std::fprintf(stderr, "project %s: %s\n", args.get("project").c_str(), line.c_str());
  }

  CancelToken& cancel = sigint_cancel_token();
  Project project;
  double seconds = 0;
  {
    ProgressPrinter printer(args.flag_set("quiet"));
    project = run_analysis(std::move(inputs), printer.fn(), &cancel, &seconds);
  }
  write_project(args.get("project"), project);

  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double peak_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  const auto& t = project.table;
  if (args.flag_set("json")) {
    nlohmann::ordered_json j = {{"model", args.get("model")},   {"project", args.get("project")},
                                {"options", t.options},         {"nsamples", request.nsamples},
                                {"seqlen", request.seqlen},     {"batch_size", request.batch_size},
                                {"token_hash", project.calibration.token_hash}, {"seconds", seconds},
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
              t.layers.size(), t.options.size(), static_cast<long long>(request.nsamples),
              static_cast<long long>(request.seqlen), seconds, peak_mib);
  std::printf("saved %s\n", args.get("project").c_str());
  return 0;
}

}  // namespace srs::cli
