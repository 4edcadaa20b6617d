#pragma once
// Plans as auto-round `layer_config` JSON: {"model.layers.0.mlp.down_proj": {"bits": 4,
// "group_size": 128, "sym": true, "data_type": "int", "act_bits": 16}, ...}. Each option's JSON
// object is given by the caller (parallel to SensitivityTable::options). Layers left
// unquantized (choice -1) are absent from the file, and absent layers read back as unquantized.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "allocate/quant_plan.h"
#include "allocate/sensitivity_table.h"

namespace srs {

nlohmann::json plan_to_layer_config(const SensitivityTable& table, const QuantPlan& plan,
                                    const std::vector<nlohmann::json>& option_json);

// Maps every entry back to an option: an entry matches an option when it holds each of the
// option's fields with an equal value (extra fields are allowed; the option with the most
// matching fields wins). Throws srs::Error naming `source` for an entry whose layer is not in
// the table, an entry that matches no option or two equally, a non-object entry, and option
// JSONs that cannot be told apart. Locks are not part of layer_config: all flags come back 0.
QuantPlan plan_from_layer_config(const SensitivityTable& table, const nlohmann::json& config,
                                 const std::vector<nlohmann::json>& option_json, const std::string& source);

// File forms; the write is atomic (temp file + rename).
void write_layer_config_file(const std::string& path, const SensitivityTable& table, const QuantPlan& plan,
                             const std::vector<nlohmann::json>& option_json);
QuantPlan read_layer_config_file(const std::string& path, const SensitivityTable& table,
                                 const std::vector<nlohmann::json>& option_json);

}  // namespace srs
