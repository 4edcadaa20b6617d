#pragma once
// What byte-level BPE and SentencePiece BPE share: the vocabulary, the merge table, added
// tokens matched before anything else, and the BOS/EOS template. Subclasses turn raw text
// segments into ids and token texts back into a string.
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_merges.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace srs {

struct BpeModel {
  std::vector<std::string> tokens;  // id -> vocabulary entry
  MergeTable merges;
  std::vector<AddedToken> added;
  std::vector<int32_t> prefix_ids, suffix_ids;  // put around the text by encode(add_special_tokens)
  int64_t bos_id = -1, eos_id = -1;
  int32_t unk_id = -1;
  bool ignore_merges = false;  // a pre-token that is a whole vocabulary entry is not merged
  bool nfc = false;            // raw text is put in Unicode NFC first (HF NFC normalizer)
};

class BpeTokenizer : public Tokenizer {
 public:
  explicit BpeTokenizer(BpeModel model);

  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens) const override;
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const override;
  int64_t vocab_size() const override { return static_cast<int64_t>(model_.tokens.size()); }
  int64_t bos_id() const override { return model_.bos_id; }
  int64_t eos_id() const override { return model_.eos_id; }
  const std::string& token_text(int32_t id) const override;

 protected:
  // Per-encode() memo of pre-token -> ids: text repeats words a lot.
  using WordCache = std::unordered_map<std::string, std::vector<int32_t>>;
  // Encodes one raw-text segment (between added tokens); at_start: it begins the input.
  virtual void encode_segment(std::string_view text, bool at_start, WordCache& cache,
                              std::vector<int32_t>& out) const = 0;
  // Joins the texts of the tokens to decode (HF's decoder chain).
  virtual std::string decode_pieces(const std::vector<const std::string*>& pieces) const = 0;

  int32_t lookup(const std::string& piece) const;  // -1 when absent
  const BpeModel& model() const { return model_; }

 private:
  BpeModel model_;
  AddedTokenMatcher matcher_;
  std::unordered_map<std::string, int32_t> ids_;
  std::vector<const std::string*> decode_text_;  // id -> text decode() uses (added tokens' content)
  std::vector<bool> special_;
};

// GPT-2 style: text bytes are mapped to printable characters before BPE.
class ByteLevelBpe : public BpeTokenizer {
 public:
  ByteLevelBpe(BpeModel model, std::vector<SplitRule> rules, bool add_prefix_space);
  std::string kind() const override { return "byte-level BPE"; }

 protected:
  void encode_segment(std::string_view text, bool at_start, WordCache& cache,
                      std::vector<int32_t>& out) const override;
  std::string decode_pieces(const std::vector<const std::string*>& pieces) const override;

 private:
  std::vector<SplitRule> rules_;
  bool add_prefix_space_;
  int32_t byte_token_[256];
};

// LLaMA-2 style: spaces become "▁", characters outside the vocabulary fall back to <0xNN>.
class SentencePieceBpe : public BpeTokenizer {
 public:
  enum class Prefix {
    kEverySegment,  // HF Prepend("▁") normalizer / llama.cpp add_space_prefix
    kAlways,        // Metaspace prepend_scheme "always": unless the segment starts with "▁"
    kFirst,         // Metaspace prepend_scheme "first": only the segment at the input start
    kNever,
  };
  struct Options {
    Prefix prefix = Prefix::kEverySegment;
    bool split_words = false;  // Metaspace split=true: BPE runs per "▁word"
    bool byte_fallback = true;
    bool fuse_unk = true;
    int strip_leading_spaces = 1;  // decoder Strip(" ", n, 0)
    bool decode_byte_tokens = true;  // decoder ByteFallback
  };
  SentencePieceBpe(BpeModel model, Options options);
  std::string kind() const override { return "SentencePiece BPE"; }

 protected:
  void encode_segment(std::string_view text, bool at_start, WordCache& cache,
                      std::vector<int32_t>& out) const override;
  std::string decode_pieces(const std::vector<const std::string*>& pieces) const override;

 private:
  void encode_word(const std::string& word, std::vector<int32_t>& out) const;
  Options options_;
  int32_t byte_token_[256];  // <0xNN>, or -1
};

}  // namespace srs
