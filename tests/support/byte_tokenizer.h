#pragma once
// A test tokenizer: one id per byte. Deterministic and independent of the real tokenizers,
// so data-pipeline tests check the pipeline and nothing else.
#include "tokenizer/tokenizer.h"

namespace srs::test {

class ByteTokenizer : public Tokenizer {
 public:
  std::vector<int32_t> encode(std::string_view text, bool add_special_tokens = true) const override {
    std::vector<int32_t> ids;
    if (add_special_tokens) ids.push_back(256);
    for (unsigned char c : text) ids.push_back(c);
    return ids;
  }
  std::string decode(const std::vector<int32_t>& ids, bool = false) const override {
    std::string s;
    for (int32_t id : ids)
      if (id < 256) s.push_back(static_cast<char>(id));
    return s;
  }
  int64_t vocab_size() const override { return 257; }
  int64_t bos_id() const override { return 256; }
  int64_t eos_id() const override { return -1; }
  std::string kind() const override { return "bytes"; }
  const std::string& token_text(int32_t) const override { return empty_; }

 private:
  std::string empty_;
};

}  // namespace srs::test
