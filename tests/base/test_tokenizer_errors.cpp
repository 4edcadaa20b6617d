// Bad tokenizer input is an srs::Error that names the file (or GGUF key) and the problem.
#include <gtest/gtest.h>

#include "test_paths.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer_fixture.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

// A tiny valid byte-level tokenizer.json, edited by each case.
nlohmann::json tiny_byte_level() {
  return nlohmann::json::parse(R"({
    "version": "1.0", "added_tokens": [], "normalizer": null,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
    "post_processor": null, "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
              "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
              "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3}, "merges": ["a b"]}})");
}

std::string write_json(const std::string& text) {
  const std::string path = srs::test::temp_dir() + "/tokenizer.json";
  srs::write_file_atomic(path, text);
  return path;
}

// Loading must fail with a message naming the file and containing `what`.
void expect_json_error(const std::string& text, const std::string& what) {
  const std::string path = write_json(text);
  try {
    srs::load_tokenizer_json(path);
    ADD_FAILURE() << "no error for: " << what;
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  }
}

TEST(TokenizerJsonErrors, TinyValidFileLoads) {
  const auto tok = srs::load_tokenizer_json(write_json(tiny_byte_level().dump()));
  EXPECT_EQ(tok->encode("ab a"), (std::vector<int32_t>{2, 3, 0}));
  EXPECT_EQ(tok->decode({2, 3, 0}), "ab a");
}

TEST(TokenizerJsonErrors, InvalidJson) { expect_json_error("{\"model\": {", "not valid JSON"); }

TEST(TokenizerJsonErrors, UnknownModelType) {
  auto j = tiny_byte_level();
  j["model"]["type"] = "WordPiece";
  expect_json_error(j.dump(), "WordPiece");
}

TEST(TokenizerJsonErrors, MergeReferencingUnknownToken) {
  auto j = tiny_byte_level();
  j["model"]["merges"] = {"a b", "a zz"};
  expect_json_error(j.dump(), "\"zz\"");
}

TEST(TokenizerJsonErrors, MalformedMerge) {
  auto j = tiny_byte_level();
  j["model"]["merges"] = {"ab"};
  expect_json_error(j.dump(), "merge 0");
}

TEST(TokenizerJsonErrors, UnsupportedPreTokenizer) {
  auto j = tiny_byte_level();
  j["pre_tokenizer"] = {{"type", "Whitespace"}};
  expect_json_error(j.dump(), "pre_tokenizer Whitespace");
}

TEST(TokenizerJsonErrors, UnknownSplitRegex) {
  auto j = tiny_byte_level();
  j["pre_tokenizer"] = nlohmann::json::parse(R"({"type": "Sequence", "pretokenizers": [
      {"type": "Split", "pattern": {"Regex": "\\w+"}, "behavior": "Isolated", "invert": false},
      {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]})");
  expect_json_error(j.dump(), "Split pre-tokenizer pattern");
}

TEST(TokenizerJsonErrors, UnsupportedNormalizer) {
  auto j = tiny_byte_level();
  j["normalizer"] = {{"type", "NFKC"}};
  expect_json_error(j.dump(), "normalizer NFKC");
}

TEST(TokenizerJsonErrors, Dropout) {
  auto j = tiny_byte_level();
  j["model"]["dropout"] = 0.1;
  expect_json_error(j.dump(), "dropout");
}

TEST(TokenizerJsonErrors, VocabularyGap) {
  auto j = tiny_byte_level();
  j["model"]["vocab"]["Ġ"] = 7;
  expect_json_error(j.dump(), "ids must run from 0 without gaps");
  j["model"]["vocab"]["Ġ"] = 4000000000000LL;  // must not try to allocate it
  expect_json_error(j.dump(), "ids must run from 0 without gaps");
  j["model"]["vocab"]["Ġ"] = 3;
  j["added_tokens"] = {{{"id", 5}, {"content", "<x>"}}, {{"id", 0}, {"content", "a"}}};
  expect_json_error(j.dump(), "no token with id 4");
}

TEST(TokenizerJsonErrors, WrongStructure) {
  auto j = tiny_byte_level();
  j["model"]["vocab"] = {{"a", "zero"}};
  expect_json_error(j.dump(), "unexpected structure");
  expect_json_error("[1, 2]", "not a JSON object");
}

TEST(TokenizerJsonErrors, MissingFileNamesIt) {
  const std::string path = srs::test::temp_dir() + "/absent/tokenizer.json";
  try {
    srs::load_tokenizer_json(path);
    FAIL() << "no error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

// Loading must fail with a message containing `what`.
void expect_data_error(const srs::TokenizerData& d, const std::string& what) {
  try {
    srs::make_tokenizer(d);
    ADD_FAILURE() << "no error for: " << what;
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

srs::TokenizerData tiny_data() {
  srs::TokenizerData d;
  d.model = "gpt2";
  d.pre = "default";
  d.tokens = {"a", "b", "ab"};
  d.token_types = {1, 1, 1};
  d.merges = {"a b"};
  return d;
}

TEST(TokenizerDataErrors, UnknownModelListsSupported) {
  auto d = tiny_data();
  d.model = "bert";
  expect_data_error(d, "\"bert\" is not supported; supported: \"gpt2\"");
}

TEST(TokenizerDataErrors, UnknownPre) {
  auto d = tiny_data();
  d.pre = "mystery";
  expect_data_error(d, "unknown pre-tokenizer \"mystery\"");
}

TEST(TokenizerDataErrors, BadMerge) {
  auto d = tiny_data();
  d.merges = {"a c"};
  expect_data_error(d, "tokenizer.ggml.merges[0]");
}

TEST(TokenizerDataErrors, InconsistentSizesAndIds) {
  auto d = tiny_data();
  d.token_types = {1};
  expect_data_error(d, "token_type has 1 entries for 3 tokens");
  d = tiny_data();
  d.bos_id = 3;
  expect_data_error(d, "bos_token_id = 3");
  d = tiny_data();
  d.add_bos = true;
  expect_data_error(d, "no bos_token_id");
  d = tiny_data();
  d.model = "llama";
  expect_data_error(d, "tokenizer.ggml.scores has 0 entries");
  d = tiny_data();
  d.tokens.clear();
  d.token_types.clear();
  expect_data_error(d, "tokenizer.ggml.tokens is empty");
}

}  // namespace
