// The tokenizer built from the demo GGUF itself (through the GGUF reader) against HF's ids of
// the whole WikiText-2 test text (tests/golden/tokenizer/smollm2, exact comparison).
#include <gtest/gtest.h>

#include "io/gguf_model.h"
#include "test_paths.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_fixture.h"

namespace {

TEST(TokenizerFromDemoGguf, MatchesTheFixtureAndHFOnWikiText) {
  const std::string model = srs::test::demo_model();
  SRS_REQUIRE_FILE(model, "run scripts/fetch-demo-model.sh");
  const std::string text_path = srs::test::shared("data/wikitext-2-raw-v1/test.txt");
  SRS_REQUIRE_FILE(text_path, "the WikiText-2 raw test text under ../shared/data");

  const srs::TokenizerData data = srs::open_gguf_model(model).tokenizer;
  EXPECT_EQ(data.model, "gpt2");
  EXPECT_EQ(data.pre, "smollm");
  const srs::TokenizerData fixture =
      srs::test::read_tokenizer_data(srs::test::golden("tokenizer/smollm2/tokenizer_data.json"));
  EXPECT_EQ(data.tokens, fixture.tokens);
  EXPECT_EQ(data.merges, fixture.merges);
  EXPECT_EQ(data.token_types, fixture.token_types);
  EXPECT_EQ(data.bos_id, fixture.bos_id);
  EXPECT_EQ(data.eos_id, fixture.eos_id);
  EXPECT_EQ(data.add_bos, fixture.add_bos);

  const auto tok = srs::make_tokenizer(data);
  const std::string text = srs::read_file(text_path);
  const std::vector<int32_t> expected =
      srs::test::read_u16_ids(srs::test::golden("tokenizer/smollm2/wikitext2_test_ids.u16"));
  const std::vector<int32_t> ids = tok->encode(text, false);
  ASSERT_EQ(ids.size(), expected.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < ids.size(); ++i) mismatches += ids[i] != expected[i];
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(tok->decode(ids), text);
  EXPECT_TRUE(tok->encode("Hello", true) == tok->encode("Hello", false)) << "SmolLM2 adds no BOS";
}

}  // namespace
