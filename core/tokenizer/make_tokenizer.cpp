// Tokenizers from a GGUF vocabulary (TokenizerData).
#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/unicode.h"
#include "util/error.h"

namespace srs {
namespace {

constexpr int32_t kTypeUnknown = 2, kTypeControl = 3, kTypeUserDefined = 4;

void check_id(const TokenizerData& d, int64_t id, const char* key) {
  if (id < -1 || id >= static_cast<int64_t>(d.tokens.size()))
    throw Error(std::string("GGUF tokenizer: ") + key + " = " + std::to_string(id) +
                " is outside the vocabulary of " + std::to_string(d.tokens.size()) + " tokens");
}

BpeModel common_model(const TokenizerData& d) {
  if (d.tokens.empty()) throw Error("GGUF tokenizer: tokenizer.ggml.tokens is empty; the file has no vocabulary");
  if (!d.token_types.empty() && d.token_types.size() != d.tokens.size())
    throw Error("GGUF tokenizer: tokenizer.ggml.token_type has " + std::to_string(d.token_types.size()) +
                " entries for " + std::to_string(d.tokens.size()) + " tokens");
  check_id(d, d.bos_id, "tokenizer.ggml.bos_token_id");
  check_id(d, d.eos_id, "tokenizer.ggml.eos_token_id");
  check_id(d, d.unk_id, "tokenizer.ggml.unknown_token_id");
  if (d.add_bos && d.bos_id < 0) throw Error("GGUF tokenizer: add_bos_token is set but there is no bos_token_id");
  if (d.add_eos && d.eos_id < 0) throw Error("GGUF tokenizer: add_eos_token is set but there is no eos_token_id");
  BpeModel m;
  m.tokens = d.tokens;
  m.bos_id = d.bos_id;
  m.eos_id = d.eos_id;
  m.unk_id = static_cast<int32_t>(d.unk_id);
  if (d.add_bos) m.prefix_ids.push_back(static_cast<int32_t>(d.bos_id));
  if (d.add_eos) m.suffix_ids.push_back(static_cast<int32_t>(d.eos_id));
  // Control, user-defined and unknown tokens are recognised in text (as llama.cpp does);
  // control and unknown ones are special (dropped by skip_special_tokens).
  for (size_t i = 0; i < d.token_types.size(); ++i) {
    const int32_t type = d.token_types[i];
    if (type != kTypeUnknown && type != kTypeControl && type != kTypeUserDefined) continue;
    m.added.push_back({d.tokens[i], static_cast<int32_t>(i), type != kTypeUserDefined, false, false});
  }
  return m;
}

std::unique_ptr<Tokenizer> make_byte_level(const TokenizerData& d) {
  GgufPreTokenizer pre = gguf_pre_tokenizer(d.pre);
  BpeModel m = common_model(d);
  m.ignore_merges = pre.ignore_merges;
  m.nfc = pre.nfc;
  // A byte without a token (C0, C1, F5..FF are often missing: they never occur in UTF-8) is
  // dropped rather than becoming the unknown token, as HF does for byte-level models.
  m.unk_id = -1;
  std::unordered_map<std::string, int32_t> ids;
  for (size_t i = 0; i < m.tokens.size(); ++i) ids.emplace(m.tokens[i], static_cast<int32_t>(i));
  for (size_t rank = 0; rank < d.merges.size(); ++rank) {
    const std::string& merge = d.merges[rank];
    const size_t space = merge.find(' ');
    const auto left = space == std::string::npos ? ids.end() : ids.find(merge.substr(0, space));
    const auto right = space == std::string::npos ? ids.end() : ids.find(merge.substr(space + 1));
    const auto merged = space == std::string::npos ? ids.end() : ids.find(merge.substr(0, space) + merge.substr(space + 1));
    if (left == ids.end() || right == ids.end() || merged == ids.end())
      throw Error("GGUF tokenizer: tokenizer.ggml.merges[" + std::to_string(rank) + "] = \"" + merge +
                  "\" is not two vocabulary tokens whose concatenation is a token");
    m.merges.add(left->second, right->second, static_cast<double>(rank), merged->second);
  }
  return std::make_unique<ByteLevelBpe>(std::move(m), std::move(pre.rules), false);
}

std::unique_ptr<Tokenizer> make_sentencepiece(const TokenizerData& d) {
  if (d.scores.size() != d.tokens.size())
    throw Error("GGUF tokenizer: tokenizer.ggml.scores has " + std::to_string(d.scores.size()) + " entries for " +
                std::to_string(d.tokens.size()) + " tokens; SentencePiece models need one score per token");
  BpeModel m = common_model(d);
  std::unordered_map<std::string, int32_t> ids;
  for (size_t i = 0; i < m.tokens.size(); ++i) ids.emplace(m.tokens[i], static_cast<int32_t>(i));
  // SentencePiece merges the adjacent pair whose concatenation is the best-scoring piece:
  // every split of a piece into two pieces is a merge with that piece's score.
  for (size_t i = 0; i < m.tokens.size(); ++i) {
    const std::string& piece = m.tokens[i];
    for (size_t cut = unicode::decode_utf8(piece, 0).len; cut < piece.size();
         cut += unicode::decode_utf8(piece, cut).len) {
      const auto left = ids.find(piece.substr(0, cut));
      const auto right = ids.find(piece.substr(cut));
      if (left == ids.end() || right == ids.end()) continue;
      if (ids.at(piece) != static_cast<int32_t>(i)) continue;  // a duplicate entry never wins
      m.merges.add(left->second, right->second, -static_cast<double>(d.scores[i]), static_cast<int32_t>(i));
    }
  }
  SentencePieceBpe::Options options;
  options.prefix = d.add_space_prefix ? SentencePieceBpe::Prefix::kEverySegment : SentencePieceBpe::Prefix::kNever;
  options.strip_leading_spaces = d.add_space_prefix ? 1 : 0;
  return std::make_unique<SentencePieceBpe>(std::move(m), options);
}

}  // namespace

std::unique_ptr<Tokenizer> make_tokenizer(const TokenizerData& data) {
  if (data.model == "gpt2") return make_byte_level(data);
  if (data.model == "llama") return make_sentencepiece(data);
  throw Error("GGUF tokenizer: tokenizer.ggml.model \"" + data.model +
              "\" is not supported; supported: \"gpt2\" (byte-level BPE), \"llama\" (SentencePiece BPE)");
}

}  // namespace srs
