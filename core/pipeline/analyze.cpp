#include "pipeline/analyze.h"

#include "data/calibration.h"
#include "io/model_files.h"
#include "model/decoder_model.h"
#include "model/model_options.h"
#include "quant/scheme.h"
#include "sensitivity/delta_loss.h"
#include "util/error.h"

namespace srs {

AnalysisInputs::AnalysisInputs() = default;
AnalysisInputs::~AnalysisInputs() = default;
AnalysisInputs::AnalysisInputs(AnalysisInputs&&) noexcept = default;
AnalysisInputs& AnalysisInputs::operator=(AnalysisInputs&&) noexcept = default;

AnalysisInputs prepare_analysis(const AnalyzeRequest& request) {
  if (request.options.empty()) throw Error("analyze: give at least one candidate option (e.g. W2A16,W4A16)");
  if (request.calib_paths.empty()) throw Error("analyze: give calibration text (.txt/.jsonl files or a folder)");
  if (request.batch_size < 1) throw Error("analyze: the batch size must be at least 1");
  AnalysisInputs in;
  in.request_ = request;
  for (const auto& o : request.options) in.project_.option_json.push_back(scheme_to_json(preset_scheme(o)));

  in.files_ = std::make_unique<ModelFiles>(open_model_files(request.model_path));
  check_weight_shapes(*in.files_);
  const CalibrationSpec spec{request.calib_paths, request.nsamples, request.seqlen, request.seed};
  CalibrationSet cal = build_calibration_set(spec, require_tokenizer(*in.files_));
  in.samples_ = std::move(cal.samples);
  in.project_.model = {in.files_->path, in.files_->size_bytes, model_header_hash(*in.files_)};
  in.project_.calibration = {request.calib_paths, request.nsamples, request.seqlen,
                             static_cast<int64_t>(request.seed), request.batch_size, cal.token_hash};
  return in;
}

Project run_analysis(AnalysisInputs inputs, const ProgressFn& progress, const CancelToken* cancel,
                     double* seconds) {
  ModelOptions mo;
  mo.device = parse_device(inputs.request_.device);
  mo.low_memory = inputs.request_.low_memory;
  ModelFiles& files = *inputs.files_;
  DecoderModel model(files.config, std::shared_ptr<const WeightSource>(std::move(files.weights)), mo);
  DeltaLossSettings settings;
  settings.options = inputs.request_.options;
  settings.batch_size = inputs.request_.batch_size;
  settings.quantize_lm_head = inputs.request_.quantize_lm_head;
  DeltaLossResult r = compute_delta_loss(model, inputs.samples_, settings, progress, cancel);
  if (seconds) *seconds = r.seconds;
  Project project = std::move(inputs.project_);
  project.table = std::move(r.table);
  return project;
}

}  // namespace srs
