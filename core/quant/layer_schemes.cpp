#include "quant/layer_schemes.h"

#include <regex>
#include <set>

#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

std::map<std::string, Scheme> resolve_layer_schemes(const LayerSchemes& spec, const std::vector<std::string>& names,
                                                    const std::string& source) {
  if (!spec.layer_config.is_object()) throw Error(source + ": layer_config must be a JSON object of layer -> scheme");
  auto scheme_of = [&](const std::string& key, const nlohmann::ordered_json& value) {
    return scheme_from_json(nlohmann::json::parse(value.dump()), source + ": layer_config entry '" + key + "'");
  };
  const std::set<std::string> known(names.begin(), names.end());

  std::map<std::string, Scheme> configured;  // exact keys first, then patterns (first match wins)
  for (const auto& [key, value] : spec.layer_config.items())
    if (known.count(key)) configured[key] = scheme_of(key, value);
  for (const auto& [key, value] : spec.layer_config.items()) {
    if (known.count(key)) continue;
    std::regex re;
    try {
      re = std::regex(key);
    } catch (const std::regex_error& e) {
      throw Error(source + ": layer_config entry '" + key + "' is neither a layer name nor a valid regular expression (" +
                  e.what() + ")");
    }
    const Scheme s = scheme_of(key, value);
    bool matched = false;
    for (const auto& n : names) {
      if (!std::regex_search(n, re)) continue;
      matched = true;
      configured.emplace(n, s);
    }
    if (!matched)
      throw Error(source + ": layer_config entry '" + key +
                  "' matches no layer of the model (names look like 'model.layers.0.mlp.down_proj')");
  }

  std::map<std::string, Scheme> out;
  for (const auto& n : names) {
    auto it = configured.find(n);
    if (it != configured.end())
      out[n] = it->second;
    else if (spec.block_default && (n != "lm_head" || spec.quantize_lm_head))
      out[n] = *spec.block_default;
  }
  for (auto it = out.begin(); it != out.end();) {  // "bits": 16 means not quantized
    if (!quantizes_weights(it->second) && !quantizes_activations(it->second))
      it = out.erase(it);
    else
      ++it;
  }
  return out;
}

nlohmann::ordered_json read_layer_config(const std::string& path) {
  try {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(read_file(path));
    if (!j.is_object()) throw Error(path + ": a layer_config must be a JSON object of layer -> scheme");
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace srs
