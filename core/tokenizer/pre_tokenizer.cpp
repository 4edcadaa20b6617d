#include "tokenizer/pre_tokenizer.h"

#include <algorithm>

#include "tokenizer/unicode.h"
#include "util/error.h"

namespace srs {
namespace {

// A piece decoded to code points, with the byte offset of each (off.size() == cp.size() + 1).
struct Chars {
  std::vector<uint32_t> cp;
  std::vector<size_t> off;

  explicit Chars(std::string_view s) {
    cp.reserve(s.size());
    off.reserve(s.size() + 1);
    for (size_t pos = 0; pos < s.size();) {
      const unicode::Decoded d = unicode::decode_utf8(s, pos);
      cp.push_back(d.cp);
      off.push_back(pos);
      pos += d.len;
    }
    off.push_back(s.size());
  }
  size_t size() const { return cp.size(); }
  bool letter(size_t i) const { return i < cp.size() && unicode::is_letter(cp[i]); }
  bool number(size_t i) const { return i < cp.size() && unicode::is_number(cp[i]); }
  bool space(size_t i) const { return i < cp.size() && unicode::is_whitespace(cp[i]); }
  // [^\s\p{L}\p{N}]
  bool other(size_t i) const { return i < cp.size() && !space(i) && !letter(i) && !number(i); }
  bool crlf(size_t i) const { return i < cp.size() && (cp[i] == '\r' || cp[i] == '\n'); }
  template <typename Pred>
  size_t run(size_t i, Pred pred) const {
    size_t j = i;
    while (j < cp.size() && pred(j)) ++j;
    return j - i;
  }
};

// Case folding as Oniguruma applies it under (?i) to the contraction letters: ASCII case, and
// LATIN SMALL LETTER LONG S folds to 's'.
uint32_t fold(uint32_t c, bool ignore_case) {
  if (!ignore_case) return c;
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c == 0x17F) return 's';
  return c;
}

// 's|'t|'re|'ve|'m|'ll|'d at i: the match length in code points, or 0.
size_t contraction(const Chars& c, size_t i, bool ignore_case) {
  if (c.cp[i] != '\'' || i + 1 >= c.size()) return 0;
  const uint32_t a = fold(c.cp[i + 1], ignore_case);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= c.size()) return 0;
  const uint32_t b = fold(c.cp[i + 2], ignore_case);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// \s+(?!\S)|\s+ at i, where c.cp[i] is white space: greedy, giving back one character when
// the run is followed by a non-space so that the last space joins the next word.
size_t trailing_space(const Chars& c, size_t i) {
  const size_t k = c.run(i, [&](size_t j) { return c.space(j); });
  if (i + k == c.size() || k == 1) return k;
  return k - 1;
}

size_t match_gpt2(const Chars& c, size_t i) {
  if (size_t n = contraction(c, i, false)) return n;
  const auto letters = [&](size_t j) { return c.letter(j); };
  const auto numbers = [&](size_t j) { return c.number(j); };
  const auto others = [&](size_t j) { return c.other(j); };
  const size_t start = c.cp[i] == ' ' && i + 1 < c.size() && !c.space(i + 1) ? i + 1 : i;
  if (c.letter(start)) return start - i + c.run(start, letters);
  if (c.number(start)) return start - i + c.run(start, numbers);
  if (c.other(start)) return start - i + c.run(start, others);
  return trailing_space(c, i);
}

size_t match_llama3(const Chars& c, size_t i, size_t max_digits) {
  if (size_t n = contraction(c, i, true)) return n;
  const auto letters = [&](size_t j) { return c.letter(j); };
  // [^\r\n\p{L}\p{N}]?\p{L}+
  if (!c.letter(i) && !c.number(i) && !c.crlf(i) && c.letter(i + 1)) return 1 + c.run(i + 1, letters);
  if (c.letter(i)) return c.run(i, letters);
  // \p{N}{1,max}
  if (c.number(i)) return std::min(max_digits, c.run(i, [&](size_t j) { return c.number(j); }));
  // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
  const size_t start = c.cp[i] == ' ' && c.other(i + 1) ? i + 1 : i;
  if (c.other(start)) {
    size_t j = start + c.run(start, [&](size_t k) { return c.other(k); });
    j += c.run(j, [&](size_t k) { return c.crlf(k); });
    return j - i;
  }
  // \s*[\r\n]+ : up to and including the last line break of the white-space run
  const size_t k = c.run(i, [&](size_t j) { return c.space(j); });
  for (size_t j = i + k; j > i; --j) {
    if (c.crlf(j - 1)) return j - i;
  }
  return trailing_space(c, i);
}

void split_digits(const Chars& c, bool individual, std::vector<size_t>& cuts) {
  for (size_t i = 0; i < c.size(); ++i) {
    const bool is_num = c.number(i);
    const bool prev_num = i > 0 && c.number(i - 1);
    if (i > 0 && (is_num != prev_num || (is_num && individual))) cuts.push_back(i);
  }
}

void split_piece(std::string_view piece, SplitRule rule, std::vector<std::string_view>& out) {
  const Chars c(piece);
  std::vector<size_t> cuts;  // code point indices where a new piece starts (besides 0)
  if (rule == SplitRule::kDigitsIndividual || rule == SplitRule::kDigitsContiguous) {
    split_digits(c, rule == SplitRule::kDigitsIndividual, cuts);
  } else {
    for (size_t i = 0; i < c.size();) {
      size_t n = 0;
      switch (rule) {
        case SplitRule::kGpt2: n = match_gpt2(c, i); break;
        case SplitRule::kLlama3: n = match_llama3(c, i, 3); break;
        default: n = match_llama3(c, i, 1); break;
      }
      i += std::max<size_t>(n, 1);
      if (i < c.size()) cuts.push_back(i);
    }
  }
  size_t begin = 0;
  for (size_t cut : cuts) {
    out.push_back(piece.substr(c.off[begin], c.off[cut] - c.off[begin]));
    begin = cut;
  }
  if (c.size() > 0) out.push_back(piece.substr(c.off[begin]));
}

}  // namespace

std::vector<std::string_view> pre_tokenize(std::string_view text, const std::vector<SplitRule>& rules) {
  std::vector<std::string_view> pieces;
  if (!text.empty()) pieces.push_back(text);
  for (SplitRule rule : rules) {
    std::vector<std::string_view> next;
    next.reserve(pieces.size() * 2);
    for (std::string_view p : pieces) split_piece(p, rule, next);
    pieces.swap(next);
  }
  return pieces;
}

GgufPreTokenizer gguf_pre_tokenizer(const std::string& pre) {
  // llama.cpp gives these names the GPT-2 regex after isolating every digit.
  static const char* const kDigitsThenGpt2[] = {"smollm", "starcoder", "refact", "command-r", "codeshell"};
  static const char* const kLlama3[] = {"llama-bpe", "llama3", "smaug-bpe", "dbrx"};
  static const char* const kQwen2[] = {"qwen2", "deepseek-r1-qwen"};
  if (pre.empty() || pre == "default" || pre == "gpt2") return {{SplitRule::kGpt2}, false};
  for (const char* name : kDigitsThenGpt2)
    if (pre == name) return {{SplitRule::kDigitsIndividual, SplitRule::kGpt2}, false};
  for (const char* name : kLlama3)
    if (pre == name) return {{SplitRule::kLlama3}, true};
  for (const char* name : kQwen2)
    if (pre == name) return {{SplitRule::kQwen2}, false, true};
  throw Error("tokenizer.ggml.pre: unknown pre-tokenizer \"" + pre +
              "\"; supported: default, gpt2, smollm, starcoder, refact, command-r, codeshell, "
              "llama-bpe, llama3, smaug-bpe, dbrx, qwen2, deepseek-r1-qwen");
}

bool split_rule_for_regex(const std::string& pattern, SplitRule* rule) {
  static const std::string kGpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
  static const std::string kLlama3Head = R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|)";
  static const std::string kLlama3Tail = R"(| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  if (pattern == kGpt2) {
    *rule = SplitRule::kGpt2;
    return true;
  }
  if (pattern == kLlama3Head + R"(\p{N}{1,3})" + kLlama3Tail) {
    *rule = SplitRule::kLlama3;
    return true;
  }
  if (pattern == kLlama3Head + R"(\p{N})" + kLlama3Tail) {
    *rule = SplitRule::kQwen2;
    return true;
  }
  return false;
}

}  // namespace srs
