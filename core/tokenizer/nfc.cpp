#include "tokenizer/nfc.h"

#include <algorithm>
#include <vector>

#include "tokenizer/unicode.h"
#include "tokenizer/unicode_tables.h"

namespace srs::unicode {
namespace {

// Hangul syllables decompose and compose arithmetically (Unicode 3.12).
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

uint8_t combining_class(uint32_t cp) {
  if (cp < 0x300 || cp == kInvalid) return 0;
  const CombiningClassRange* end = kCombiningClasses + kCombiningClasses_count;
  const CombiningClassRange* it = std::upper_bound(
      kCombiningClasses, end, cp, [](uint32_t c, const CombiningClassRange& r) { return c < r.lo; });
  return it != kCombiningClasses && cp <= (it - 1)->hi ? (it - 1)->ccc : 0;
}

void decompose(uint32_t cp, std::vector<uint32_t>& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const uint32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount) out.push_back(kTBase + s % kTCount);
    return;
  }
  const Decomposition* end = kDecompositions + kDecompositions_count;
  const Decomposition* it =
      std::lower_bound(kDecompositions, end, cp, [](const Decomposition& d, uint32_t c) { return d.cp < c; });
  if (it != end && it->cp == cp) {
    out.insert(out.end(), kDecompositionData + it->offset, kDecompositionData + it->offset + it->length);
  } else {
    out.push_back(cp);
  }
}

// The primary composite of a pair, or 0.
uint32_t compose(uint32_t a, uint32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount)
    return a + (b - kTBase);
  const Composition* end = kCompositions + kCompositions_count;
  const Composition* it = std::lower_bound(kCompositions, end, std::make_pair(a, b),
                                           [](const Composition& c, const std::pair<uint32_t, uint32_t>& k) {
                                             return c.first != k.first ? c.first < k.first : c.second < k.second;
                                           });
  return it != end && it->first == a && it->second == b ? it->composite : 0;
}

}  // namespace

std::string to_nfc(std::string_view text) {
  // Text below U+0300 is already NFC: nothing there decomposes to anything NFC changes.
  bool simple = true;
  for (unsigned char c : text) simple = simple && c < 0xCC;
  if (simple) return std::string(text);

  // Decompose; invalid bytes are kept as kInvalid with their byte alongside.
  std::vector<uint32_t> cps;
  std::vector<unsigned char> invalid_bytes;
  cps.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Decoded d = decode_utf8(text, pos);
    if (d.cp == kInvalid) invalid_bytes.push_back(static_cast<unsigned char>(text[pos]));
    decompose(d.cp, cps);
    pos += d.len;
  }
  // Canonical ordering: stable sort of every run of non-starters by combining class.
  for (size_t i = 0; i < cps.size();) {
    if (combining_class(cps[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && combining_class(cps[j]) != 0) ++j;
    std::stable_sort(cps.begin() + i, cps.begin() + j,
                     [](uint32_t a, uint32_t b) { return combining_class(a) < combining_class(b); });
    i = j;
  }
  // Canonical composition.
  std::vector<uint32_t> out;
  out.reserve(cps.size());
  size_t starter = SIZE_MAX;  // index in out of the last starter
  int last_class = -1;        // class of the last character appended after the starter
  for (uint32_t cp : cps) {
    const int cls = combining_class(cp);
    if (starter != SIZE_MAX && cp != kInvalid && out[starter] != kInvalid) {
      // Blocked when a character between has a class >= this one (or is a starter).
      const bool adjacent = starter + 1 == out.size();
      if (adjacent || (last_class != 0 && last_class < cls)) {
        if (uint32_t c = compose(out[starter], cp)) {
          out[starter] = c;
          continue;
        }
      }
    }
    if (cls == 0) {
      starter = out.size();
      last_class = -1;
    } else {
      last_class = cls;
    }
    out.push_back(cp);
  }
  std::string result;
  result.reserve(text.size());
  size_t next_invalid = 0;
  for (uint32_t cp : out) {
    if (cp == kInvalid) result += static_cast<char>(invalid_bytes[next_invalid++]);
    else append_utf8(result, cp);
  }
  return result;
}

}  // namespace srs::unicode
