// Plans as auto-round layer_config JSON and the score table as CSV: round trips and bad input.
#include <gtest/gtest.h>

#include <fstream>

#include "allocate/plan_json.h"
#include "allocate/score_csv.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

srs::SensitivityTable small_table() {
  srs::SensitivityTable t;
  t.options = {"W2A16", "W4A16"};
  const char* names[] = {"model.layers.0.self_attn.q_proj", "model.layers.0.mlp.down_proj", "lm_head"};
  const srs::LayerKind kinds[] = {srs::LayerKind::q, srs::LayerKind::down, srs::LayerKind::lm_head};
  for (int i = 0; i < 3; ++i) {
    srs::LayerSensitivity l;
    l.name = names[i];
    l.block = i < 2 ? 0 : -1;
    l.kind = kinds[i];
    l.params = 4096 * (i + 1);
    l.score = {0.1 / 3.0 * (i + 1), 1e-17 * (i + 1)};  // digits that a short format would lose
    l.bits = {l.params * 2 + l.params / 128 * 18, l.params * 4 + l.params / 128 * 20};
    l.bits_no_overhead = {l.params * 2, l.params * 4};
    t.layers.push_back(l);
  }
  return t;
}

std::vector<nlohmann::json> option_json() {
  return {{{"bits", 2}, {"group_size", 128}, {"sym", true}, {"data_type", "int"}, {"act_bits", 16}},
          {{"bits", 4}, {"group_size", 128}, {"sym", true}, {"data_type", "int"}, {"act_bits", 16}}};
}

}  // namespace

TEST(AllocatePlanJson, RoundTripThroughFile) {
  const auto t = small_table();
  srs::QuantPlan plan;
  plan.choice = {1, 0, -1};
  plan.locked = {0, 0, 0};
  const std::string path = srs::test::temp_dir() + "/plan.json";
  srs::write_layer_config_file(path, t, plan, option_json());
  const auto j = nlohmann::json::parse(srs::read_file(path));
  EXPECT_EQ(j.size(), 2u);  // the unquantized lm_head is absent
  EXPECT_EQ(j["model.layers.0.self_attn.q_proj"]["bits"], 4);
  EXPECT_EQ(j["model.layers.0.mlp.down_proj"]["bits"], 2);
  const auto back = srs::read_layer_config_file(path, t, option_json());
  EXPECT_EQ(back.choice, plan.choice);
  EXPECT_NEAR(back.avg_bits_no_overhead, (4.0 * 4096 + 2.0 * 8192) / (4096 + 8192), 1e-12);
}

TEST(AllocatePlanJson, ExtraFieldsAndEqualNumbersStillMatch) {
  const auto t = small_table();
  // auto-round may add fields; 4.0 equals 4.
  nlohmann::json config = {{"model.layers.0.mlp.down_proj",
                            {{"bits", 4.0}, {"group_size", 128}, {"sym", true}, {"data_type", "int"},
                             {"act_bits", 16}, {"super_bits", nullptr}}}};
  const auto plan = srs::plan_from_layer_config(t, config, option_json(), "cfg.json");
  EXPECT_EQ(plan.choice, (std::vector<int>{-1, 1, -1}));
}

TEST(AllocatePlanJson, UnknownLayerAndUnmatchedSchemeAreErrors) {
  const auto t = small_table();
  auto expect_error = [&](const nlohmann::json& config, const std::string& needle) {
    try {
      srs::plan_from_layer_config(t, config, option_json(), "cfg.json");
      ADD_FAILURE() << "accepted " << config.dump();
    } catch (const srs::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("cfg.json"), std::string::npos) << e.what();
    }
  };
  expect_error({{"model.layers.7.mlp.up_proj", option_json()[0]}}, "model.layers.7.mlp.up_proj");
  nlohmann::json three = option_json()[0];
  three["bits"] = 3;
  expect_error({{"model.layers.0.mlp.down_proj", three}}, "matches none of the options");
  expect_error({{"model.layers.0.mlp.down_proj", 4}}, "not a JSON object");
  expect_error(nlohmann::json::array(), "JSON object");
  // Two options with the same JSON cannot be told apart.
  EXPECT_THROW(srs::plan_from_layer_config(t, nlohmann::json::object(), {option_json()[0], option_json()[0]}, "x"),
               srs::Error);
  const std::string bad = srs::test::temp_dir() + "/bad.json";
  srs::write_file_atomic(bad, "{\"model.layers.0.mlp.down_proj\": {");
  EXPECT_THROW(srs::read_layer_config_file(bad, t, option_json()), srs::Error);
}

TEST(AllocateScoreCsv, RoundTripKeepsEveryDouble) {
  const auto t = small_table();
  const std::string path = srs::test::temp_dir() + "/scores.csv";
  srs::write_scores_csv(path, t);
  const std::string text = srs::read_file(path);
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "layer,block,kind,params,score:W2A16,score:W4A16,bits:W2A16,bits:W4A16,"
            "bits_no_overhead:W2A16,bits_no_overhead:W4A16");
  const auto back = srs::read_scores_csv(path);
  ASSERT_EQ(back.options, t.options);
  ASSERT_EQ(back.layers.size(), t.layers.size());
  for (size_t i = 0; i < t.layers.size(); ++i) {
    EXPECT_EQ(back.layers[i].name, t.layers[i].name);
    EXPECT_EQ(back.layers[i].block, t.layers[i].block);
    EXPECT_EQ(back.layers[i].kind, t.layers[i].kind);
    EXPECT_EQ(back.layers[i].params, t.layers[i].params);
    EXPECT_EQ(back.layers[i].score, t.layers[i].score);  // bit-exact
    EXPECT_EQ(back.layers[i].bits, t.layers[i].bits);
    EXPECT_EQ(back.layers[i].bits_no_overhead, t.layers[i].bits_no_overhead);
  }
}

TEST(AllocateScoreCsv, MalformedFilesAreErrorsNamingTheLine) {
  const std::string head =
      "layer,block,kind,params,score:W2A16,bits:W2A16,bits_no_overhead:W2A16\n";
  auto expect_error = [&](const std::string& text, const std::string& needle) {
    try {
      srs::scores_from_csv(text, "s.csv");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const srs::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error("", "empty");
  expect_error("layer,block\n", "header");
  expect_error("layer,block,kind,params,score:A,bits:B,bits_no_overhead:A\n", "same order");
  expect_error(head + "a,0,q,64,0.5,128\n", "s.csv:2");
  expect_error(head + "a,0,q,64,zero,128,128\n", "not a number");
  expect_error(head + "a,0,q,6.5,0.5,128,128\n", "not an integer");
  expect_error(head + "a,0,qq,64,0.5,128,128\n", "unknown layer kind");
  expect_error(head + "a,0,q,64,nan,128,128\n", "finite");
  expect_error(head + "a,0,q,64,0.5,128,128\na,0,q,64,0.5,128,128\n", "twice");
  expect_error(head + "a,0,q,-64,0.5,128,128\n", "not positive");
}
