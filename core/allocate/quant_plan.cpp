#include "allocate/quant_plan.h"

#include "util/error.h"

namespace srs {

void evaluate_plan(const SensitivityTable& table, QuantPlan& plan) {
  const std::string where = "plan \"" + plan.name + "\"";
  if (plan.choice.size() != table.layers.size())
    throw Error(where + ": has " + std::to_string(plan.choice.size()) + " layers, the sensitivity table has " +
                std::to_string(table.layers.size()) + "; the plan belongs to another model");
  if (plan.locked.empty()) plan.locked.assign(plan.choice.size(), 0);
  if (plan.locked.size() != plan.choice.size())
    throw Error(where + ": has " + std::to_string(plan.locked.size()) + " lock flags for " +
                std::to_string(plan.choice.size()) + " layers");
  int64_t params = 0, bits = 0, bits_plain = 0;
  double loss = 0;
  for (size_t i = 0; i < plan.choice.size(); ++i) {
    const int c = plan.choice[i];
    if (c < -1 || c >= static_cast<int>(table.options.size()))
      throw Error(where + ": layer \"" + table.layers[i].name + "\" has option index " + std::to_string(c) +
                  ", outside the " + std::to_string(table.options.size()) + " options");
    if (c < 0) continue;
    const auto& l = table.layers[i];
    params += l.params;
    bits += l.bits[c];
    bits_plain += l.bits_no_overhead[c];
    loss += l.score[c];
  }
  plan.avg_bits = params > 0 ? static_cast<double>(bits) / static_cast<double>(params) : 0.0;
  plan.avg_bits_no_overhead = params > 0 ? static_cast<double>(bits_plain) / static_cast<double>(params) : 0.0;
  plan.predicted_loss = loss;
}

}  // namespace srs
