// qdq forward + backward on a 4096 x 4096 weight, one SignRound tuning step's worth of
// quantization work per iteration (V, alpha, beta require grad; loss = sum(w_hat * R)).
// Int types use G128; MX and NV use their format's fixed groups (32, 16).
// bench/bench_qdq_torch.py times auto-round's own functions on the same shapes.
#include <benchmark/benchmark.h>

#include "quant/qdq.h"

namespace {

srs::Scheme scheme_for(const std::string& kind) {
  if (kind == "int_asym") {
    srs::Scheme s = srs::preset_scheme("W4A16");
    s.sym = false;
    return s;
  }
  if (kind == "int_sym_gptq") {
    srs::Scheme s = srs::preset_scheme("W4A16");
    s.data_type = "int_sym_gptq";
    return s;
  }
  return srs::preset_scheme(kind);
}

void qdq_forward_backward(benchmark::State& state, const std::string& kind) {
  const srs::Scheme s = scheme_for(kind);
  at::manual_seed(0);
  const at::Tensor w = at::randn({4096, 4096}) * 0.02;
  const at::Tensor r = at::randn({4096, 4096});
  srs::Tunables t = srs::make_tunables(w, s);
  for (auto _ : state) {
    const srs::WeightQdq q = srs::qdq_weight(w, s, t, "bench");
    (q.weight * r).sum().backward();
    benchmark::DoNotOptimize(t.v.grad().data_ptr());
    t.v.mutable_grad().zero_();
  }
  state.SetItemsProcessed(state.iterations() * w.numel());
}

void qdq_forward_rtn(benchmark::State& state, const std::string& kind) {
  const srs::Scheme s = scheme_for(kind);
  at::manual_seed(0);
  const at::Tensor w = at::randn({4096, 4096}) * 0.02;
  for (auto _ : state) {
    at::NoGradGuard no_grad;
    const srs::WeightQdq q = srs::qdq_weight(w, s, {}, "bench");
    benchmark::DoNotOptimize(q.weight.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * w.numel());
}

}  // namespace

BENCHMARK_CAPTURE(qdq_forward_backward, int_sym_W4G128, std::string("W4A16"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_backward, int_asym_W4G128, std::string("int_asym"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_backward, int_sym_gptq_W4G128, std::string("int_sym_gptq"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_backward, mxfp4_G32, std::string("MXFP4"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_backward, mxfp8_G32, std::string("MXFP8"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_backward, nvfp4_G16, std::string("NVFP4"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_rtn, int_sym_W4G128, std::string("W4A16"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_rtn, mxfp4_G32, std::string("MXFP4"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(qdq_forward_rtn, nvfp4_G16, std::string("NVFP4"))->Unit(benchmark::kMillisecond)->Iterations(3);
