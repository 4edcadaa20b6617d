// LLaMA-3 and Qwen2 byte-level layouts against HF `tokenizers` (tests/golden/tokenizer/layouts:
// the first 8192 SmolLM2 tokens under each model's pre-tokenizer, normalizer and template).
// Each is built from its tokenizer.json and from the GGUF-style vocabulary with the matching
// tokenizer.ggml.pre name. Ids are compared exactly.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "test_paths.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_fixture.h"

namespace {

using srs::Tokenizer;

constexpr size_t kLayoutVocab = 8192;  // as scripts/gen_tokenizer_golden.py cuts it

struct Layout {
  const char* name;    // "llama3" or "qwen2"
  const char* source;  // "json" or "gguf"
};

// The GGUF vocabulary of the layout: the SmolLM2 fixture cut to the first tokens, keeping the
// merges whose parts and result remain (the generator's rule).
srs::TokenizerData layout_data(const std::string& name) {
  srs::TokenizerData d = srs::test::read_tokenizer_data(srs::test::golden("tokenizer/smollm2/tokenizer_data.json"));
  d.tokens.resize(kLayoutVocab);
  d.token_types.resize(kLayoutVocab);
  const std::set<std::string> kept(d.tokens.begin(), d.tokens.end());
  std::vector<std::string> merges;
  for (const std::string& m : d.merges) {
    const size_t space = m.find(' ');
    const std::string a = m.substr(0, space), b = m.substr(space + 1);
    if (kept.count(a) && kept.count(b) && kept.count(a + b)) merges.push_back(m);
  }
  d.merges = merges;
  d.pre = name == "llama3" ? "llama-bpe" : "qwen2";
  d.add_bos = name == "llama3";  // the LLaMA-3 template puts BOS first
  return d;
}

class LayoutTokenizer : public ::testing::TestWithParam<Layout> {
 protected:
  const Tokenizer& tok() {
    static std::map<std::string, std::unique_ptr<Tokenizer>> cache;
    const std::string name = GetParam().name, source = GetParam().source;
    auto& t = cache[name + source];
    if (!t) {
      t = source == "json" ? srs::load_tokenizer_json(srs::test::golden("tokenizer/layouts/" + name + ".json"))
                           : srs::make_tokenizer(layout_data(name));
    }
    return *t;
  }
};

TEST_P(LayoutTokenizer, HardCasesMatchHF) {
  const std::string name = GetParam().name;
  const auto cases = srs::test::read_tokenizer_cases(srs::test::golden("tokenizer/layouts/hard_cases_" + name + ".json"));
  ASSERT_GT(cases.encode.size(), 30u);
  for (const auto& c : cases.encode) {
    SCOPED_TRACE("text: \"" + c.text + "\"");
    EXPECT_EQ(tok().encode(c.text, true), c.ids);
    EXPECT_EQ(tok().encode(c.text, false), c.ids_plain);
    EXPECT_EQ(tok().decode(c.ids), c.decoded);
    EXPECT_EQ(tok().decode(c.ids, true), c.decoded_skip);
  }
  for (const auto& c : cases.decode) EXPECT_EQ(tok().decode(c.ids), c.decoded);
}

TEST_P(LayoutTokenizer, BosFollowsTheTemplate) {
  const std::vector<int32_t> ids = tok().encode("Hi", true);
  if (std::string(GetParam().name) == "llama3") {
    EXPECT_EQ(tok().bos_id(), 1);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids[0], 1);
  } else {
    EXPECT_EQ(ids, tok().encode("Hi", false));
  }
}

TEST_P(LayoutTokenizer, WikiTextHeadMatchesHF) {
  const std::string path = srs::test::shared("data/wikitext-2-raw-v1/test.txt");
  SRS_REQUIRE_FILE(path, "the WikiText-2 raw test text under ../shared/data");
  const std::string all = srs::read_file(path);
  size_t end = 0;
  for (int line = 0; line < 1500 && end != std::string::npos; ++line) {
    end = all.find('\n', end);
    if (end != std::string::npos) ++end;
  }
  const std::vector<int32_t> expected = srs::test::read_u16_ids(
      srs::test::golden(std::string("tokenizer/layouts/wikitext2_head_ids_") + GetParam().name + ".u16"));
  const std::vector<int32_t> ids = tok().encode(all.substr(0, end), false);
  ASSERT_EQ(ids.size(), expected.size());
  size_t mismatches = 0;
  for (size_t i = 0; i < ids.size(); ++i) mismatches += ids[i] != expected[i];
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Layouts, LayoutTokenizer,
                         ::testing::Values(Layout{"llama3", "json"}, Layout{"llama3", "gguf"}, Layout{"qwen2", "json"},
                                           Layout{"qwen2", "gguf"}),
                         [](const ::testing::TestParamInfo<Layout>& p) {
                           return std::string(p.param.name) + "_" + p.param.source;
                         });

}  // namespace
