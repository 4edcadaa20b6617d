#pragma once
// A quantization scheme as auto-round spells it (auto_round/schemes.py, QuantizationScheme):
// the same field names, the same values for the preset names, and the same JSON layout as a
// layer_config entry, so plans read and written here can be handed to auto-round unchanged.
// Plain C++ (no LibTorch): the allocator, the project store and the GUI use it too.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace srs {

struct Scheme {
  int bits = 4;
  // Columns per group along in_features; -1 = one group per output channel, 0 = whole tensor.
  int group_size = 128;
  bool sym = true;
  // auto-round spelling: "int" (full-range sym or asym), "int_sym_gptq", "mx_fp", "nv_fp", "fp".
  std::string data_type = "int";
  // Unset fields are auto-round's None: presets leave them unset and auto-round fills them later.
  std::optional<int> act_bits;
  std::optional<int> act_group_size;
  std::optional<bool> act_sym;
  // "mx_fp", "nv_fp4_with_static_gs", "fp", ...
  std::optional<std::string> act_data_type;
  std::optional<bool> act_dynamic;
};

// Names this build knows, in auto-round's spelling (upper case).
const std::vector<std::string>& preset_names();

// The preset's field values exactly as auto-round's PRESET_SCHEMES holds them. Case-insensitive
// like preset_name_to_scheme. Throws srs::Error listing the valid names for an unknown one.
Scheme preset_scheme(const std::string& name);

// The preset whose fields equal `s` under auto-round's QuantizationScheme.__eq__ (activation
// fields are ignored when both sides leave activations unquantized), or "" when none matches.
std::string preset_name(const Scheme& s);

// auto-round's equality (see preset_name).
bool same_scheme(const Scheme& a, const Scheme& b);

// True when the weights are quantized (bits < 16) / when activations are (act_bits <= 8).
bool quantizes_weights(const Scheme& s);
bool quantizes_activations(const Scheme& s);

// Throws srs::Error (prefixed with `where`, e.g. a layer name) when this build cannot quantize
// with `s`: bits out of range for the data type, a group size the format does not allow, an
// activation data type without an implementation, ...
void validate_scheme(const Scheme& s, const std::string& where);

// layer_config form: {"bits":4,"group_size":128,"sym":true,"data_type":"int","act_bits":16,
// "act_group_size":null,...,"super_bits":null,"super_group_size":null,"rotation_config":null}.
nlohmann::json scheme_to_json(const Scheme& s);

// Accepts a preset name (string) or the object form above; missing keys take QuantizationScheme's
// defaults; "mx_fp4"-style data types set bits like auto-round's _reconcile_bits_and_dtype.
// Unknown keys, wrong types, GGUF super-block fields and rotations are errors naming `where`.
// The result is validated.
Scheme scheme_from_json(const nlohmann::json& j, const std::string& where);

// One line for logs and the GUI: "W4A16 (int sym, 4 bit, G128)" / "int asym, 3 bit, per channel".
std::string describe_scheme(const Scheme& s);

}  // namespace srs
