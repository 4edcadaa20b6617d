#pragma once
// Is a project still about the model and calibration data at hand? Scores computed for one
// model (or other calibration tokens) say nothing about another.
#include <string>
#include <vector>

#include "project/project.h"

namespace srs {

struct ProjectCheck {
  bool model_changed = false;        // size or header hash differ: the scores are for another model
  bool model_moved = false;          // same model at another path (harmless)
  bool calibration_changed = false;  // tokens or settings differ: scores would come out different
                                     // (other file paths holding the same tokens do not count)
  std::vector<std::string> changes;  // one line per difference, for the user
  bool up_to_date() const { return !model_changed && !calibration_changed; }
};

ProjectCheck check_project(const Project& project, const ModelFingerprint& model,
                           const CalibrationSettings& calibration);

// Whether `existing` already holds the scores an analysis would compute for this model,
// calibration, options (in any order) and lm_head choice: then nothing is computed twice.
// `why` (optional) receives one line per difference.
bool scores_reusable(const Project& existing, const ModelFingerprint& model, const CalibrationSettings& calibration,
                     const std::vector<std::string>& options, bool quantize_lm_head,
                     std::vector<std::string>* why = nullptr);

}  // namespace srs
