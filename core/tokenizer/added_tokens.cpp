#include "tokenizer/added_tokens.h"

#include <algorithm>

#include "tokenizer/unicode.h"

namespace srs {
namespace {

// Start of the white space (Unicode White_Space) that ends text[0, end).
size_t space_start(std::string_view text, size_t end) {
  // Walk back one code point at a time: find the lead byte, decode, test.
  while (end > 0) {
    size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80 && end - b < 4) --b;
    const unicode::Decoded d = unicode::decode_utf8(text, b);
    if (b + d.len != end || !unicode::is_whitespace(d.cp)) break;
    end = b;
  }
  return end;
}

size_t space_end(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    const unicode::Decoded d = unicode::decode_utf8(text, pos);
    if (!unicode::is_whitespace(d.cp)) break;
    pos += d.len;
  }
  return pos;
}

}  // namespace

AddedTokenMatcher::AddedTokenMatcher(std::vector<AddedToken> tokens) : tokens_(std::move(tokens)), by_first_byte_(256) {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (tokens_[i].content.empty()) continue;
    by_first_byte_[static_cast<unsigned char>(tokens_[i].content[0])].push_back(i);
  }
  for (auto& list : by_first_byte_) {
    std::stable_sort(list.begin(), list.end(),
                     [&](size_t a, size_t b) { return tokens_[a].content.size() > tokens_[b].content.size(); });
  }
}

std::vector<TextSegment> AddedTokenMatcher::split(std::string_view text) const {
  std::vector<TextSegment> out;
  if (tokens_.empty()) {
    if (!text.empty()) out.push_back({text, -1});
    return out;
  }
  size_t raw_begin = 0;
  for (size_t pos = 0; pos < text.size();) {
    const AddedToken* hit = nullptr;
    for (size_t idx : by_first_byte_[static_cast<unsigned char>(text[pos])]) {
      const std::string& c = tokens_[idx].content;
      if (text.compare(pos, c.size(), c) == 0) {
        hit = &tokens_[idx];
        break;
      }
    }
    if (!hit) {
      ++pos;
      continue;
    }
    size_t start = pos, end = pos + hit->content.size();
    if (hit->lstrip) start = std::max(raw_begin, space_start(text, start));
    if (hit->rstrip) end = space_end(text, end);
    if (start > raw_begin) out.push_back({text.substr(raw_begin, start - raw_begin), -1});
    out.push_back({text.substr(start, end - start), hit->id});
    raw_begin = pos = end;
  }
  if (raw_begin < text.size()) out.push_back({text.substr(raw_begin), -1});
  return out;
}

}  // namespace srs
