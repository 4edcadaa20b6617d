// SentencePiece BPE against HF `tokenizers` (tests/golden/tokenizer/spm: a 1000-piece BPE with
// byte fallback trained on the Austen texts by scripts/gen_tokenizer_golden.py). Three ways to
// build it: the GGUF-style vocabulary (scores; llama.cpp's prefix rule = HF's legacy LLaMA-2
// normalizer), tokenizer_legacy.json (Prepend + Replace normalizer, merges by rank) and
// tokenizer.json (transformers' Metaspace prepend_scheme "first"). Ids are compared exactly.
#include <gtest/gtest.h>

#include <map>

#include "test_paths.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_fixture.h"
#include "util/error.h"

namespace {

using srs::Tokenizer;

struct Source {
  const char* name;
  const char* cases;  // golden encodes of this layout
  const char* wikitext_ids;
};

std::unique_ptr<Tokenizer> build(const std::string& name) {
  if (name == "gguf")
    return srs::make_tokenizer(srs::test::read_tokenizer_data(srs::test::golden("tokenizer/spm/tokenizer_data.json")));
  if (name == "json_legacy") return srs::load_tokenizer_json(srs::test::golden("tokenizer/spm/tokenizer_legacy.json"));
  return srs::load_tokenizer_json(srs::test::golden("tokenizer/spm/tokenizer.json"));
}

class SentencePieceTokenizer : public ::testing::TestWithParam<Source> {
 protected:
  const Tokenizer& tok() {
    static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
    auto& t = cache[GetParam().name];
    if (!t) t = build(GetParam().name);
    return *t;
  }
};

TEST_P(SentencePieceTokenizer, DescribesItself) {
  EXPECT_EQ(tok().kind(), "SentencePiece BPE");
  EXPECT_EQ(tok().vocab_size(), 1000);
  EXPECT_EQ(tok().bos_id(), 1);
  EXPECT_EQ(tok().token_text(1), "<s>");
  EXPECT_EQ(tok().token_text(4), "<0x00>");
}

TEST_P(SentencePieceTokenizer, HardCasesMatchHF) {
  const auto cases = srs::test::read_tokenizer_cases(srs::test::golden(GetParam().cases));
  ASSERT_GT(cases.encode.size(), 30u);
  size_t byte_fallbacks = 0;
  for (const auto& c : cases.encode) {
    SCOPED_TRACE("text: \"" + c.text + "\"");
    EXPECT_EQ(tok().encode(c.text, true), c.ids);
    EXPECT_EQ(tok().encode(c.text, false), c.ids_plain);
    EXPECT_EQ(tok().decode(c.ids), c.decoded);
    EXPECT_EQ(tok().decode(c.ids, true), c.decoded_skip);
    for (int32_t id : c.ids) byte_fallbacks += tok().token_text(id).rfind("<0x", 0) == 0;
  }
  EXPECT_GT(byte_fallbacks, 50u) << "the cases should exercise byte fallback";
  for (const auto& c : cases.decode) {
    SCOPED_TRACE("ids: " + ::testing::PrintToString(c.ids));
    EXPECT_EQ(tok().decode(c.ids), c.decoded);
    EXPECT_EQ(tok().decode(c.ids, true), c.decoded_skip);
  }
}

TEST_P(SentencePieceTokenizer, AddsBosByDefault) {
  const std::vector<int32_t> with = tok().encode("Emma", true);
  const std::vector<int32_t> without = tok().encode("Emma", false);
  ASSERT_EQ(with.size(), without.size() + 1);
  EXPECT_EQ(with[0], 1);
  EXPECT_EQ(std::vector<int32_t>(with.begin() + 1, with.end()), without);
  EXPECT_EQ(tok().encode("", true), std::vector<int32_t>{1});
  EXPECT_EQ(tok().decode(with, true), "Emma");  // the leading meta-space is removed
}

TEST_P(SentencePieceTokenizer, WikiTextHeadMatchesHF) {
  const std::string path = srs::test::shared("data/wikitext-2-raw-v1/test.txt");
  SRS_REQUIRE_FILE(path, "the WikiText-2 raw test text under ../shared/data");
  // The first 1500 lines, as the generator took them.
  const std::string all = srs::read_file(path);
  size_t end = 0;
  for (int line = 0; line < 1500 && end != std::string::npos; ++line) {
    end = all.find('\n', end);
    if (end != std::string::npos) ++end;
  }
  const std::string head = all.substr(0, end);
  const std::vector<int32_t> expected = srs::test::read_u16_ids(srs::test::golden(GetParam().wikitext_ids));
  const std::vector<int32_t> ids = tok().encode(head, false);
  ASSERT_EQ(ids.size(), expected.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < ids.size(); ++i) mismatches += ids[i] != expected[i];
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    AllSources, SentencePieceTokenizer,
    ::testing::Values(Source{"gguf", "tokenizer/spm/hard_cases_legacy.json", "tokenizer/spm/wikitext2_head_ids_legacy.u16"},
                      Source{"json_legacy", "tokenizer/spm/hard_cases_legacy.json",
                             "tokenizer/spm/wikitext2_head_ids_legacy.u16"},
                      Source{"json_metaspace", "tokenizer/spm/hard_cases.json", "tokenizer/spm/wikitext2_head_ids.u16"}),
    [](const ::testing::TestParamInfo<Source>& p) { return std::string(p.param.name); });

TEST(SentencePieceBpe, WithoutSpacePrefixNothingIsPrepended) {
  srs::TokenizerData d = srs::test::read_tokenizer_data(srs::test::golden("tokenizer/spm/tokenizer_data.json"));
  const auto with_prefix = srs::make_tokenizer(d);
  d.add_space_prefix = false;
  const auto without = srs::make_tokenizer(d);
  EXPECT_EQ(without->encode(" Emma", false), with_prefix->encode("Emma", false));
  EXPECT_EQ(without->decode(without->encode("Emma Woodhouse", false)), "Emma Woodhouse");
}

}  // namespace
