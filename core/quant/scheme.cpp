#include "quant/scheme.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "util/error.h"

namespace srs {
namespace {

Scheme weight_only(int bits, int group_size) {
  Scheme s;
  s.bits = bits;
  s.group_size = group_size;
  s.act_bits = 16;
  return s;
}

Scheme with_activations(int bits, int group_size, const std::string& data_type, const std::string& act_type) {
  Scheme s;
  s.bits = bits;
  s.group_size = group_size;
  s.data_type = data_type;
  s.act_bits = bits;
  s.act_group_size = group_size;
  s.act_sym = true;
  s.act_data_type = act_type;
  s.act_dynamic = true;
  return s;
}

// Field values copied from auto_round/schemes.py (PRESET_SCHEMES); the golden test compares
// every entry with the library's own table.
const std::map<std::string, Scheme>& presets() {
  static const std::map<std::string, Scheme> table = [] {
    std::map<std::string, Scheme> t;
    for (int b = 2; b <= 8; ++b) {
      t["W" + std::to_string(b) + "A16"] = weight_only(b, 128);
      t["W" + std::to_string(b) + "A16G64"] = weight_only(b, 64);
      t["W" + std::to_string(b) + "A16G32"] = weight_only(b, 32);
    }
    t["MXFP4"] = with_activations(4, 32, "mx_fp", "mx_fp");
    t["MXFP6"] = with_activations(6, 32, "mx_fp", "mx_fp");
    t["MXFP8"] = with_activations(8, 32, "mx_fp", "mx_fp");
    t["NVFP4"] = with_activations(4, 16, "nv_fp", "nv_fp4_with_static_gs");
    Scheme bf16 = weight_only(16, 128);
    bf16.data_type = "fp";
    bf16.act_data_type = "fp";
    t["BF16"] = bf16;
    return t;
  }();
  return table;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string joined_names() {
  std::string out;
  for (const auto& n : preset_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

bool is_act_nv(const std::string& t) { return t == "nv_fp" || t == "nv_fp4_with_static_gs"; }

void check_weight_side(const Scheme& s, const std::string& where) {
  auto fail = [&](const std::string& what) {
    throw Error(where + ": " + what + " (scheme " + describe_scheme(s) + ")");
  };
  static const char* known[] = {"int", "int_sym_gptq", "mx_fp", "nv_fp", "fp"};
  if (std::find(std::begin(known), std::end(known), s.data_type) == std::end(known))
    fail("unknown data_type \"" + s.data_type + "\"; use int, int_sym_gptq, mx_fp, nv_fp or fp");
  if (s.bits >= 16) {
    if (s.bits != 16 && s.bits != 32) fail("bits must be 16 (or 32) for an unquantized layer");
    return;
  }
  if (s.data_type == "int" || s.data_type == "int_sym_gptq") {
    if (s.bits < 2 || s.bits > 8) fail("int bits must be 2..8 (or 16 for no quantization)");
    if (s.group_size < -1) fail("group_size must be a positive number of columns, -1 (per channel) or 0 (per tensor)");
    if (s.data_type == "int_sym_gptq" && !s.sym) fail("int_sym_gptq is symmetric; set sym to true");
  } else if (s.data_type == "mx_fp") {
    if (s.bits != 4 && s.bits != 6 && s.bits != 8) fail("mx_fp bits must be 4, 6 or 8");
    if (s.group_size != 32) fail("mx_fp needs group_size 32 (one shared E8M0 exponent per 32 values)");
    if (!s.sym) fail("mx_fp is symmetric; set sym to true");
  } else if (s.data_type == "nv_fp") {
    if (s.bits != 4) fail("nv_fp bits must be 4");
    if (s.group_size != 16) fail("nv_fp needs group_size 16 (one FP8 block scale per 16 values)");
    if (!s.sym) fail("nv_fp is symmetric; set sym to true");
  } else {
    fail("data_type fp is only supported unquantized (bits 16)");
  }
}

void check_act_side(const Scheme& s, const std::string& where) {
  if (!s.act_bits) return;
  const int ab = *s.act_bits;
  auto fail = [&](const std::string& what) {
    throw Error(where + ": " + what + " (scheme " + describe_scheme(s) + ")");
  };
  if (ab >= 16) return;
  if (ab > 8 || ab < 2) fail("act_bits must be 16 (unquantized) or 2..8");
  // auto-round fills an unset act_data_type / act_group_size from the weight side.
  const std::string type = s.act_data_type ? *s.act_data_type : s.data_type;
  const int group = s.act_group_size ? *s.act_group_size : s.group_size;
  if (s.act_sym && !*s.act_sym) fail("asymmetric activation quantization is not supported");
  if (s.act_dynamic && !*s.act_dynamic && !is_act_nv(type))
    fail("static activation quantization is only supported for NVFP4 (a calibrated act_max)");
  if (type == "mx_fp") {
    if (ab != 4 && ab != 6 && ab != 8) fail("mx_fp activations need act_bits 4, 6 or 8");
    if (group != 32) fail("mx_fp activations need act_group_size 32");
  } else if (is_act_nv(type)) {
    if (ab != 4) fail("nv_fp activations need act_bits 4");
    if (group != 16) fail("nv_fp activations need act_group_size 16");
  } else {
    fail("activation data type \"" + type + "\" is not supported; use mx_fp or nv_fp4_with_static_gs");
  }
}

// "mx_fp4" -> ("mx_fp", 4) as auto-round's _reconcile_bits_and_dtype does.
bool split_bits_suffix(const std::string& t, std::string& base, int& bits) {
  for (const char* b : {"mx_fp", "nv_fp"}) {
    const std::string pre = b;
    if (t.size() > pre.size() && t.compare(0, pre.size(), pre) == 0) {
      const std::string rest = t.substr(pre.size());
      if (!std::all_of(rest.begin(), rest.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return false;
      base = pre;
      bits = std::stoi(rest);
      return true;
    }
  }
  return false;
}

}  // namespace

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& kv : presets()) v.push_back(kv.first);
    return v;
  }();
  return names;
}

Scheme preset_scheme(const std::string& name) {
  const auto it = presets().find(upper(name));
  if (it == presets().end())
    throw Error("unknown quantization scheme \"" + name + "\"; valid names: " + joined_names());
  return it->second;
}

bool same_scheme(const Scheme& a, const Scheme& b) {
  const int aa = a.act_bits.value_or(16), ba = b.act_bits.value_or(16);
  const bool skip_act = aa == ba && ba >= 16;
  if (a.bits != b.bits || a.group_size != b.group_size || a.sym != b.sym || a.data_type != b.data_type) return false;
  if (skip_act) return true;
  return a.act_bits == b.act_bits && a.act_group_size == b.act_group_size && a.act_sym == b.act_sym &&
         a.act_data_type == b.act_data_type && a.act_dynamic == b.act_dynamic;
}

std::string preset_name(const Scheme& s) {
  for (const auto& kv : presets())
    if (same_scheme(kv.second, s)) return kv.first;
  return "";
}

bool quantizes_weights(const Scheme& s) { return s.bits < 16; }

bool quantizes_activations(const Scheme& s) { return s.act_bits && *s.act_bits <= 8; }

void validate_scheme(const Scheme& s, const std::string& where) {
  check_weight_side(s, where);
  check_act_side(s, where);
}

nlohmann::json scheme_to_json(const Scheme& s) {
  nlohmann::json j;
  j["bits"] = s.bits;
  j["group_size"] = s.group_size;
  j["sym"] = s.sym;
  j["data_type"] = s.data_type;
  j["act_bits"] = opt(s.act_bits);
  j["act_group_size"] = opt(s.act_group_size);
  j["act_sym"] = opt(s.act_sym);
  j["act_data_type"] = opt(s.act_data_type);
  j["act_dynamic"] = opt(s.act_dynamic);
  j["super_bits"] = nullptr;
  j["super_group_size"] = nullptr;
  j["rotation_config"] = nullptr;
  return j;
}

Scheme scheme_from_json(const nlohmann::json& j, const std::string& where) {
  if (j.is_string()) {
    Scheme s = preset_scheme(j.get<std::string>());
    validate_scheme(s, where);
    return s;
  }
  if (!j.is_object()) throw Error(where + ": a scheme must be a preset name or an object, got " + j.dump());
  Scheme s;
  bool bits_given = false;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& v = item.value();
    auto bad = [&](const char* want) {
      return Error(where + ": scheme key \"" + key + "\" must be " + want + ", got " + v.dump());
    };
    auto get_int = [&]() {
      if (!v.is_number_integer()) throw bad("an integer");
      return v.get<int>();
    };
    auto get_bool = [&]() {
      if (!v.is_boolean()) throw bad("true or false");
      return v.get<bool>();
    };
    auto get_str = [&]() {
      if (!v.is_string()) throw bad("a string");
      return v.get<std::string>();
    };
    if (key == "bits") {
      s.bits = get_int();
      bits_given = true;
    } else if (key == "group_size") {
      s.group_size = get_int();
    } else if (key == "sym") {
      s.sym = get_bool();
    } else if (key == "data_type") {
      s.data_type = get_str();
    } else if (key == "act_bits") {
      if (!v.is_null()) s.act_bits = get_int();
    } else if (key == "act_group_size") {
      if (!v.is_null()) s.act_group_size = get_int();
    } else if (key == "act_sym") {
      if (!v.is_null()) s.act_sym = get_bool();
    } else if (key == "act_data_type") {
      if (!v.is_null()) s.act_data_type = get_str();
    } else if (key == "act_dynamic") {
      if (!v.is_null()) s.act_dynamic = get_bool();
    } else if (key == "super_bits" || key == "super_group_size") {
      if (!v.is_null()) throw Error(where + ": GGUF double quantization (" + key + ") is not supported yet");
    } else if (key == "rotation_config") {
      if (!v.is_null() && !(v.is_object() && v.empty()))
        throw Error(where + ": rotation_config is not supported; remove it or set it to null");
    } else {
      throw Error(where + ": unknown scheme key \"" + key +
                  "\"; valid keys: bits, group_size, sym, data_type, act_bits, act_group_size, act_sym, "
                  "act_data_type, act_dynamic, super_bits, super_group_size, rotation_config");
    }
  }
  std::string base;
  int suffix_bits = 0;
  if (split_bits_suffix(s.data_type, base, suffix_bits)) {
    if (bits_given && s.bits != suffix_bits)
      throw Error(where + ": data_type " + s.data_type + " contradicts bits " + std::to_string(s.bits));
    s.data_type = base;
    s.bits = suffix_bits;
  }
  validate_scheme(s, where);
  return s;
}

std::string describe_scheme(const Scheme& s) {
  std::ostringstream o;
  const std::string name = preset_name(s);
  if (!name.empty()) o << name << " (";
  if (s.bits >= 16) {
    o << "unquantized";
  } else {
    o << s.data_type;
    if (s.data_type == "int") o << (s.sym ? " sym" : " asym");
    o << ", " << s.bits << " bit, ";
    if (s.group_size == -1)
      o << "per channel";
    else if (s.group_size == 0)
      o << "per tensor";
    else
      o << "G" << s.group_size;
    if (quantizes_activations(s)) o << ", act " << *s.act_bits << " bit";
  }
  if (!name.empty()) o << ")";
  return o.str();
}

}  // namespace srs
