#pragma once
// The analyze job, shared by `signround analyze` and the studio: open the model, build the
// calibration windows, compute DeltaLoss for every candidate option, and return the result as
// a Project (model fingerprint, calibration settings and token hash, options, table).
// No LibTorch types in this header, so the GUI can include it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "project/project.h"
#include "util/progress.h"

namespace srs {

struct ModelFiles;

struct AnalyzeRequest {
  std::string model_path;
  std::vector<std::string> calib_paths;  // text/JSONL files or folders
  int64_t nsamples = 16;
  int64_t seqlen = 256;
  int64_t batch_size = 8;
  uint64_t seed = 42;
  std::vector<std::string> options = {"W2A16", "W4A16", "W8A16"};
  bool quantize_lm_head = false;
  bool low_memory = true;      // stream one block at a time
  std::string device = "cpu";  // "cpu", "cuda", "cuda:N"
};

// The cheap first half: the model opened and checked, the calibration windows built, the
// project's model fingerprint, calibration settings and option JSON filled (table empty).
// Callers compare it with an existing project (check_project) before paying for DeltaLoss.
class AnalysisInputs {
 public:
  ~AnalysisInputs();
  AnalysisInputs(AnalysisInputs&&) noexcept;
  AnalysisInputs& operator=(AnalysisInputs&&) noexcept;

  const Project& project() const { return project_; }  // table still empty

 private:
  friend AnalysisInputs prepare_analysis(const AnalyzeRequest& request);
  friend Project run_analysis(AnalysisInputs inputs, const ProgressFn& progress, const CancelToken* cancel,
                              double* seconds);
  AnalysisInputs();

  AnalyzeRequest request_;
  Project project_;
  std::unique_ptr<ModelFiles> files_;
  std::vector<std::vector<int32_t>> samples_;
};

// Throws srs::Error for an unknown option, a model that cannot be opened or has no tokenizer,
// wrong tensor shapes, or too little calibration text.
AnalysisInputs prepare_analysis(const AnalyzeRequest& request);

// The expensive half: DeltaLoss over the calibration windows. Progress stage "analyze <option>";
// `cancel` stops it between block passes (throws srs::Cancelled; nothing is returned, so
// whatever the caller holds stays as it was). `seconds` (optional) receives the DeltaLoss time.
Project run_analysis(AnalysisInputs inputs, const ProgressFn& progress = {}, const CancelToken* cancel = nullptr,
                     double* seconds = nullptr);

}  // namespace srs
