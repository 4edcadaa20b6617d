#include "io/model_summary.h"

namespace srs {

ModelSummary summarize_model(const ModelFiles& files) {
  const ModelConfig& c = files.config;
  ModelSummary s;
  s.path = files.path;
  s.format = files.format;
  s.config = c;
  for (const auto& name : files.weights->names()) {
    s.parameters += numel(files.weights->shape(name));
    s.stored_types[files.weights->stored_type(name)]++;
  }
  s.tensors = static_cast<int64_t>(files.weights->names().size());
  s.size_bytes = files.size_bytes;
  if (files.tokenizer) {
    s.tokenizer_kind = files.tokenizer->kind();
    s.tokenizer_vocab = files.tokenizer->vocab_size();
    s.bos_id = files.tokenizer->bos_id();
    s.eos_id = files.tokenizer->eos_id();
  }
  return s;
}

}  // namespace srs
