// libFuzzer target for byte-level BPE (SmolLM2's tokenizer.json from tests/golden): encode
// arbitrary bytes, decode the ids, and check that nothing but the bytes the vocabulary lacks is
// lost: decode(encode(x)) == lossy UTF-8 of x without those bytes (x itself for valid UTF-8
// made of bytes that have tokens). Arbitrary ids decode to valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_tokenizer_common.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace {

struct Fixture {
  std::unique_ptr<srs::Tokenizer> tok;
  bool missing[256];  // bytes without a token: encoding drops them
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.tok = srs::load_tokenizer_json(srs::fuzz::golden_dir() + "/tokenizer/smollm2/tokenizer.json");
    for (int b = 0; b < 256; ++b) x.missing[b] = x.tok->encode(std::string(1, static_cast<char>(b)), false).empty();
    return x;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<int32_t> ids = f.tok->encode(text, true);
  for (int32_t id : ids) srs::fuzz::check(id >= 0 && id < f.tok->vocab_size(), "id outside the vocabulary");

  std::string kept;
  for (unsigned char b : text)
    if (!f.missing[b]) kept += static_cast<char>(b);
  const std::string decoded = f.tok->decode(ids);
  srs::fuzz::check(decoded == srs::unicode::to_valid_utf8_lossy(kept), "decode(encode(x)) lost or changed text");
  if (kept.size() == text.size() && srs::unicode::is_valid_utf8(text))
    srs::fuzz::check(decoded == text, "valid UTF-8 did not round-trip");
  srs::fuzz::check(srs::unicode::is_valid_utf8(f.tok->decode(ids, true)), "decode gave invalid UTF-8");

  // The input as arbitrary ids.
  std::vector<int32_t> random_ids;
  for (size_t i = 0; i + 1 < size; i += 2)
    random_ids.push_back(static_cast<int32_t>((data[i] | (data[i + 1] << 8)) % f.tok->vocab_size()));
  srs::fuzz::check(srs::unicode::is_valid_utf8(f.tok->decode(random_ids)), "decode of ids gave invalid UTF-8");
  return 0;
}
