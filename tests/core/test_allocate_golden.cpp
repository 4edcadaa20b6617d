// The allocator against auto-round's own DP (choose_bits_per_layer_with_path) on a
// SmolLM2-135M-shaped table; fixture from scripts/gen_allocate_golden.py.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "allocate/allocation_frontier.h"
#include "allocate/allocator.h"
#include "test_paths.h"
#include "util/atomic_file.h"

TEST(AllocateGolden, MatchesAutoRoundDp) {
  const std::string path = srs::test::golden("allocate/smollm_dp.json");
  SRS_REQUIRE_FILE(path, "run scripts/gen_allocate_golden.py");
  const auto g = nlohmann::json::parse(srs::read_file(path));
  srs::SensitivityTable table;
  table.options = g["options"].get<std::vector<std::string>>();
  for (const auto& l : g["layers"]) {
    srs::LayerSensitivity s;
    s.name = l["name"];
    s.block = l["block"];
    s.kind = srs::parse_layer_kind(l["kind"], path);
    s.params = l["params"];
    s.score = l["score"].get<std::vector<double>>();
    s.bits = l["bits"].get<std::vector<int64_t>>();
    s.bits_no_overhead = l["bits_no_overhead"].get<std::vector<int64_t>>();
    table.layers.push_back(s);
  }
  ASSERT_EQ(table.layers.size(), 210u);
  ASSERT_EQ(g["cases"].size(), 12u);
  for (const auto& c : g["cases"]) {
    srs::AllocationSettings settings;
    settings.count_overhead = c["count_overhead"];
    const srs::Allocator alloc(table, settings);
    const srs::AllocationFrontier frontier(alloc);
    const double avg = c["avg_bits"];
    SCOPED_TRACE("avg " + std::to_string(avg) + (settings.count_overhead ? " with overhead" : " codes only"));
    for (const auto& plan : {alloc.solve(avg), frontier.solve(avg)}) {
      EXPECT_EQ(plan.budget_bits, c["budget_bits"].get<int64_t>());
      // Both sum the same doubles per item, in item order, but along different DP paths; the
      // optimum is unique for these random scores, so only rounding separates the totals.
      EXPECT_NEAR(plan.predicted_loss, c["loss"].get<double>(), 1e-12 * c["loss"].get<double>());
      EXPECT_EQ(plan.choice, c["choice"].get<std::vector<int>>());
      const double bits = c["bits"].get<double>();
      EXPECT_DOUBLE_EQ(settings.count_overhead ? plan.avg_bits : plan.avg_bits_no_overhead,
                       bits / static_cast<double>(alloc.quantized_params()));
    }
  }
}
