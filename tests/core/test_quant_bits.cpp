// Bit cost per layer against auto-round's compute_layer_bits (golden values produced by calling
// it on meta-device Linear layers). Totals are integers and must be equal; averages are the same
// double division on both sides, so they must be equal too.
#include <gtest/gtest.h>

#include "quant/bit_cost.h"
#include "test_quant_golden.h"
#include "util/error.h"

namespace {

using srs::test::QuantGolden;

TEST(QuantBits, EqualsComputeLayerBits) {
  const auto& cases = QuantGolden::get().doc().at("layer_bits");
  ASSERT_GE(cases.size(), 100u);
  for (const auto& c : cases) {
    srs::Scheme s;
    if (c.contains("preset")) {
      s = srs::preset_scheme(c.at("preset").get<std::string>());
    } else {
      s.bits = c.at("bits").get<int>();
      s.group_size = c.at("group_size").get<int>();
      s.sym = c.at("sym").get<bool>();
      s.data_type = c.at("data_type").get<std::string>();
    }
    SCOPED_TRACE(c.dump());
    const srs::LayerBits b =
        srs::layer_bits(s, c.at("out").get<int64_t>(), c.at("in").get<int64_t>(), c.at("ignore_scale_zp_bits").get<bool>());
    EXPECT_EQ(b.total_bits, c.at("total_bits").get<int64_t>());
    EXPECT_EQ(b.avg_bits, c.at("avg_bits").get<double>());
  }
}

// The averages quoted in docs/algorithm.md section 3.3, by hand: bits + (scale + zp bits) / G.
TEST(QuantBits, KnownAveragesOnA4096Square) {
  const std::vector<std::pair<const char*, double>> expect = {
      {"W2A16", 2 + 18.0 / 128},  {"W2A16G64", 2 + 18.0 / 64}, {"W3A16", 3 + 19.0 / 128},
      {"W4A16", 4 + 20.0 / 128},  {"W8A16", 8 + 24.0 / 128},   {"MXFP4", 4 + 8.0 / 32},
      {"MXFP8", 8 + 8.0 / 32},    {"NVFP4", 4 + 8.0 / 16},     {"BF16", 16.0},
  };
  for (const auto& [name, avg] : expect) {
    EXPECT_DOUBLE_EQ(srs::layer_bits(srs::preset_scheme(name), 4096, 4096).avg_bits, avg) << name;
  }
  EXPECT_NEAR(srs::layer_bits(srs::preset_scheme("W2A16"), 4096, 4096).avg_bits, 2.141, 5e-4);
  EXPECT_NEAR(srs::layer_bits(srs::preset_scheme("W4A16"), 4096, 4096).avg_bits, 4.156, 5e-4);
  EXPECT_EQ(srs::layer_bits(srs::preset_scheme("W4A16"), 4096, 4096, true).avg_bits, 4.0);
}

TEST(QuantBits, AverageOfASetWeighsByParameters) {
  const srs::LayerBits a = srs::layer_bits(srs::preset_scheme("W2A16"), 4096, 4096);
  const srs::LayerBits b = srs::layer_bits(srs::preset_scheme("W8A16"), 11008, 4096);
  const double want = static_cast<double>(a.total_bits + b.total_bits) / (4096.0 * 4096 + 11008.0 * 4096);
  EXPECT_DOUBLE_EQ(srs::average_bits({a, b}), want);
  EXPECT_GT(srs::average_bits({a, b}), a.avg_bits);
  EXPECT_LT(srs::average_bits({a, b}), b.avg_bits);
}

TEST(QuantBits, RaggedAndSpecialGroupSizes) {
  srs::Scheme s = srs::preset_scheme("W4A16");
  // 130 columns at G128 make 2 groups per row: 100 * 2 * (16 + 4) aux bits.
  EXPECT_EQ(srs::layer_bits(s, 100, 130).total_bits, 4 * 13000 + 200 * 20);
  s.group_size = -1;
  EXPECT_EQ(srs::layer_bits(s, 100, 130).total_bits, 4 * 13000 + 100 * 20);
  s.group_size = 0;
  EXPECT_EQ(srs::layer_bits(s, 100, 130).total_bits, 4 * 13000 + 20);
}

TEST(QuantBits, BadInputsAreErrors) {
  srs::Scheme s = srs::preset_scheme("W4A16");
  EXPECT_THROW(srs::layer_bits(s, 0, 128), srs::Error);
  s.group_size = -3;
  EXPECT_THROW(srs::layer_bits(s, 8, 128), srs::Error);
  EXPECT_THROW(srs::average_bits({}), srs::Error);
}

}  // namespace
