// Schemes: preset names and their field values against auto-round's PRESET_SCHEMES (golden
// JSON from scripts/gen_quant_golden.py, compared exactly), JSON round trips and the errors.
#include <gtest/gtest.h>

#include "quant/scheme.h"
#include "test_quant_golden.h"
#include "util/error.h"

namespace {

using srs::test::QuantGolden;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const srs::Error& e) {
    return e.what();
  }
  return "";
}

TEST(QuantScheme, PresetsEqualAutoRoundFields) {
  const auto& golden = QuantGolden::get().doc().at("presets");
  ASSERT_FALSE(srs::preset_names().empty());
  for (const std::string& name : srs::preset_names()) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(golden.contains(name)) << "preset not in auto-round's table";
    EXPECT_EQ(srs::scheme_to_json(srs::preset_scheme(name)), golden.at(name));
  }
  for (const char* needed : {"W2A16", "W2A16G64", "W2A16G32", "W3A16", "W4A16", "W8A16", "MXFP4", "MXFP8", "NVFP4", "BF16"})
    EXPECT_NO_THROW(srs::preset_scheme(needed)) << needed;
}

TEST(QuantScheme, GoldenPresetsParseFromTheirJson) {
  const auto& golden = QuantGolden::get().doc().at("presets");
  for (const auto& item : golden.items()) {
    SCOPED_TRACE(item.key());
    const srs::Scheme s = srs::scheme_from_json(item.value(), item.key());
    EXPECT_EQ(srs::scheme_to_json(s), item.value());
    EXPECT_EQ(srs::preset_name(s), item.key());
  }
}

TEST(QuantScheme, NamesAreCaseInsensitiveAndUnknownOnesListTheValidOnes) {
  EXPECT_EQ(srs::preset_scheme("w4a16").bits, 4);
  EXPECT_EQ(srs::preset_scheme("nvfp4").data_type, "nv_fp");
  const std::string msg = error_of([] { srs::preset_scheme("W4A17"); });
  EXPECT_NE(msg.find("W4A17"), std::string::npos) << msg;
  EXPECT_NE(msg.find("W2A16G64"), std::string::npos) << msg;
  EXPECT_NE(msg.find("NVFP4"), std::string::npos) << msg;
  EXPECT_NE(srs::scheme_from_json("mxfp8", "cfg").act_bits, std::nullopt);
}

TEST(QuantScheme, EqualityIgnoresUnquantizedActivationFieldsLikeAutoRound) {
  srs::Scheme s = srs::preset_scheme("W4A16");
  s.act_group_size = 128;  // auto-round fills these in later; the scheme is still W4A16
  s.act_sym = true;
  s.act_dynamic = true;
  EXPECT_EQ(srs::preset_name(s), "W4A16");
  s.group_size = 96;
  EXPECT_EQ(srs::preset_name(s), "");
  srs::Scheme mx = srs::preset_scheme("MXFP4");
  mx.act_dynamic = false;
  EXPECT_EQ(srs::preset_name(mx), "");
}

TEST(QuantScheme, JsonMissingKeysTakeDefaultsAndBitSuffixesNormalise) {
  const srs::Scheme a = srs::scheme_from_json(nlohmann::json{{"bits", 3}, {"sym", false}}, "layer");
  EXPECT_EQ(a.bits, 3);
  EXPECT_EQ(a.group_size, 128);
  EXPECT_FALSE(a.sym);
  EXPECT_EQ(a.data_type, "int");
  const srs::Scheme b = srs::scheme_from_json(nlohmann::json{{"data_type", "mx_fp8"}, {"group_size", 32}}, "layer");
  EXPECT_EQ(b.data_type, "mx_fp");
  EXPECT_EQ(b.bits, 8);
}

TEST(QuantScheme, BadJsonAndOutOfRangeValuesAreErrorsNamingTheLayer) {
  using J = nlohmann::json;
  const std::vector<std::pair<J, std::string>> bad = {
      {J{{"bits", 9}}, "2..8"},
      {J{{"bits", 1}}, "2..8"},
      {J{{"bits", 12}}, "16"},
      {J{{"group_size", -2}}, "group_size"},
      {J{{"data_type", "mx_fp"}, {"bits", 4}, {"group_size", 16}}, "32"},
      {J{{"data_type", "nv_fp"}, {"bits", 4}, {"group_size", 32}}, "16"},
      {J{{"data_type", "nv_fp"}, {"bits", 8}, {"group_size", 16}}, "bits"},
      {J{{"data_type", "mx_fp4"}, {"bits", 8}, {"group_size", 32}}, "contradicts"},
      {J{{"data_type", "float8"}}, "unknown data_type"},
      {J{{"bits", "4"}}, "integer"},
      {J{{"sym", 1}}, "true or false"},
      {J{{"bitz", 4}}, "unknown scheme key"},
      {J{{"super_bits", 6}}, "GGUF"},
      {J{{"rotation_config", {{"type", "hadamard"}}}}, "rotation_config"},
      {J{{"act_bits", 8}, {"act_data_type", "int"}}, "not supported"},
      {J{{"data_type", "mx_fp"}, {"bits", 4}, {"group_size", 32}, {"act_bits", 4}, {"act_sym", false}}, "asymmetric"},
      {J::array({1, 2}), "preset name or an object"},
  };
  for (const auto& [j, want] : bad) {
    SCOPED_TRACE(j.dump());
    const std::string msg = error_of([&] { srs::scheme_from_json(j, "model.layers.3.mlp.up_proj"); });
    EXPECT_NE(msg.find("model.layers.3.mlp.up_proj"), std::string::npos) << msg;
    EXPECT_NE(msg.find(want), std::string::npos) << msg;
  }
}

TEST(QuantScheme, DescribeNamesPresetAndShape) {
  EXPECT_EQ(srs::describe_scheme(srs::preset_scheme("W4A16")), "W4A16 (int sym, 4 bit, G128)");
  srs::Scheme s;
  s.bits = 3;
  s.sym = false;
  s.group_size = -1;
  EXPECT_EQ(srs::describe_scheme(s), "int asym, 3 bit, per channel");
  EXPECT_EQ(srs::describe_scheme(srs::preset_scheme("MXFP4")), "MXFP4 (mx_fp, 4 bit, G32, act 4 bit)");
  EXPECT_TRUE(srs::quantizes_activations(srs::preset_scheme("NVFP4")));
  EXPECT_FALSE(srs::quantizes_activations(srs::preset_scheme("W2A16")));
  EXPECT_FALSE(srs::quantizes_weights(srs::preset_scheme("BF16")));
}

}  // namespace
