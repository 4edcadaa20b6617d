// signround allocate: the best per-layer plan for an average-bit budget, from a project's
// DeltaLoss table, with manual locks; or the paper's naive plans for comparison.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "allocate/allocation_frontier.h"
#include "allocate/allocator.h"
#include "allocate/naive_plans.h"
#include "allocate/plan_json.h"
#include "allocate/score_csv.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "io/model_files.h"
#include "project/project_check.h"
#include "project/project_file.h"
#include "util/error.h"

namespace srs::cli {

namespace {

// "model.layers.0.mlp.down_proj=W8A16" -> (layer, option index)
std::pair<std::string, int> parse_lock(const std::string& text, const SensitivityTable& table) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw Error("signround allocate: --lock expects LAYER=OPTION, got '" + text + "'");
  const std::string layer = text.substr(0, eq), option = text.substr(eq + 1);
  const int o = table.find_option(option);
  if (o < 0) {
    std::string known;
    for (const auto& n : table.options) known += (known.empty() ? "" : ", ") + n;
    throw Error("signround allocate: --lock " + text + ": option '" + option + "' is not in the project (" + known + ")");
  }
  if (table.find_layer(layer) < 0)
    throw Error("signround allocate: --lock " + text + ": the project has no layer '" + layer +
                "' (names look like model.layers.0.mlp.down_proj)");
  return {layer, o};
}

}  // namespace

int cmd_allocate(const Argv& argv) {
  Args args("allocate", "Choose an option per layer under an average-bit budget (exact DP over DeltaLoss scores).",
            "--project P.h5 --avg-bits 3.0 [--lock LAYER=OPTION ...] [--out plan.json]");
  args.option("project", "P.h5", "project written by signround analyze");
  args.option("model", "M", "check that the project's scores belong to this model");
  args.option("avg-bits", "B", "target average bits per quantized weight");
  args.repeated("lock", "LAYER=OPTION", "fix a layer's option (a manual override)");
  args.flag("ignore-scale-zp-bits", "budget the code bits only (auto-round's ignore_scale_zp_bits)");
  args.flag("quant-lm-head", "let the plan quantize lm_head (only if the project scored it)");
  args.option("strategy", "S", "deltaloss (optimal), first-blocks or last-blocks (naive baselines)", "deltaloss");
  args.option("out", "plan.json", "write the plan as auto-round layer_config JSON");
  args.option("csv", "scores.csv", "write the project's scores as CSV");
  args.flag("frontier", "print the whole Pareto frontier (average bits -> least predicted loss)");
  args.option("save-plan", "NAME", "store the plan in the project under NAME");
  args.flag("json", "print as JSON");
  if (!args.parse(argv)) return 0;
  if (args.get("project").empty()) throw Error("signround allocate: --project is required");

  Project project = read_project(args.get("project"));
  if (!args.get("model").empty()) {
    const ModelFiles files = open_model_files(args.get("model"));
    const ProjectCheck check =
        check_project(project, {files.path, files.size_bytes, model_header_hash(files)}, project.calibration);
    if (check.model_changed)
      throw Error(args.get("project") + ": its scores belong to another model (" + project.model.path +
                  "), not " + args.get("model") + "; run signround analyze for this model");
  }
  const SensitivityTable& table = project.table;
  if (!args.get("csv").empty()) write_scores_csv(args.get("csv"), table);

  AllocationSettings settings;
  settings.count_overhead = !args.flag_set("ignore-scale-zp-bits");
  settings.quantize_lm_head = args.flag_set("quant-lm-head");
  for (const auto& l : args.get_list("lock")) settings.locks.insert(parse_lock(l, table));
  const Allocator allocator(table, settings);

  if (args.flag_set("frontier")) {
    const AllocationFrontier frontier(allocator);
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : frontier.points()) points.push_back({{"avg_bits", p.avg_bits}, {"loss", p.loss}});
    if (args.flag_set("json")) {
      std::cout << nlohmann::json{{"frontier", points}}.dump(2) << "\n";
    } else {
      std::printf("avg_bits,predicted_loss\n");
      for (const auto& p : frontier.points()) std::printf("%.6f,%.9g\n", p.avg_bits, p.loss);
    }
    return 0;
  }
  if (args.get("avg-bits").empty()) {
    std::printf("feasible average bits: [%.4f, %.4f]; give --avg-bits\n", allocator.min_avg_bits(),
                allocator.max_avg_bits());
    return 2;
  }
  const double target = args.get_double("avg-bits");
  QuantPlan plan;
  const std::string strategy = args.get("strategy");
  if (strategy == "deltaloss") {
    plan = allocator.solve(target);
    plan.name = "deltaloss " + args.get("avg-bits");
  } else if (strategy == "first-blocks" || strategy == "last-blocks") {
    plan = naive_plan(allocator, target, strategy == "first-blocks" ? NaiveOrder::first_blocks : NaiveOrder::last_blocks);
    plan.name = strategy + " " + args.get("avg-bits");
  } else {
    throw Error("signround allocate: unknown --strategy '" + strategy + "' (deltaloss, first-blocks, last-blocks)");
  }

  if (!args.get("out").empty()) write_layer_config_file(args.get("out"), table, plan, project.option_json);
  if (!args.get("save-plan").empty()) {
    plan.name = args.get("save-plan");
    project.plans.push_back(plan);
    write_project(args.get("project"), project);
  }

  if (args.flag_set("json")) {
    nlohmann::ordered_json layers = nlohmann::ordered_json::array();
    for (size_t l = 0; l < table.layers.size(); ++l) {
      const int c = plan.choice[l];
      layers.push_back({{"name", table.layers[l].name},
                        {"option", c < 0 ? "BF16" : table.options[static_cast<size_t>(c)]},
                        {"locked", plan.locked[l] != 0}});
    }
    nlohmann::ordered_json j = {{"plan", plan.name},
                                {"target_avg_bits", plan.target_avg_bits},
                                {"avg_bits", plan.avg_bits},
                                {"avg_bits_no_overhead", plan.avg_bits_no_overhead},
                                {"predicted_loss", plan.predicted_loss},
                                {"budget_bits", plan.budget_bits},
                                {"feasible", {allocator.min_avg_bits(), allocator.max_avg_bits()}},
                                {"layers", layers}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%-40s %5s %-8s %12s %10s  %s\n", "layer", "block", "kind", "params", "option", "score");
  for (size_t l = 0; l < table.layers.size(); ++l) {
    const auto& layer = table.layers[l];
    const int c = plan.choice[l];
    std::printf("%-40s %5d %-8s %12lld %10s  %.5g%s\n", layer.name.c_str(), layer.block, to_string(layer.kind),
                static_cast<long long>(layer.params), c < 0 ? "BF16" : table.options[static_cast<size_t>(c)].c_str(),
                c < 0 ? 0.0 : layer.score[static_cast<size_t>(c)], plan.locked[l] ? "  (locked)" : "");
  }
  std::printf("%s: %.4f average bits (%.4f without scales and zero points; target %.4f, feasible [%.4f, %.4f]), "
              "predicted loss %.6g\n",
              plan.name.c_str(), plan.avg_bits, plan.avg_bits_no_overhead, plan.target_avg_bits,
              allocator.min_avg_bits(), allocator.max_avg_bits(), plan.predicted_loss);
  return 0;
}

}  // namespace srs::cli
