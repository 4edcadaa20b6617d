#pragma once
// UTF-8 handling and the Unicode character classes the tokenizers need. Input text may hold
// invalid UTF-8: every decoding step here is total (an invalid byte is its own "character").
#include <cstdint>
#include <string>
#include <string_view>

namespace srs::unicode {

// Marks an invalid byte in decoded text; it belongs to no class (not a letter, number or space).
constexpr uint32_t kInvalid = 0xFFFFFFFF;

struct Decoded {
  uint32_t cp;   // code point, or kInvalid
  size_t len;    // bytes consumed, at least 1
};

// Decodes the character at text[pos] (pos < text.size()). A malformed or truncated sequence
// yields {kInvalid, 1}, so the next call resynchronises on the following byte.
Decoded decode_utf8(std::string_view text, size_t pos);
void append_utf8(std::string& out, uint32_t cp);
bool is_valid_utf8(std::string_view text);
// Replaces each maximal invalid subsequence with U+FFFD, as Rust's String::from_utf8_lossy does
// (HF tokenizers decodes bytes this way).
std::string to_valid_utf8_lossy(std::string_view bytes);

bool is_letter(uint32_t cp);      // \p{L}
bool is_number(uint32_t cp);      // \p{N}
bool is_whitespace(uint32_t cp);  // \s: the White_Space property

}  // namespace srs::unicode
