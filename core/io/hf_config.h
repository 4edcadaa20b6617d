#pragma once
// Hugging Face config.json -> ModelConfig, for the decoder architectures the engine runs.
#include <string>

#include "io/model_config.h"

namespace srs {

// Parses the text of a config.json. `path` is only used in error messages.
// Accepts both the transformers v4 layout (rope_theta + rope_scaling) and the v5 one
// (rope_parameters). Throws srs::Error naming the file and the key for a missing or
// ill-typed key, and listing the supported architectures for any other architecture.
ModelConfig parse_hf_config(const std::string& json_text, const std::string& path);

// Reads `path`: a config.json file, or an HF model folder that holds one.
ModelConfig read_hf_config(const std::string& path);

}  // namespace srs
