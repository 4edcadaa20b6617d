#include "allocate/plan_json.h"

#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

namespace {

void check_option_json(const SensitivityTable& table, const std::vector<nlohmann::json>& option_json,
                       const std::string& where) {
  if (option_json.size() != table.options.size())
    throw Error(where + ": " + std::to_string(option_json.size()) + " option descriptions for " +
                std::to_string(table.options.size()) + " options");
  for (size_t k = 0; k < option_json.size(); ++k) {
    if (!option_json[k].is_object() || option_json[k].empty())
      throw Error(where + ": option " + table.options[k] + " needs a non-empty JSON object (e.g. {\"bits\": 4})");
    for (size_t j = 0; j < k; ++j)
      if (option_json[j] == option_json[k])
        throw Error(where + ": options " + table.options[j] + " and " + table.options[k] +
                    " have the same JSON, so a layer_config cannot tell them apart");
  }
}

// Number of the option's fields the entry matches, or -1 if one differs or is missing.
int match_fields(const nlohmann::json& entry, const nlohmann::json& option) {
  for (const auto& [key, value] : option.items()) {
    const auto it = entry.find(key);
    if (it == entry.end() || *it != value) return -1;
  }
  return static_cast<int>(option.size());
}

}  // namespace

nlohmann::json plan_to_layer_config(const SensitivityTable& table, const QuantPlan& plan,
                                    const std::vector<nlohmann::json>& option_json) {
  check_option_json(table, option_json, "layer_config");
  QuantPlan checked = plan;
  evaluate_plan(table, checked);  // validates sizes and option indices
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < table.layers.size(); ++i)
    if (plan.choice[i] >= 0) out[table.layers[i].name] = option_json[plan.choice[i]];
  return out;
}

QuantPlan plan_from_layer_config(const SensitivityTable& table, const nlohmann::json& config,
                                 const std::vector<nlohmann::json>& option_json, const std::string& source) {
  check_option_json(table, option_json, source);
  if (!config.is_object())
    throw Error(source + ": a layer_config must be a JSON object mapping module names to schemes");
  QuantPlan plan;
  plan.name = source;
  plan.choice.assign(table.layers.size(), -1);
  plan.locked.assign(table.layers.size(), 0);
  for (const auto& [name, entry] : config.items()) {
    const int i = table.find_layer(name);
    if (i < 0)
      throw Error(source + ": layer \"" + name +
                  "\" is not in the sensitivity table; the plan was made for another model or the name is misspelt");
    if (!entry.is_object()) throw Error(source + ": entry of layer \"" + name + "\" is not a JSON object");
    int best = -1, best_fields = -1;
    bool tie = false;
    for (size_t k = 0; k < option_json.size(); ++k) {
      const int m = match_fields(entry, option_json[k]);
      if (m > best_fields) {
        best = static_cast<int>(k);
        best_fields = m;
        tie = false;
      } else if (m >= 0 && m == best_fields) {
        tie = true;
      }
    }
    if (best_fields < 0)
      throw Error(source + ": layer \"" + name + "\" has scheme " + entry.dump() +
                  ", which matches none of the options; add that option or edit the entry");
    if (tie)
      throw Error(source + ": layer \"" + name + "\" has scheme " + entry.dump() +
                  ", which matches several options equally; make the option descriptions more specific");
    plan.choice[i] = best;
  }
  evaluate_plan(table, plan);
  plan.target_avg_bits = plan.avg_bits;
  return plan;
}

void write_layer_config_file(const std::string& path, const SensitivityTable& table, const QuantPlan& plan,
                             const std::vector<nlohmann::json>& option_json) {
  write_file_atomic(path, plan_to_layer_config(table, plan, option_json).dump(2) + "\n");
}

QuantPlan read_layer_config_file(const std::string& path, const SensitivityTable& table,
                                 const std::vector<nlohmann::json>& option_json) {
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON: " + e.what());
  }
  return plan_from_layer_config(table, config, option_json, path);
}

}  // namespace srs
