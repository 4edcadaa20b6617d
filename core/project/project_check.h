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

}  // namespace srs
