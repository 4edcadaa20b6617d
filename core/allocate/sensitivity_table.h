#pragma once
// The input of the bit allocator: for every quantizable Linear layer and every candidate
// option (e.g. "W2A16", "W4A16"), the DeltaLoss score and the bit cost of quantizing it so.
// Scores and costs are computed elsewhere (core/sensitivity, core/quant); this file only
// holds and checks them.
#include <cstdint>
#include <string>
#include <vector>

namespace srs {

// Which projection of a decoder block a layer is. Fused kernels (vLLM) serve q/k/v and
// gate/up as one module, so the allocator groups them by kind.
enum class LayerKind { q, k, v, o, gate, up, down, lm_head, other };

const char* to_string(LayerKind kind);
// Parses "q", "k", ..., "lm_head", "other"; throws srs::Error naming `where` otherwise.
LayerKind parse_layer_kind(const std::string& s, const std::string& where);
// Infers the kind from an HF module name: "...self_attn.q_proj" -> q, "...mlp.up_proj" -> up,
// "lm_head" -> lm_head; anything else -> other.
LayerKind layer_kind_from_name(const std::string& module_name);
// The decoder block of an HF module name ("model.layers.3.mlp.up_proj" -> 3), or -1 outside
// the blocks (lm_head).
int block_index_from_name(const std::string& module_name);

struct LayerSensitivity {
  std::string name;  // HF module name, e.g. "model.layers.3.self_attn.q_proj"
  int block = -1;    // decoder block index; -1 outside the blocks (lm_head)
  LayerKind kind = LayerKind::other;
  int64_t params = 0;  // weight element count
  // Per option (parallel to SensitivityTable::options):
  std::vector<double> score;                // DeltaLoss of quantizing this layer with the option
  std::vector<int64_t> bits;                // storage bits including scales and zero points
  std::vector<int64_t> bits_no_overhead;    // storage bits of the codes alone (bits x params)
};

struct SensitivityTable {
  std::vector<std::string> options;  // option names, e.g. {"W2A16", "W4A16"}
  std::vector<LayerSensitivity> layers;

  // Index of the layer with this name, or -1.
  int find_layer(const std::string& name) const;
  // Index of the option with this name, or -1.
  int find_option(const std::string& name) const;
  // Throws srs::Error naming `source` (a file or "sensitivity table") and the layer when the
  // table is unusable: no options, duplicate names, per-option vectors of the wrong length,
  // non-finite scores, non-positive parameter counts or bit costs.
  void validate(const std::string& source) const;
};

}  // namespace srs
