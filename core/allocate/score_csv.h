#pragma once
// The sensitivity table as CSV, one row per layer, for spreadsheets and plotting:
//   layer,block,kind,params,score:<opt>...,bits:<opt>...,bits_no_overhead:<opt>...
// Scores are written with 17 significant digits, so a read gives back the same doubles.
#include <string>

#include "allocate/sensitivity_table.h"

namespace srs {

std::string scores_to_csv(const SensitivityTable& table);
// Throws srs::Error naming `source`, the line and the column for a malformed file.
SensitivityTable scores_from_csv(const std::string& text, const std::string& source);

void write_scores_csv(const std::string& path, const SensitivityTable& table);  // atomic
SensitivityTable read_scores_csv(const std::string& path);

}  // namespace srs
