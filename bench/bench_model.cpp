// The demo model's speed: fp32 forward tokens/s at seqlen 512 and 2048, and forward+backward
// of one decoder block, each also as a share of the machine's measured matmul peak
// (BM_MatmulF32/2048 in bench_matmul.cpp). Needs the demo model (scripts/fetch-demo-model.sh)
// or SRS_DEMO_MODEL pointing at a GGUF / HF folder.
#include <benchmark/benchmark.h>
#include <torch/csrc/autograd/autograd.h>

#include <cstdlib>
#include <memory>

#include "io/model_files.h"
#include "model/block_runner.h"
#include "model/decoder_model.h"

namespace {

struct Demo {
  srs::ModelConfig config;
  std::shared_ptr<const srs::WeightSource> weights;
};

const Demo* demo() {
  static std::unique_ptr<Demo> d;
  if (!d) {
    const char* env = std::getenv("SRS_DEMO_MODEL");
    srs::ModelFiles f = srs::open_model_files(env ? env : SRS_DEMO_MODEL_PATH);
    d = std::make_unique<Demo>(Demo{f.config, std::shared_ptr<const srs::WeightSource>(std::move(f.weights))});
  }
  return d.get();
}

// Multiply-add FLOPs of a forward over `seq` tokens: 2 x (Linear params) per token for the
// blocks and lm_head, plus the causal attention products (QK^T and PV: 2 x 2 x seq^2/2 x
// heads x head_dim per block).
double forward_flops(const srs::ModelConfig& c, int64_t seq, bool with_head) {
  const double h = c.hidden_size, q = c.num_attention_heads * c.head_dim, kv = c.num_key_value_heads * c.head_dim;
  const double linear = h * q + 2 * h * kv + q * h + 3 * h * c.intermediate_size;
  const double attn = 2.0 * seq * seq * q;  // causal: half of 2 products of 2 FLOP per multiply-add
  double f = c.num_hidden_layers * (2.0 * linear * seq + attn);
  if (with_head) f += 2.0 * h * c.vocab_size * seq;
  return f;
}

void BM_DemoForward(benchmark::State& state) {
  const Demo* d = demo();
  srs::DecoderModel model(d->config, d->weights);
  const int64_t seq = state.range(0);
  at::NoGradGuard no_grad;
  model.forward(at::randint(d->config.vocab_size, {1, 16}));  // loads every block once
  const at::Tensor ids = at::randint(d->config.vocab_size, {1, seq});
  for (auto _ : state) benchmark::DoNotOptimize(model.forward(ids));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(seq), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(forward_flops(d->config, seq, true) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DemoForward)->Arg(512)->Arg(2048)->Unit(benchmark::kSecond)->UseRealTime()->MinTime(5);

// One block (15 of 30), forward and backward with respect to its weights and input, as the
// tuner and DeltaLoss run it; FLOPs counted as 3 x forward (backward = 2 x forward).
void BM_DemoBlockForwardBackward(benchmark::State& state) {
  const Demo* d = demo();
  srs::DecoderModel model(d->config, d->weights);
  const int64_t seq = state.range(0);
  const at::Tensor x = srs::capture_block_inputs(model, at::randint(d->config.vocab_size, {1, seq}), 15, 1);
  const auto block = srs::DecoderBlock::load(d->config, *d->weights, 15);
  std::vector<at::Tensor> params = block->parameters();
  for (at::Tensor& p : params) p.set_requires_grad(true);
  const at::Tensor input = x.detach().requires_grad_(true);
  std::vector<at::Tensor> wrt = params;
  wrt.push_back(input);
  const srs::RopeTables rope = model.rope(seq);
  for (auto _ : state) {
    const at::Tensor y = block->forward(input, rope);
    benchmark::DoNotOptimize(torch::autograd::grad({(y - input).pow(2).mean()}, wrt));
  }
  srs::ModelConfig one = d->config;
  one.num_hidden_layers = 1;
  state.counters["GFLOP/s"] =
      benchmark::Counter(3 * forward_flops(one, seq, false) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_DemoBlockForwardBackward)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

}  // namespace
