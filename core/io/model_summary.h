#pragma once
// What a model is, from its headers alone: the facts `signround info` prints and the studio's
// model summary shows.
#include <cstdint>
#include <map>
#include <string>

#include "io/model_files.h"

namespace srs {

struct ModelSummary {
  std::string path;
  std::string format;  // "gguf" or "safetensors"
  ModelConfig config;  // architecture, sizes, heads, vocabulary, rope, tied embeddings
  int64_t parameters = 0;
  int64_t tensors = 0;
  std::map<std::string, int64_t> stored_types;  // stored type -> tensor count
  uint64_t size_bytes = 0;
  std::string tokenizer_kind;  // "byte-level BPE" or "SentencePiece BPE"; empty: no tokenizer
  int64_t tokenizer_vocab = 0;
  int64_t bos_id = -1;
  int64_t eos_id = -1;
};

ModelSummary summarize_model(const ModelFiles& files);

}  // namespace srs
