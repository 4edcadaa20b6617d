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
