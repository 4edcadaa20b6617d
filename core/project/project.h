#pragma once
// What a project file keeps (docs/project-file.md): which model and calibration data the
// analysis ran on, the candidate options, the sensitivity table, and the saved plans.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "allocate/quant_plan.h"
#include "allocate/sensitivity_table.h"

namespace srs {

// Identifies the model file the scores belong to. Computed by the caller (core/io).
struct ModelFingerprint {
  std::string path;
  uint64_t file_size = 0;
  std::string header_hash;  // hash of the file headers (tensor names, shapes, types, metadata)
};

struct CalibrationSettings {
  std::vector<std::string> files;
  int64_t nsamples = 0;
  int64_t seqlen = 0;
  int64_t seed = 0;
  int64_t batch_size = 0;
  std::string token_hash;  // hash of the calibration token windows actually used
};

struct Project {
  ModelFingerprint model;
  CalibrationSettings calibration;
  SensitivityTable table;
  std::vector<nlohmann::json> option_json;  // one JSON object per table option (auto-round scheme)
  std::vector<QuantPlan> plans;             // plans over table.layers
};

}  // namespace srs
