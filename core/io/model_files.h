#pragma once
// Opens a model from what a user points at: an HF folder (config.json + *.safetensors
// [+ index] + tokenizer.json) or a GGUF file. Nothing is read beyond headers until a tensor is.
#include <cstdint>
#include <memory>
#include <string>

#include "io/model_config.h"
#include "io/weight_source.h"
#include "tokenizer/tokenizer.h"

namespace srs {

struct ModelFiles {
  std::string path;
  std::string format;  // "gguf" or "safetensors"
  ModelConfig config;
  std::unique_ptr<WeightSource> weights;
  std::unique_ptr<Tokenizer> tokenizer;  // null when an HF folder has no tokenizer.json
  uint64_t size_bytes = 0;               // model files on disk
};

// Throws srs::Error naming the path and what is wrong (not found, unknown format, no config).
ModelFiles open_model_files(const std::string& path);

// A fingerprint of what the model is, from headers only: FNV-1a over the config and every
// tensor's name, shape and stored type. Equal for the same weights at another path; differs
// when any tensor or the architecture changes (a different quantization of the file too).
std::string model_header_hash(const ModelFiles& files);

// The tokenizer, or an srs::Error that says the model at `files.path` has none.
const Tokenizer& require_tokenizer(const ModelFiles& files);

// Checks every tensor the config implies exists with the shape it implies (the config's
// hidden/intermediate/head sizes against q_proj, k_proj, ..., embed_tokens). Throws srs::Error
// naming the file, the tensor, the shape found and the shape expected.
void check_weight_shapes(const ModelFiles& files);

}  // namespace srs
