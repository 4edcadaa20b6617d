#include "project/project_check.h"

#include <algorithm>

namespace srs {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return "[" + s + "]";
}

}  // namespace

ProjectCheck check_project(const Project& project, const ModelFingerprint& model,
                           const CalibrationSettings& calibration) {
  ProjectCheck r;
  const auto& pm = project.model;
  if (pm.file_size != model.file_size) {
    r.model_changed = true;
    r.changes.push_back("model file size: project " + std::to_string(pm.file_size) + " bytes, now " +
                        std::to_string(model.file_size));
  }
  if (pm.header_hash != model.header_hash) {
    r.model_changed = true;
    r.changes.push_back("model header hash: project " + pm.header_hash + ", now " + model.header_hash);
  }
  if (pm.path != model.path) {
    r.model_moved = !r.model_changed;
    r.changes.push_back("model path: project " + pm.path + ", now " + model.path);
  }
  const auto& pc = project.calibration;
  auto setting = [&](const char* what, int64_t was, int64_t now) {
    if (was == now) return;
    r.calibration_changed = true;
    r.changes.push_back(std::string("calibration ") + what + ": project " + std::to_string(was) + ", now " +
                        std::to_string(now));
  };
  if (pc.files != calibration.files) {
    // The same tokens named by another path (relative vs absolute, a moved folder) score the
    // same: only a different token hash makes the scores stale.
    if (pc.token_hash != calibration.token_hash) r.calibration_changed = true;
    r.changes.push_back("calibration files: project " + join(pc.files) + ", now " + join(calibration.files));
  }
  setting("nsamples", pc.nsamples, calibration.nsamples);
  setting("seqlen", pc.seqlen, calibration.seqlen);
  setting("seed", pc.seed, calibration.seed);
  setting("batch size", pc.batch_size, calibration.batch_size);
  if (pc.token_hash != calibration.token_hash) {
    r.calibration_changed = true;
    r.changes.push_back("calibration token hash: project " + pc.token_hash + ", now " + calibration.token_hash);
  }
  return r;
}

bool scores_reusable(const Project& existing, const ModelFingerprint& model, const CalibrationSettings& calibration,
                     const std::vector<std::string>& options, bool quantize_lm_head, std::vector<std::string>* why) {
  const ProjectCheck check = check_project(existing, model, calibration);
  std::vector<std::string> lines = check.changes;
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  const bool same_options = sorted(existing.table.options) == sorted(options);
  if (!same_options) lines.push_back("the options differ; recomputing");
  const bool lm_head_scored = existing.table.find_layer("lm_head") >= 0;
  if (lm_head_scored != quantize_lm_head)
    lines.push_back(std::string("lm_head ") + (lm_head_scored ? "was" : "was not") + " scored; recomputing");
  if (why) *why = std::move(lines);
  return check.up_to_date() && same_options && lm_head_scored == quantize_lm_head;
}

}  // namespace srs
