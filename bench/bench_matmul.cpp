// The machine's measured matmul peak: the yardstick for the model benchmarks
// (docs/benchmarks.md reports each forward/backward figure as a share of it).
#include <ATen/ATen.h>
#include <benchmark/benchmark.h>

static void BM_MatmulF32(benchmark::State& state) {
  const int64_t n = state.range(0);
  at::manual_seed(0);
  const at::Tensor a = at::randn({n, n}), b = at::randn({n, n});
  for (auto _ : state) benchmark::DoNotOptimize(at::mm(a, b));
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulF32)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_MatmulBF16(benchmark::State& state) {
  const int64_t n = state.range(0);
  at::manual_seed(0);
  const at::Tensor a = at::randn({n, n}).to(at::kBFloat16), b = at::randn({n, n}).to(at::kBFloat16);
  for (auto _ : state) benchmark::DoNotOptimize(at::mm(a, b));
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulBF16)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
