#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/hf_config.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

using nlohmann::json;

// A minimal LLaMA config.json; each test edits a copy.
json llama() {
  return json{{"architectures", {"LlamaForCausalLM"}},
              {"vocab_size", 256},
              {"hidden_size", 64},
              {"intermediate_size", 128},
              {"num_hidden_layers", 2},
              {"num_attention_heads", 4},
              {"num_key_value_heads", 2},
              {"rms_norm_eps", 1e-5},
              {"rope_theta", 500000.0},
              {"max_position_embeddings", 4096},
              {"hidden_act", "silu"},
              {"tie_word_embeddings", true},
              {"bos_token_id", 1},
              {"eos_token_id", 2}};
}

srs::ModelConfig parse(const json& j) { return srs::parse_hf_config(j.dump(), "dir/config.json"); }

// Parses `j` expecting an srs::Error whose message holds every string in `needles`.
void expect_error(const json& j, std::initializer_list<const char*> needles) {
  try {
    parse(j);
    FAIL() << "expected srs::Error for " << j.dump();
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    for (const char* n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "'" << n << "' not in: " << msg;
  }
}

}  // namespace

TEST(HfConfig, ParsesLlama) {
  const srs::ModelConfig c = parse(llama());
  EXPECT_EQ(c.architecture, srs::Architecture::Llama);
  EXPECT_EQ(c.vocab_size, 256);
  EXPECT_EQ(c.hidden_size, 64);
  EXPECT_EQ(c.intermediate_size, 128);
  EXPECT_EQ(c.num_hidden_layers, 2);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.num_key_value_heads, 2);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.max_position_embeddings, 4096);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
  EXPECT_EQ(c.rope_scaling.type, srs::RopeScaling::Type::None);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_FALSE(c.qk_norm);
  EXPECT_EQ(c.bos_token_id, 1);
  EXPECT_EQ(c.eos_token_id, 2);
}

TEST(HfConfig, DefaultsWhenKeysAbsentOrNull) {
  json j = llama();
  j.erase("num_key_value_heads");
  j.erase("rope_theta");
  j.erase("tie_word_embeddings");
  j.erase("bos_token_id");
  j["eos_token_id"] = nullptr;
  j["head_dim"] = nullptr;  // Mistral writes null for "derive it"
  const srs::ModelConfig c = parse(j);
  EXPECT_EQ(c.num_key_value_heads, 4);  // plain multi-head attention
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.bos_token_id, -1);
  EXPECT_EQ(c.eos_token_id, -1);
}

TEST(HfConfig, EosListTakesFirst) {
  json j = llama();
  j["eos_token_id"] = {128001, 128008, 128009};
  EXPECT_EQ(parse(j).eos_token_id, 128001);
}

TEST(HfConfig, MistralAndQwen2) {
  json j = llama();
  j["architectures"] = {"MistralForCausalLM"};
  j["sliding_window"] = nullptr;
  EXPECT_EQ(parse(j).architecture, srs::Architecture::Mistral);
  EXPECT_FALSE(parse(j).attention_bias);

  j["architectures"] = {"Qwen2ForCausalLM"};
  j["use_sliding_window"] = false;
  const srs::ModelConfig c = parse(j);
  EXPECT_EQ(c.architecture, srs::Architecture::Qwen2);
  EXPECT_TRUE(c.attention_bias);  // Qwen2 always has q/k/v biases; its config has no key for them
  EXPECT_FALSE(c.qk_norm);
}

TEST(HfConfig, Qwen3ExplicitHeadDimAndQkNorm) {
  json j = llama();
  j["architectures"] = {"Qwen3ForCausalLM"};
  j["head_dim"] = 32;  // differs from hidden_size / num_attention_heads = 16
  j["attention_bias"] = false;
  const srs::ModelConfig c = parse(j);
  EXPECT_EQ(c.architecture, srs::Architecture::Qwen3);
  EXPECT_EQ(c.head_dim, 32);
  EXPECT_TRUE(c.qk_norm);
  EXPECT_FALSE(c.attention_bias);
}

TEST(HfConfig, RopeScalingLinearWithTypeKey) {
  json j = llama();
  j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  const srs::ModelConfig c = parse(j);
  EXPECT_EQ(c.rope_scaling.type, srs::RopeScaling::Type::Linear);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 2.0);
}

TEST(HfConfig, RopeScalingLlama3WithRopeTypeKey) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "llama3"},
                       {"factor", 8.0},
                       {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0},
                       {"original_max_position_embeddings", 8192}};
  const srs::ModelConfig c = parse(j);
  EXPECT_EQ(c.rope_scaling.type, srs::RopeScaling::Type::Llama3);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 8.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.low_freq_factor, 1.0);
  EXPECT_DOUBLE_EQ(c.rope_scaling.high_freq_factor, 4.0);
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 8192);
}

TEST(HfConfig, RopeScalingDefaultTypeIsNone) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_EQ(parse(j).rope_scaling.type, srs::RopeScaling::Type::None);
}

// transformers v5 writes rope_theta and the scaling into one "rope_parameters" dict.
TEST(HfConfig, RopeParametersOfTransformersV5) {
  json j = llama();
  j.erase("rope_theta");
  j["rope_parameters"] = {{"rope_type", "linear"}, {"rope_theta", 123456.0}, {"factor", 4.0}};
  const srs::ModelConfig c = parse(j);
  EXPECT_DOUBLE_EQ(c.rope_theta, 123456.0);
  EXPECT_EQ(c.rope_scaling.type, srs::RopeScaling::Type::Linear);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 4.0);
}

TEST(HfConfig, PerLayerTypeRopeParametersRejected) {
  json j = llama();
  j["rope_parameters"] = {{"full_attention", {{"rope_type", "default"}, {"rope_theta", 1e6}}}};
  expect_error(j, {"dir/config.json", "rope_parameters.full_attention", "per-layer-type"});
}

TEST(HfConfig, UnsupportedArchitectureListsSupported) {
  json j = llama();
  j["architectures"] = {"GPT2LMHeadModel"};
  expect_error(j, {"dir/config.json", "GPT2LMHeadModel", "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM",
                   "Qwen3ForCausalLM"});
  j.erase("architectures");
  expect_error(j, {"dir/config.json", "architectures"});
}

TEST(HfConfig, UnsupportedRopeTypeNamed) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  expect_error(j, {"dir/config.json", "rope_scaling.rope_type", "yarn", "llama3"});
}

TEST(HfConfig, Llama3RopeMissingKeyNamed) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"high_freq_factor", 4.0}};
  expect_error(j, {"dir/config.json", "rope_scaling.low_freq_factor", "missing"});
}

TEST(HfConfig, MissingKeyNamed) {
  for (const char* key :
       {"vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads"}) {
    json j = llama();
    j.erase(key);
    expect_error(j, {"dir/config.json", key, "missing"});
  }
}

TEST(HfConfig, IllTypedKeyNamed) {
  json j = llama();
  j["hidden_size"] = "64";
  expect_error(j, {"dir/config.json", "hidden_size", "integer", "string"});
  j = llama();
  j["rms_norm_eps"] = "tiny";
  expect_error(j, {"rms_norm_eps", "number"});
  j = llama();
  j["tie_word_embeddings"] = 1;
  expect_error(j, {"tie_word_embeddings", "true or false"});
  j = llama();
  j["eos_token_id"] = "</s>";
  expect_error(j, {"eos_token_id", "integer"});
  j = llama();
  j["rope_scaling"] = "linear";
  expect_error(j, {"rope_scaling", "object"});
}

TEST(HfConfig, InconsistentShapesRejected) {
  json j = llama();
  j["num_key_value_heads"] = 3;
  expect_error(j, {"num_key_value_heads", "divide"});
  j = llama();
  j["num_attention_heads"] = 5;
  j["num_key_value_heads"] = 5;
  expect_error(j, {"head_dim", "multiple"});
  j = llama();
  j["hidden_size"] = -64;
  expect_error(j, {"hidden_size", "positive"});
}

TEST(HfConfig, UnsupportedVariantsRejected) {
  json j = llama();
  j["hidden_act"] = "gelu";
  expect_error(j, {"hidden_act", "gelu"});
  j = llama();
  j["mlp_bias"] = true;
  expect_error(j, {"mlp_bias"});
  j = llama();
  j["architectures"] = {"Qwen2ForCausalLM"};
  j["use_sliding_window"] = true;
  expect_error(j, {"use_sliding_window"});
}

TEST(HfConfig, NotJsonNamesFile) {
  try {
    srs::parse_hf_config("{\"vocab_size\": 12", "dir/config.json");
    FAIL() << "expected srs::Error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dir/config.json"), std::string::npos);
  }
}

TEST(HfConfig, ReadsFolderOrFile) {
  const std::string dir = srs::test::temp_dir();
  srs::write_file_atomic(dir + "/config.json", llama().dump());
  EXPECT_EQ(srs::read_hf_config(dir).hidden_size, 64);
  EXPECT_EQ(srs::read_hf_config(dir + "/config.json").hidden_size, 64);
  EXPECT_THROW(srs::read_hf_config(dir + "/absent.json"), srs::Error);
}
