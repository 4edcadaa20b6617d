#pragma once
// Opens a GGUF model file as the engine's model source: decoder config from the metadata,
// weights under Hugging Face names and shapes (decoded on demand), and the tokenizer data.
#include <memory>
#include <string>

#include "io/model_config.h"
#include "io/weight_source.h"
#include "tokenizer/tokenizer_data.h"

namespace srs {

class GgufFile;

struct GgufModel {
  ModelConfig config;
  std::unique_ptr<WeightSource> weights;
  TokenizerData tokenizer;
  std::string architecture_key;  // general.architecture: "llama", "qwen2" or "qwen3"
};

// Throws srs::Error naming the file and the key or tensor for an unsupported architecture,
// a missing or mistyped required key, or a corrupt file.
GgufModel open_gguf_model(const std::string& path);

// The parts, for callers that already hold a parsed file.
ModelConfig gguf_model_config(const GgufFile& file);
TokenizerData gguf_tokenizer_data(const GgufFile& file);

}  // namespace srs
