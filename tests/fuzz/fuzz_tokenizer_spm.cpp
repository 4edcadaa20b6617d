// libFuzzer target for SentencePiece BPE (the tiny byte-fallback model in tests/golden), built
// both from its GGUF-style vocabulary and from its tokenizer.json: encode arbitrary bytes and
// decode. Byte fallback makes encoding lossless, so valid UTF-8 without "▁" or added-token
// text must round-trip. Arbitrary ids decode to valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../base/tokenizer_fixture.h"
#include "fuzz_tokenizer_common.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"

namespace {

struct Fixture {
  std::unique_ptr<srs::Tokenizer> from_data;  // legacy prefix rule: every segment gets "▁"
  std::unique_ptr<srs::Tokenizer> from_json;  // Metaspace prepend_scheme "first"
};

const Fixture& fixture() {
  static const Fixture f = [] {
    const std::string dir = srs::fuzz::golden_dir() + "/tokenizer/spm/";
    return Fixture{srs::make_tokenizer(srs::test::read_tokenizer_data(dir + "tokenizer_data.json")),
                   srs::load_tokenizer_json(dir + "tokenizer.json")};
  }();
  return f;
}

bool plain_text(const std::string& text) {
  if (!srs::unicode::is_valid_utf8(text) || text.find("\xE2\x96\x81") != std::string::npos) return false;
  for (const char* added : {"<unk>", "<s>", "</s>", "<sep>"})
    if (text.find(added) != std::string::npos) return false;
  return true;
}

void run(const srs::Tokenizer& tok, const std::string& text, bool strips_leading_space) {
  const std::vector<int32_t> ids = tok.encode(text, true);
  srs::fuzz::check(!ids.empty() && ids[0] == tok.bos_id(), "BOS is not first");
  for (int32_t id : ids) srs::fuzz::check(id >= 0 && id < tok.vocab_size(), "id outside the vocabulary");
  const std::string decoded = tok.decode(ids, true);
  srs::fuzz::check(srs::unicode::is_valid_utf8(decoded), "decode gave invalid UTF-8");
  srs::fuzz::check(srs::unicode::is_valid_utf8(tok.decode(ids)), "decode gave invalid UTF-8");
  // With prepend_scheme "first" a leading space is the prefix itself, and the decoder strips it.
  if (plain_text(text) && !(strips_leading_space && !text.empty() && text[0] == ' '))
    srs::fuzz::check(decoded == text, "plain UTF-8 did not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  const std::string text(reinterpret_cast<const char*>(data), size);
  run(*f.from_data, text, false);
  run(*f.from_json, text, true);
  srs::fuzz::check(f.from_data->encode(text, false).size() + 1 == f.from_data->encode(text, true).size(),
                   "add_special_tokens adds more than BOS");

  std::vector<int32_t> random_ids;
  for (size_t i = 0; i + 1 < size; i += 2)
    random_ids.push_back(static_cast<int32_t>((data[i] | (data[i + 1] << 8)) % f.from_data->vocab_size()));
  srs::fuzz::check(srs::unicode::is_valid_utf8(f.from_data->decode(random_ids)), "decode of ids gave invalid UTF-8");
  return 0;
}
