#pragma once
// Which scheme each Linear gets: one default for the Linears inside the blocks, overridden per
// layer by auto-round's `layer_config` (keys are exact module names or regular expressions
// searched in the name; values are preset names or scheme objects). Plain C++, no LibTorch.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "quant/scheme.h"

namespace srs {

struct LayerSchemes {
  std::optional<Scheme> block_default;  // Linears inside the blocks; unset: left as they are
  bool quantize_lm_head = false;        // lm_head takes block_default too (else only by override)
  nlohmann::ordered_json layer_config = nlohmann::ordered_json::object();  // overrides, in file order
};

// Resolves every layer in `names` (HF module names, e.g. "model.layers.0.mlp.down_proj",
// "lm_head") to its scheme; layers left unquantized are absent from the result. Exact keys win
// over patterns; among patterns the first in the file wins. A key that matches no layer, an
// invalid regex or an invalid scheme is an srs::Error naming `source` and the key.
std::map<std::string, Scheme> resolve_layer_schemes(const LayerSchemes& spec, const std::vector<std::string>& names,
                                                    const std::string& source);

// Reads a layer_config JSON file (an object of layer -> scheme). Throws srs::Error naming the file.
nlohmann::ordered_json read_layer_config(const std::string& path);

}  // namespace srs
