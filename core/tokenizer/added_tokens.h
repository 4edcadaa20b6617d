#pragma once
// Added (special) tokens: they are matched in the raw text before any other step, leftmost
// and longest first, as HF's AddedVocabulary does.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace srs {

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool special = false;  // dropped by decode(skip_special_tokens)
  bool lstrip = false;   // also swallows the white space before it
  bool rstrip = false;   // also swallows the white space after it
};

struct TextSegment {
  std::string_view text;  // raw text (token < 0) or the matched token's text
  int32_t token = -1;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  explicit AddedTokenMatcher(std::vector<AddedToken> tokens);
  // Splits text into raw-text segments and added tokens; raw segments are never empty.
  std::vector<TextSegment> split(std::string_view text) const;
  const std::vector<AddedToken>& tokens() const { return tokens_; }

 private:
  std::vector<AddedToken> tokens_;
  std::vector<std::vector<size_t>> by_first_byte_;  // indices into tokens_, longest first
};

}  // namespace srs
