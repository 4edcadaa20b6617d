#pragma once
// The splitting steps that run before BPE: the pre-tokenizer regexes of HF tokenizers,
// implemented as hand-written matchers over code points (std::regex has no \p{L}).
#include <string>
#include <string_view>
#include <vector>

namespace srs {

enum class SplitRule {
  // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+  (GPT-2, ByteLevel)
  kGpt2,
  // (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
  // \s*[\r\n]+|\s+(?!\S)|\s+  (LLaMA-3)
  kLlama3,
  // As kLlama3 with \p{N} instead of \p{N}{1,3} (Qwen2)
  kQwen2,
  kDigitsIndividual,  // HF Digits(individual_digits=true): every \p{N} on its own
  kDigitsContiguous,  // HF Digits(individual_digits=false): runs of \p{N}
};

// Applies the rules in order, each to every piece the previous ones produced (as HF's
// Sequence pre-tokenizer does). Pieces are views into text, in order, covering all of it.
std::vector<std::string_view> pre_tokenize(std::string_view text, const std::vector<SplitRule>& rules);

// What a GGUF tokenizer.ggml.pre name stands for (as llama.cpp maps them).
struct GgufPreTokenizer {
  std::vector<SplitRule> rules;
  bool ignore_merges = false;  // LLaMA-3: a pre-token that is a vocabulary entry is kept whole
  // Qwen2's tokenizer.json puts text in NFC first; GGUF does not record normalizers (llama.cpp
  // skips it), so the name stands for it here, to give the ids HF gives.
  bool nfc = false;
};
// An empty name means "default". Unknown names are an srs::Error listing the known ones.
GgufPreTokenizer gguf_pre_tokenizer(const std::string& pre);

// The rule whose regex is exactly `pattern` (the Split pre-tokenizer of a tokenizer.json), or
// false when it is none we know.
bool split_rule_for_regex(const std::string& pattern, SplitRule* rule);

}  // namespace srs
