// Pre-tokenizer split rules and UTF-8 helpers. The splits are checked against HF's
// Split(Regex, "isolated") on the hard texts (tests/golden/tokenizer/pre_tokenizer_splits.json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_paths.h"
#include "tokenizer/nfc.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/unicode.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

using srs::SplitRule;

void expect_splits(const std::string& variant, const std::vector<SplitRule>& rules) {
  const auto j = nlohmann::json::parse(srs::read_file(srs::test::golden("tokenizer/pre_tokenizer_splits.json")));
  const auto texts = j.at("texts").get<std::vector<std::string>>();
  const auto expected = j.at(variant).get<std::vector<std::vector<std::string>>>();
  ASSERT_EQ(texts.size(), expected.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE(variant + " text: \"" + texts[i] + "\"");
    std::vector<std::string> got;
    for (std::string_view p : srs::pre_tokenize(texts[i], rules)) got.emplace_back(p);
    EXPECT_EQ(got, expected[i]);
  }
}

TEST(PreTokenizer, Gpt2RegexMatchesHF) { expect_splits("gpt2", {SplitRule::kGpt2}); }
TEST(PreTokenizer, Llama3RegexMatchesHF) { expect_splits("llama3", {SplitRule::kLlama3}); }
TEST(PreTokenizer, Qwen2RegexMatchesHF) { expect_splits("qwen2", {SplitRule::kQwen2}); }
TEST(PreTokenizer, SmolLMDigitsThenGpt2MatchesHF) {
  expect_splits("smollm", {SplitRule::kDigitsIndividual, SplitRule::kGpt2});
}

TEST(PreTokenizer, RecognisesTheRegexesOfTokenizerJson) {
  const auto j = nlohmann::json::parse(srs::read_file(srs::test::golden("tokenizer/pre_tokenizer_splits.json")));
  SplitRule rule{};
  ASSERT_TRUE(srs::split_rule_for_regex(j.at("regex").at("gpt2").get<std::string>(), &rule));
  EXPECT_EQ(rule, SplitRule::kGpt2);
  ASSERT_TRUE(srs::split_rule_for_regex(j.at("regex").at("llama3").get<std::string>(), &rule));
  EXPECT_EQ(rule, SplitRule::kLlama3);
  ASSERT_TRUE(srs::split_rule_for_regex(j.at("regex").at("qwen2").get<std::string>(), &rule));
  EXPECT_EQ(rule, SplitRule::kQwen2);
  EXPECT_FALSE(srs::split_rule_for_regex(R"(\w+|[^\w\s]+)", &rule));
}

TEST(PreTokenizer, GgufPreNamesMapToRules) {
  using V = std::vector<SplitRule>;
  EXPECT_EQ(srs::gguf_pre_tokenizer("smollm").rules, (V{SplitRule::kDigitsIndividual, SplitRule::kGpt2}));
  EXPECT_EQ(srs::gguf_pre_tokenizer("default").rules, V{SplitRule::kGpt2});
  EXPECT_EQ(srs::gguf_pre_tokenizer("").rules, V{SplitRule::kGpt2});
  EXPECT_EQ(srs::gguf_pre_tokenizer("gpt2").rules, V{SplitRule::kGpt2});
  EXPECT_EQ(srs::gguf_pre_tokenizer("llama-bpe").rules, V{SplitRule::kLlama3});
  EXPECT_TRUE(srs::gguf_pre_tokenizer("llama-bpe").ignore_merges);
  EXPECT_EQ(srs::gguf_pre_tokenizer("qwen2").rules, V{SplitRule::kQwen2});
  EXPECT_FALSE(srs::gguf_pre_tokenizer("qwen2").ignore_merges);
  EXPECT_TRUE(srs::gguf_pre_tokenizer("qwen2").nfc);
  EXPECT_FALSE(srs::gguf_pre_tokenizer("smollm").nfc);
  try {
    srs::gguf_pre_tokenizer("tekken");
    FAIL() << "no error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("tekken"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("llama-bpe"), std::string::npos);
  }
}

TEST(PreTokenizer, PiecesCoverInvalidUtf8) {
  const std::string text = "ab\xFF\xFE 12\xE6\x97 x";
  std::string joined;
  for (std::string_view p : srs::pre_tokenize(text, {SplitRule::kDigitsIndividual, SplitRule::kLlama3})) {
    EXPECT_FALSE(p.empty());
    joined += p;
  }
  EXPECT_EQ(joined, text);
}

TEST(Unicode, DecodesAndClassifies) {
  using namespace srs::unicode;
  EXPECT_EQ(decode_utf8("\xE6\x97\xA5", 0).cp, 0x65E5u);
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98\x80", 0).len, 4u);
  EXPECT_EQ(decode_utf8("\xE6\x97", 0).cp, kInvalid);  // truncated
  EXPECT_EQ(decode_utf8("\xED\xA0\x80", 0).cp, kInvalid);  // surrogate
  EXPECT_EQ(decode_utf8("\xC0\x80", 0).cp, kInvalid);  // overlong
  EXPECT_TRUE(is_letter(0x65E5));
  EXPECT_TRUE(is_letter(0x00E9));
  EXPECT_FALSE(is_letter(0x0301));  // combining mark
  EXPECT_TRUE(is_number(0x0663));
  EXPECT_TRUE(is_number(0x00BD));
  EXPECT_TRUE(is_whitespace(0x3000));
  EXPECT_FALSE(is_whitespace(0x1C));
  EXPECT_FALSE(is_letter(kInvalid));
}

TEST(Unicode, NfcMatchesHF) {
  const auto j = nlohmann::json::parse(srs::read_file(srs::test::golden("tokenizer/nfc_cases.json")));
  size_t changed = 0;
  for (const auto& c : j.at("cases")) {
    const std::string in = c[0].get<std::string>(), expected = c[1].get<std::string>();
    SCOPED_TRACE("text: \"" + in + "\"");
    EXPECT_EQ(srs::unicode::to_nfc(in), expected);
    changed += in != expected;
  }
  EXPECT_GE(changed, 15u) << "the cases should need normalizing";
  EXPECT_EQ(srs::unicode::to_nfc("e\xFF\xCC\x81"), "e\xFF\xCC\x81");  // an invalid byte blocks composition
}

TEST(Unicode, LossyConversionReplacesMaximalInvalidParts) {
  using srs::unicode::to_valid_utf8_lossy;
  EXPECT_EQ(to_valid_utf8_lossy("a\xE6\x97" "b"), "a\xEF\xBF\xBD" "b");  // one U+FFFD for E6 97
  EXPECT_EQ(to_valid_utf8_lossy("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(to_valid_utf8_lossy("\xE6\x97\xA5"), "\xE6\x97\xA5");
  EXPECT_EQ(to_valid_utf8_lossy("\xF0\x9F\x98"), "\xEF\xBF\xBD");
}

}  // namespace
