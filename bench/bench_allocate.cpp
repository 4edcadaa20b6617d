// Bit allocator timings: one-shot solves of 1,000 items x 8 options at several budgets, and the
// GUI case of 210 SmolLM2-135M layers (30 blocks x 7 Linear; hidden 576, intermediate 1536, kv
// dim 192): building the frontier once, then re-solving for a new target by lookup.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "allocate/allocation_frontier.h"
#include "allocate/allocator.h"

namespace {

struct OptionSpec {
  const char* name;
  int bits;
  int group;  // 0: no scales (unquantized)
};

const std::vector<OptionSpec> kEight = {{"W2A16G64", 2, 64}, {"W2A16", 2, 128}, {"W3A16", 3, 128},
                                        {"W4A16", 4, 128},   {"W5A16", 5, 128}, {"W6A16", 6, 128},
                                        {"W8A16", 8, 128},   {"BF16", 16, 0}};

// algorithm.md §3.3: b*N + groups*(16-bit scale + b-bit zero point).
srs::LayerSensitivity layer(const std::string& name, int block, srs::LayerKind kind, int64_t params,
                            const std::vector<OptionSpec>& opts, std::mt19937& rng) {
  srs::LayerSensitivity l;
  l.name = name;
  l.block = block;
  l.kind = kind;
  l.params = params;
  const double sensitivity = std::uniform_real_distribution<double>(0.2, 5.0)(rng);
  for (const auto& o : opts) {
    l.bits_no_overhead.push_back(o.bits * params);
    l.bits.push_back(o.bits * params + (o.group ? params / o.group * (16 + o.bits) : 0));
    const double noise = std::uniform_real_distribution<double>(0.7, 1.3)(rng);
    l.score.push_back(o.bits >= 16 ? 0.0 : sensitivity * std::pow(4.0, -o.bits) * (64.0 / o.group) * noise);
  }
  return l;
}

srs::SensitivityTable table_of(const std::vector<OptionSpec>& opts) {
  srs::SensitivityTable t;
  for (const auto& o : opts) t.options.push_back(o.name);
  return t;
}

// 1,000 independent items whose shapes repeat (as real layers do) or are arbitrary.
srs::SensitivityTable thousand(bool arbitrary_shapes) {
  std::mt19937 rng(1);
  srs::SensitivityTable t = table_of(kEight);
  const int64_t shapes[] = {4096 * 4096, 4096 * 1024, 4096 * 14336, 4096 * 6144};
  for (int i = 0; i < 1000; ++i) {
    const int64_t params =
        arbitrary_shapes ? 128 * std::uniform_int_distribution<int64_t>(1000, 200000)(rng) : shapes[i % 4];
    t.layers.push_back(layer("layer." + std::to_string(i), i / 8, srs::LayerKind::other, params, kEight, rng));
  }
  return t;
}

srs::SensitivityTable smollm(const std::vector<OptionSpec>& opts) {
  std::mt19937 rng(2);
  srs::SensitivityTable t = table_of(opts);
  const struct {
    const char* name;
    srs::LayerKind kind;
    int64_t params;
  } linears[] = {{"self_attn.q_proj", srs::LayerKind::q, 576 * 576},     {"self_attn.k_proj", srs::LayerKind::k, 576 * 192},
                 {"self_attn.v_proj", srs::LayerKind::v, 576 * 192},     {"self_attn.o_proj", srs::LayerKind::o, 576 * 576},
                 {"mlp.gate_proj", srs::LayerKind::gate, 576 * 1536},   {"mlp.up_proj", srs::LayerKind::up, 576 * 1536},
                 {"mlp.down_proj", srs::LayerKind::down, 1536 * 576}};
  for (int b = 0; b < 30; ++b)
    for (const auto& l : linears)
      t.layers.push_back(layer("model.layers." + std::to_string(b) + "." + l.name, b, l.kind, l.params, opts, rng));
  return t;
}

double target(const srs::Allocator& a, int64_t percent) {
  return a.min_avg_bits() + (a.max_avg_bits() - a.min_avg_bits()) * static_cast<double>(percent) / 100.0;
}

void report(benchmark::State& state, const srs::QuantPlan& plan) {
  state.counters["avg_bits"] = plan.avg_bits;
  state.counters["loss"] = plan.predicted_loss;
}

// Arg: target as a percentage of the way from the least to the most bits.
void BM_Solve1000x8(benchmark::State& state) {
  const srs::Allocator alloc(thousand(false), {});
  srs::QuantPlan plan;
  for (auto _ : state) plan = alloc.solve(target(alloc, state.range(0)));
  report(state, plan);
}
BENCHMARK(BM_Solve1000x8)->Arg(2)->Arg(10)->Arg(25)->Arg(50)->Arg(75)->Unit(benchmark::kMillisecond);

void BM_Solve1000x8ArbitraryShapes(benchmark::State& state) {
  const srs::Allocator alloc(thousand(true), {});
  srs::QuantPlan plan;
  for (auto _ : state) plan = alloc.solve(target(alloc, state.range(0)));
  report(state, plan);
}
BENCHMARK(BM_Solve1000x8ArbitraryShapes)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

const std::vector<OptionSpec> kFour = {kEight[1], kEight[2], kEight[3], kEight[6]};  // W2, W3, W4, W8

// The frontier of the 210-layer model, built once per project / settings change.
void BM_Frontier210(benchmark::State& state) {
  const srs::Allocator alloc(smollm(state.range(0) == 8 ? kEight : kFour), {});
  size_t points = 0, states = 0;
  for (auto _ : state) {
    const srs::AllocationFrontier f(alloc);
    points = f.points().size();
    states = f.states_kept();
  }
  state.counters["points"] = static_cast<double>(points);
  state.counters["states"] = static_cast<double>(states);
}
BENCHMARK(BM_Frontier210)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

// A slider move: a new target answered from the frontier.
void BM_Resolve210(benchmark::State& state) {
  const srs::Allocator alloc(smollm(state.range(0) == 8 ? kEight : kFour), {});
  const srs::AllocationFrontier f(alloc);
  int64_t step = 0;
  srs::QuantPlan plan;
  for (auto _ : state) plan = f.solve(target(alloc, 1 + (step++ * 7) % 98));
  report(state, plan);
}
BENCHMARK(BM_Resolve210)->Arg(4)->Arg(8)->Unit(benchmark::kMicrosecond);

// The same re-solve without a frontier, for comparison.
void BM_Solve210(benchmark::State& state) {
  const srs::Allocator alloc(smollm(state.range(0) == 8 ? kEight : kFour), {});
  int64_t step = 0;
  srs::QuantPlan plan;
  for (auto _ : state) plan = alloc.solve(target(alloc, 1 + (step++ * 7) % 98));
  report(state, plan);
}
BENCHMARK(BM_Solve210)->Arg(4)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace
