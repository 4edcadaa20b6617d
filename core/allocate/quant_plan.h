#pragma once
// A bit allocation: which option every layer of a SensitivityTable is quantized with.
#include <cstdint>
#include <string>
#include <vector>

#include "allocate/sensitivity_table.h"

namespace srs {

struct QuantPlan {
  std::string name;              // e.g. "deltaloss 3.0", "first blocks W4A16"
  std::vector<int> choice;       // option index per table layer; -1 = left unquantized (lm_head)
  std::vector<uint8_t> locked;   // 1 where the user fixed the layer's option (manual override)
  double target_avg_bits = 0;    // the requested average
  bool count_overhead = true;    // whether budget and target count scale/zero-point bits
  int64_t budget_bits = 0;       // floor(quantized params x target_avg_bits)
  // Results, from the table (see evaluate_plan):
  double avg_bits = 0;              // with scale/zero-point overhead, per quantized weight
  double avg_bits_no_overhead = 0;  // codes only
  double predicted_loss = 0;        // sum of the chosen options' scores
};

// Fills avg_bits, avg_bits_no_overhead and predicted_loss from the table. Throws srs::Error
// when the plan does not fit the table (layer count, option index out of range).
void evaluate_plan(const SensitivityTable& table, QuantPlan& plan);

}  // namespace srs
