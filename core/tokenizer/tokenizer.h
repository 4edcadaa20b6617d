#pragma once
// Text <-> token ids, exactly as HF `tokenizers` does it for the models we support:
// byte-level BPE (GPT-2 / LLaMA-3 / Qwen2 / SmolLM, GGUF tokenizer.ggml.model "gpt2") and
// SentencePiece BPE (LLaMA-2 / Mistral, GGUF "llama"). Build one from a GGUF vocabulary with
// make_tokenizer() or from an HF tokenizer.json with load_tokenizer_json().
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer_data.h"

namespace srs {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Special tokens written in the text (e.g. "<|im_start|>") are recognised as such. With
  // add_special_tokens the model's BOS/EOS rules apply (as HF's post-processor does).
  virtual std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = true) const = 0;
  // Ids outside the vocabulary are an srs::Error. Bytes that do not form valid UTF-8 become
  // U+FFFD, as in HF.
  virtual std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const = 0;

  virtual int64_t vocab_size() const = 0;
  virtual int64_t bos_id() const = 0;  // -1 when the model has none
  virtual int64_t eos_id() const = 0;
  virtual std::string kind() const = 0;  // "byte-level BPE" or "SentencePiece BPE"
  // The vocabulary entry of an id as the model stores it (byte-level or with "▁").
  virtual const std::string& token_text(int32_t id) const = 0;
};

// GGUF vocabularies: model "gpt2" -> byte-level BPE (split rules from data.pre),
// "llama" -> SentencePiece BPE. Anything else is an srs::Error naming the supported models.
std::unique_ptr<Tokenizer> make_tokenizer(const TokenizerData& data);

// An HF tokenizer.json with a BPE model. Unsupported features are an srs::Error that names the
// file and the feature.
std::unique_ptr<Tokenizer> load_tokenizer_json(const std::string& path);

}  // namespace srs
