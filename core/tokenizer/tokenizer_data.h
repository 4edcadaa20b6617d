#pragma once
// A tokenizer's vocabulary as GGUF stores it (tokenizer.ggml.*), format-neutral so that the
// GGUF reader and the tokenizers do not depend on each other.
#include <cstdint>
#include <string>
#include <vector>

namespace srs {

struct TokenizerData {
  std::string model;                // "gpt2" (byte-level BPE) or "llama" (SentencePiece BPE)
  std::string pre;                  // pre-tokenizer name for gpt2 models ("smollm", "llama-bpe", "qwen2", ...)
  std::vector<std::string> tokens;  // id -> token text
  std::vector<float> scores;        // SentencePiece piece scores (may be empty for gpt2)
  std::vector<int32_t> token_types; // 1 normal, 2 unknown, 3 control, 4 user defined, 5 unused, 6 byte
  std::vector<std::string> merges;  // "a b", in rank order (gpt2 only)
  int64_t bos_id = -1;
  int64_t eos_id = -1;
  int64_t unk_id = -1;
  int64_t pad_id = -1;
  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = true;     // SentencePiece only
};

}  // namespace srs
