#include "allocate/sensitivity_table.h"

#include <cmath>
#include <unordered_set>

#include "util/error.h"

namespace srs {

namespace {
const char* const kKindNames[] = {"q", "k", "v", "o", "gate", "up", "down", "lm_head", "other"};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

const char* to_string(LayerKind kind) { return kKindNames[static_cast<int>(kind)]; }

LayerKind parse_layer_kind(const std::string& s, const std::string& where) {
  for (int i = 0; i <= static_cast<int>(LayerKind::other); ++i)
    if (s == kKindNames[i]) return static_cast<LayerKind>(i);
  throw Error(where + ": unknown layer kind \"" + s +
              "\"; expected one of q, k, v, o, gate, up, down, lm_head, other");
}

LayerKind layer_kind_from_name(const std::string& n) {
  if (n == "lm_head" || ends_with(n, ".lm_head")) return LayerKind::lm_head;
  if (ends_with(n, "q_proj")) return LayerKind::q;
  if (ends_with(n, "k_proj")) return LayerKind::k;
  if (ends_with(n, "v_proj")) return LayerKind::v;
  if (ends_with(n, "o_proj")) return LayerKind::o;
  if (ends_with(n, "gate_proj")) return LayerKind::gate;
  if (ends_with(n, "up_proj")) return LayerKind::up;
  if (ends_with(n, "down_proj")) return LayerKind::down;
  return LayerKind::other;
}

int block_index_from_name(const std::string& n) {
  const std::string prefix = "model.layers.";
  if (n.rfind(prefix, 0) != 0) return -1;
  const size_t end = n.find_first_not_of("0123456789", prefix.size());
  if (end == prefix.size() || end - prefix.size() > 9) return -1;
  return std::stoi(n.substr(prefix.size(), end - prefix.size()));
}

int SensitivityTable::find_layer(const std::string& name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == name) return static_cast<int>(i);
  return -1;
}

int SensitivityTable::find_option(const std::string& name) const {
  for (size_t i = 0; i < options.size(); ++i)
    if (options[i] == name) return static_cast<int>(i);
  return -1;
}

void SensitivityTable::validate(const std::string& source) const {
  if (options.empty()) throw Error(source + ": no quantization options; give at least one (e.g. W4A16)");
  if (options.size() > 255) throw Error(source + ": more than 255 options are not supported");
  std::unordered_set<std::string> seen;
  for (const auto& o : options) {
    if (o.empty()) throw Error(source + ": an option has an empty name");
    if (!seen.insert(o).second) throw Error(source + ": option \"" + o + "\" is listed twice");
  }
  seen.clear();
  const size_t k = options.size();
  for (const auto& l : layers) {
    const std::string at = source + ": layer \"" + l.name + "\"";
    if (l.name.empty()) throw Error(source + ": a layer has an empty name");
    if (!seen.insert(l.name).second) throw Error(at + " is listed twice");
    if (l.block < -1) throw Error(at + ": block index " + std::to_string(l.block) + " is below -1");
    if (l.params <= 0) throw Error(at + ": parameter count " + std::to_string(l.params) + " is not positive");
    if (l.score.size() != k || l.bits.size() != k || l.bits_no_overhead.size() != k)
      throw Error(at + ": has " + std::to_string(l.score.size()) + " scores, " + std::to_string(l.bits.size()) +
                  " bit costs and " + std::to_string(l.bits_no_overhead.size()) +
                  " overhead-free bit costs; expected one per option (" + std::to_string(k) + ")");
    for (size_t j = 0; j < k; ++j) {
      const std::string opt = at + ", option " + options[j];
      if (!std::isfinite(l.score[j])) throw Error(opt + ": score is not a finite number; re-run the analysis");
      if (l.bits[j] <= 0 || l.bits_no_overhead[j] <= 0)
        throw Error(opt + ": bit cost must be positive (got " + std::to_string(l.bits[j]) + " and " +
                    std::to_string(l.bits_no_overhead[j]) + ")");
    }
  }
}

}  // namespace srs
