// Byte-level BPE (the demo model's SmolLM2 tokenizer) against HF `tokenizers`
// (tests/golden/tokenizer/smollm2, scripts/gen_tokenizer_golden.py). Token ids are integers:
// every comparison is exact.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "test_paths.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/unicode.h"
#include "tokenizer_fixture.h"
#include "util/error.h"

namespace {

using srs::Tokenizer;

std::unique_ptr<Tokenizer> smollm2_from_gguf_data() {
  return srs::make_tokenizer(srs::test::read_tokenizer_data(srs::test::golden("tokenizer/smollm2/tokenizer_data.json")));
}

std::unique_ptr<Tokenizer> smollm2_from_json() {
  return srs::load_tokenizer_json(srs::test::golden("tokenizer/smollm2/tokenizer.json"));
}

// Both construction paths must give the same tokenizer.
class SmolLM2Tokenizer : public ::testing::TestWithParam<const char*> {
 protected:
  static const Tokenizer& tok(const std::string& source) {
    static const std::unique_ptr<Tokenizer> from_data = smollm2_from_gguf_data();
    static const std::unique_ptr<Tokenizer> from_json = smollm2_from_json();
    return source == "gguf" ? *from_data : *from_json;
  }
  const Tokenizer& tok() const { return tok(GetParam()); }
};

TEST_P(SmolLM2Tokenizer, DescribesItself) {
  EXPECT_EQ(tok().kind(), "byte-level BPE");
  EXPECT_EQ(tok().vocab_size(), 49152);
  EXPECT_EQ(tok().bos_id(), 1);  // <|im_start|> in the GGUF and tokenizer_config.json
  EXPECT_EQ(tok().eos_id(), 2);
  EXPECT_EQ(tok().token_text(1), "<|im_start|>");
  EXPECT_EQ(tok().token_text(17), "!");
  EXPECT_THROW(tok().token_text(49152), srs::Error);
  EXPECT_THROW(tok().token_text(-1), srs::Error);
}

TEST_P(SmolLM2Tokenizer, HardCasesMatchHF) {
  const auto cases = srs::test::read_tokenizer_cases(srs::test::golden("tokenizer/smollm2/hard_cases.json"));
  ASSERT_GT(cases.encode.size(), 30u);
  for (const auto& c : cases.encode) {
    SCOPED_TRACE("text: \"" + c.text + "\"");
    EXPECT_EQ(tok().encode(c.text, true), c.ids);
    EXPECT_EQ(tok().encode(c.text, false), c.ids_plain);
    EXPECT_EQ(tok().decode(c.ids), c.decoded);
    EXPECT_EQ(tok().decode(c.ids, true), c.decoded_skip);
  }
}

TEST_P(SmolLM2Tokenizer, DecodesInvalidUtf8AndSpecialTokensLikeHF) {
  const auto cases = srs::test::read_tokenizer_cases(srs::test::golden("tokenizer/smollm2/hard_cases.json"));
  ASSERT_GT(cases.decode.size(), 5u);
  for (const auto& c : cases.decode) {
    SCOPED_TRACE("ids: " + ::testing::PrintToString(c.ids));
    EXPECT_EQ(tok().decode(c.ids), c.decoded);
    EXPECT_EQ(tok().decode(c.ids, true), c.decoded_skip);
  }
  EXPECT_THROW(tok().decode({49152}), srs::Error);
  EXPECT_THROW(tok().decode({-3}), srs::Error);
}

TEST_P(SmolLM2Tokenizer, AddsNoBosOrEos) {
  // HF's post-processor for this model is ByteLevel only, and the GGUF has add_bos_token = false.
  EXPECT_TRUE(tok().encode("", true).empty());
  EXPECT_EQ(tok().encode("Hi", true), tok().encode("Hi", false));
}

TEST_P(SmolLM2Tokenizer, SpecialTokensInTextAreRecognised) {
  const std::vector<int32_t> ids = tok().encode("<|im_start|>user<|im_end|>");
  ASSERT_GE(ids.size(), 3u);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(ids.back(), 2);
  EXPECT_EQ(tok().decode(ids, true), "user");
}

TEST_P(SmolLM2Tokenizer, WikiTextMatchesHF) {
  const std::string path = srs::test::shared("data/wikitext-2-raw-v1/test.txt");
  SRS_REQUIRE_FILE(path, "the WikiText-2 raw test text under ../shared/data");
  const std::string text = srs::read_file(path);
  const std::vector<int32_t> expected =
      srs::test::read_u16_ids(srs::test::golden("tokenizer/smollm2/wikitext2_test_ids.u16"));
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<int32_t> ids = tok().encode(text, false);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[ timing ] encode WikiText-2 test (" << text.size() << " bytes -> " << ids.size() << " ids): "
            << seconds << " s\n";
  ASSERT_EQ(ids.size(), expected.size());
  size_t mismatches = 0, first = ids.size();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] != expected[i]) {
      ++mismatches;
      first = std::min(first, i);
    }
  }
  EXPECT_EQ(mismatches, 0u) << "first mismatch at id " << first;
  EXPECT_EQ(tok().decode(ids), text);
}

INSTANTIATE_TEST_SUITE_P(BothSources, SmolLM2Tokenizer, ::testing::Values("gguf", "json"));

TEST(ByteLevelBpe, RoundTripsRandomValidUtf8) {
  const auto tok = smollm2_from_gguf_data();
  std::mt19937 rng(7);
  // Code points from several ranges, including white space, digits and the special-token text.
  const std::vector<std::pair<uint32_t, uint32_t>> ranges = {
      {0x00, 0x7F}, {0x80, 0x7FF}, {0x0900, 0x097F}, {0x3040, 0x30FF}, {0x4E00, 0x9FFF}, {0x1F300, 0x1FAFF},
      {0x2000, 0x206F}, {0x10000, 0x10FFFF}};
  int skipped = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const int n = static_cast<int>(rng() % 40);
    for (int i = 0; i < n; ++i) {
      if (rng() % 10 == 0) {
        text += rng() % 2 ? "<|im_start|>" : " \n\t ";
        continue;
      }
      const auto& r = ranges[rng() % ranges.size()];
      uint32_t cp = r.first + rng() % (r.second - r.first + 1);
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 'x';
      std::string ch;
      srs::unicode::append_utf8(ch, cp);
      // Some bytes have no token in SmolLM2's vocabulary (a few C0 controls, the lead bytes
      // F1 and F2 of planes 4-11): characters holding them cannot round-trip (HF drops those
      // bytes too), so the text is made of characters that round-trip on their own.
      if (tok->decode(tok->encode(ch)) != ch) {
        ++skipped;
        continue;
      }
      text += ch;
    }
    EXPECT_EQ(tok->decode(tok->encode(text)), text) << "trial " << trial;
  }
  EXPECT_LT(skipped, 2000);
}

TEST(ByteLevelBpe, EncodesInvalidUtf8ByteForByte) {
  const auto tok = smollm2_from_gguf_data();
  const std::string bad = "ok \xC3 then \xE6\x97 \xA5";
  // Every input byte is kept; decode shows the invalid ones as U+FFFD.
  EXPECT_EQ(tok->decode(tok->encode(bad)), srs::unicode::to_valid_utf8_lossy(bad));
  // Bytes that never occur in UTF-8 (C0, C1, F5..FF) have no token in this vocabulary and no
  // unknown token is used for byte-level models: they are dropped, as HF drops characters
  // without a token when the model has no unk_token.
  EXPECT_EQ(tok->decode(tok->encode("a\xFF\xC0" "b")), "ab");
}

}  // namespace
