// libFuzzer target for byte-level BPE (tokenizer.json files from tests/golden: SmolLM2, and the
// LLaMA-3 and Qwen2 layouts): encode arbitrary bytes, decode the ids, and check that nothing but
// the bytes the vocabulary lacks is lost: decode(encode(x)) == lossy UTF-8 of x without those
// bytes (x itself for valid UTF-8 made of bytes that have tokens; its NFC for Qwen2).
// Arbitrary ids decode to valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_tokenizer_common.h"
#include "tokenizer/nfc.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace {

struct Fixture {
  std::unique_ptr<srs::Tokenizer> tok, llama3, qwen2;
  bool missing[256];  // bytes without a token: encoding drops them (the same in all three)
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const std::string dir = srs::fuzz::golden_dir() + "/tokenizer/";
    x.tok = srs::load_tokenizer_json(dir + "smollm2/tokenizer.json");
    x.llama3 = srs::load_tokenizer_json(dir + "layouts/llama3.json");
    x.qwen2 = srs::load_tokenizer_json(dir + "layouts/qwen2.json");
    for (int b = 0; b < 256; ++b) x.missing[b] = x.tok->encode(std::string(1, static_cast<char>(b)), false).empty();
    return x;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string kept;
  for (unsigned char b : text)
    if (!f.missing[b]) kept += static_cast<char>(b);
  const bool clean = kept.size() == text.size() && srs::unicode::is_valid_utf8(text);

  const std::vector<int32_t> llama3_ids = f.llama3->encode(text, false);
  srs::fuzz::check(f.llama3->decode(llama3_ids) == srs::unicode::to_valid_utf8_lossy(kept),
                   "LLaMA-3 layout: decode(encode(x)) lost or changed text");
  srs::fuzz::check(f.llama3->encode(text, true).size() == llama3_ids.size() + 1, "LLaMA-3 layout: BOS");
  const std::string qwen2_text = f.qwen2->decode(f.qwen2->encode(text, true));
  srs::fuzz::check(srs::unicode::is_valid_utf8(qwen2_text), "Qwen2 layout: decode gave invalid UTF-8");
  // Without '<' no added token can match, so the whole input is one NFC segment.
  if (clean && text.find('<') == std::string::npos)
    srs::fuzz::check(qwen2_text == srs::unicode::to_nfc(text), "Qwen2 layout: decode(encode(x)) != NFC(x)");

  const std::vector<int32_t> ids = f.tok->encode(text, true);
  for (int32_t id : ids) srs::fuzz::check(id >= 0 && id < f.tok->vocab_size(), "id outside the vocabulary");

  const std::string decoded = f.tok->decode(ids);
  srs::fuzz::check(decoded == srs::unicode::to_valid_utf8_lossy(kept), "decode(encode(x)) lost or changed text");
  if (clean) srs::fuzz::check(decoded == text, "valid UTF-8 did not round-trip");
  srs::fuzz::check(srs::unicode::is_valid_utf8(f.tok->decode(ids, true)), "decode gave invalid UTF-8");

  // The input as arbitrary ids.
  std::vector<int32_t> random_ids;
  for (size_t i = 0; i + 1 < size; i += 2)
    random_ids.push_back(static_cast<int32_t>((data[i] | (data[i + 1] << 8)) % f.tok->vocab_size()));
  srs::fuzz::check(srs::unicode::is_valid_utf8(f.tok->decode(random_ids)), "decode of ids gave invalid UTF-8");
  return 0;
}
