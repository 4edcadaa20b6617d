#include <cstdio>

#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/unicode.h"

namespace srs {
namespace {

const std::string kMetaSpace = "\xE2\x96\x81";  // U+2581 "▁"

std::string replace_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == ' ') out += kMetaSpace;
    else out += c;
  }
  return out;
}

// "<0xNN>" -> NN, or -1.
int byte_token_value(const std::string& piece) {
  if (piece.size() != 6 || piece.compare(0, 3, "<0x") != 0 || piece[5] != '>') return -1;
  int value = 0;
  for (int i = 3; i < 5; ++i) {
    const char c = piece[i];
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

}  // namespace

SentencePieceBpe::SentencePieceBpe(BpeModel model, Options options)
    : BpeTokenizer(std::move(model)), options_(options) {
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    byte_token_[b] = lookup(name);
  }
}

void SentencePieceBpe::encode_word(const std::string& word, std::vector<int32_t>& out) const {
  std::vector<int32_t> symbols;
  bool last_unk = false;
  for (size_t pos = 0; pos < word.size();) {
    const size_t len = unicode::decode_utf8(word, pos).len;
    const int32_t id = lookup(word.substr(pos, len));
    bool done = id >= 0;
    if (done) {
      symbols.push_back(id);
    } else if (options_.byte_fallback) {
      done = true;
      for (size_t i = 0; i < len; ++i) done = done && byte_token_[static_cast<unsigned char>(word[pos + i])] >= 0;
      if (done)
        for (size_t i = 0; i < len; ++i) symbols.push_back(byte_token_[static_cast<unsigned char>(word[pos + i])]);
    }
    if (done) {
      last_unk = false;
    } else if (model().unk_id >= 0 && !(options_.fuse_unk && last_unk)) {
      symbols.push_back(model().unk_id);
      last_unk = true;
    }
    pos += len;
  }
  model().merges.apply(symbols);
  out.insert(out.end(), symbols.begin(), symbols.end());
}

void SentencePieceBpe::encode_segment(std::string_view text, bool at_start, WordCache& cache,
                                      std::vector<int32_t>& out) const {
  std::string normalized = replace_spaces(text);
  const bool starts_meta = normalized.compare(0, kMetaSpace.size(), kMetaSpace) == 0;
  bool prepend = false;
  switch (options_.prefix) {
    case Prefix::kEverySegment: prepend = !normalized.empty(); break;
    case Prefix::kAlways: prepend = !starts_meta; break;
    case Prefix::kFirst: prepend = !starts_meta && at_start; break;
    case Prefix::kNever: break;
  }
  if (prepend) normalized.insert(0, kMetaSpace);

  std::vector<std::string> words;
  if (options_.split_words) {
    // Each "▁" starts a new word (HF Metaspace split, MergedWithNext).
    size_t begin = 0;
    for (size_t pos = normalized.find(kMetaSpace, 1); pos != std::string::npos;
         pos = normalized.find(kMetaSpace, pos + 1)) {
      words.push_back(normalized.substr(begin, pos - begin));
      begin = pos;
    }
    if (begin < normalized.size()) words.push_back(normalized.substr(begin));
  } else if (!normalized.empty()) {
    words.push_back(std::move(normalized));
  }
  for (std::string& word : words) {
    auto hit = cache.find(word);
    if (hit == cache.end()) {
      std::vector<int32_t> ids;
      encode_word(word, ids);
      hit = cache.emplace(std::move(word), std::move(ids)).first;
    }
    out.insert(out.end(), hit->second.begin(), hit->second.end());
  }
}

std::string SentencePieceBpe::decode_pieces(const std::vector<const std::string*>& pieces) const {
  // HF's chain: Replace("▁", " "), ByteFallback, Fuse, Strip(" ", n, 0).
  std::string out;
  std::string pending_bytes;  // consecutive <0xNN> tokens
  size_t pending_count = 0;
  const auto flush = [&]() {
    if (pending_count == 0) return;
    if (unicode::is_valid_utf8(pending_bytes)) {
      out += pending_bytes;
    } else {
      for (size_t i = 0; i < pending_count; ++i) out += "\xEF\xBF\xBD";  // one U+FFFD per byte
    }
    pending_bytes.clear();
    pending_count = 0;
  };
  for (const std::string* piece : pieces) {
    const int byte = options_.decode_byte_tokens ? byte_token_value(*piece) : -1;
    if (byte >= 0) {
      pending_bytes += static_cast<char>(byte);
      ++pending_count;
      continue;
    }
    flush();
    for (size_t pos = 0; pos < piece->size();) {
      if (piece->compare(pos, kMetaSpace.size(), kMetaSpace) == 0) {
        out += ' ';
        pos += kMetaSpace.size();
      } else {
        out += (*piece)[pos++];
      }
    }
  }
  flush();
  size_t strip = 0;
  while (strip < out.size() && static_cast<int>(strip) < options_.strip_leading_spaces && out[strip] == ' ') ++strip;
  return unicode::to_valid_utf8_lossy(out.substr(strip));
}

}  // namespace srs
