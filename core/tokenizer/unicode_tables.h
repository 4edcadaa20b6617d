#pragma once
// Generated Unicode category tables (see scripts/gen_unicode_tables.py).
#include <cstddef>
#include <cstdint>

namespace srs::unicode {

struct CodePointRange {
  uint32_t lo, hi;  // inclusive
};

extern const CodePointRange kLetterRanges[];
extern const size_t kLetterRanges_count;
extern const CodePointRange kNumberRanges[];
extern const size_t kNumberRanges_count;

}  // namespace srs::unicode

namespace srs::unicode {

struct CombiningClassRange {
  uint32_t lo, hi;  // inclusive
  uint8_t ccc;      // canonical combining class (non-zero)
};
struct Decomposition {
  uint32_t cp;
  uint32_t offset, length;  // into kDecompositionData: the full canonical decomposition
};
struct Composition {
  uint32_t first, second, composite;  // sorted by (first, second)
};

extern const CombiningClassRange kCombiningClasses[];
extern const size_t kCombiningClasses_count;
extern const uint32_t kDecompositionData[];
extern const Decomposition kDecompositions[];
extern const size_t kDecompositions_count;
extern const Composition kCompositions[];
extern const size_t kCompositions_count;

}  // namespace srs::unicode
