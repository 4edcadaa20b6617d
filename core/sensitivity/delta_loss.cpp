#include "sensitivity/delta_loss.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "model/load_tensor.h"
#include "pipeline/rtn.h"
#include "quant/bit_cost.h"
#include "quant/qdq.h"
#include "util/error.h"

namespace srs {

namespace {

// What the backward replay of one Linear records: the leaf W_hat whose gradient the weight
// term needs, and the (x, x_hat) pair of its input for the activation term.
struct LinearProbe {
  int layer = -1;  // table row
  Linear* linear = nullptr;
  at::Tensor w_hat;
  at::Tensor x, x_hat;
  at::Tensor w_orig;  // the unquantized weight when the Linear still holds it (lazy RTN, fp32)
};

// Turns `linear` into a probe: W_hat becomes a leaf that collects dL/dW_hat, and with an
// activation scheme the input qdq keeps x and x_hat with dL/dx_hat.
void arm_probe(LinearProbe& p, const Scheme& s, bool weight_grad) {
  // A lazily quantized Linear keeps the original weight, as decoded when its block loaded:
  // reused, it saves decoding the weight from the file again for every batch.
  if (p.linear->has_transform() && p.linear->weight().scalar_type() == at::kFloat) p.w_orig = p.linear->weight();
  p.w_hat = p.linear->effective_weight().detach().requires_grad_(weight_grad);
  p.linear->set_transform({});  // a lazily quantized weight becomes the leaf itself
  p.linear->set_weight(p.w_hat);
  InputTransform qdq = activation_qdq_transform(s, p.linear->name());
  if (!qdq) return;
  p.linear->set_input_transform([&p, qdq](const at::Tensor& x) {
    at::Tensor x_hat = qdq(x);
    if (x_hat.requires_grad()) x_hat.retain_grad();
    p.x = x.detach();
    p.x_hat = x_hat;
    return x_hat;
  });
}

// Adds this probe's terms and puts the Linear back as the quantized forward wants it.
void collect_probe(LinearProbe& p, const Scheme& s, const at::Tensor& w_orig, DeltaLossLayerTerms& terms) {
  if (p.w_hat.requires_grad() && p.w_hat.grad().defined())
    terms.weight += (p.w_hat.grad() * (w_orig - p.w_hat.detach())).abs().sum().item<double>();
  if (p.x_hat.defined() && p.x_hat.grad().defined())
    terms.act += (p.x_hat.grad() * (p.x - p.x_hat.detach())).abs().sum().item<double>();
  p.linear->set_weight(p.w_hat.detach());
  p.linear->set_input_transform(activation_qdq_transform(s, p.linear->name()));
  p.w_hat = p.x = p.x_hat = p.w_orig = at::Tensor();
}

// The unquantized weight of a probed Linear: the one it kept, else decoded from the file (a
// tied lm_head is the embedding table).
at::Tensor original_weight(DecoderModel& model, const LinearProbe& p) {
  if (p.w_orig.defined()) return p.w_orig;
  const std::string& name = p.linear->name();
  std::string tensor = name + ".weight";
  if (name == "lm_head" && !model.weights().contains(tensor)) tensor = "model.embed_tokens.weight";
  return load_tensor(model.weights(), tensor).to(p.w_hat.device());
}

// Leaves the model as it was found (no patches), however the analysis ends.
struct ClearPatchesOnExit {
  DecoderModel& model;
  ~ClearPatchesOnExit() { model.clear_linear_patches(); }
};


}  // namespace

DeltaLossResult compute_delta_loss(DecoderModel& model, const std::vector<std::vector<int32_t>>& samples,
                                   const DeltaLossSettings& settings, const ProgressFn& progress,
                                   const CancelToken* cancel) {
  const auto start = std::chrono::steady_clock::now();
  if (settings.options.empty()) throw Error("DeltaLoss: no options given (e.g. W2A16,W4A16)");
  if (samples.empty()) throw Error("DeltaLoss: no calibration samples");
  if (settings.batch_size < 1) throw Error("DeltaLoss: batch size must be at least 1");
  const size_t seqlen = samples[0].size();
  for (const auto& s : samples)
    if (s.size() != seqlen || seqlen < 2) throw Error("DeltaLoss: calibration samples must all have one length >= 2");

  std::vector<Scheme> schemes;
  for (const auto& o : settings.options) schemes.push_back(preset_scheme(o));
  // auto-round 0.16.1 collects the weight term whenever any option quantizes weights to <= 8 bits.
  bool weight_grad = false;
  for (const auto& s : schemes) weight_grad = weight_grad || (quantizes_weights(s) && s.bits <= 8);

  DeltaLossResult r;
  SensitivityTable& table = r.table;
  table.options = settings.options;
  std::vector<std::string> names;
  for (const auto& n : model.linear_names())
    if (n != "lm_head" || settings.quantize_lm_head) names.push_back(n);
  std::map<std::string, int> row_of;
  for (const auto& n : names) {
    const std::vector<int64_t> shape = model.linear_shape(n);
    LayerSensitivity l;
    l.name = n;
    l.block = block_index_from_name(n);
    l.kind = layer_kind_from_name(n);
    l.params = shape[0] * shape[1];
    for (const auto& s : schemes) {
      l.bits.push_back(layer_bits(s, shape[0], shape[1]).total_bits);
      l.bits_no_overhead.push_back(layer_bits(s, shape[0], shape[1], true).total_bits);
    }
    l.score.assign(schemes.size(), 0.0);
    row_of[n] = static_cast<int>(table.layers.size());
    table.layers.push_back(std::move(l));
  }
  r.terms.assign(names.size(), std::vector<DeltaLossLayerTerms>(schemes.size()));

  const int64_t nblocks = model.num_blocks();
  const int64_t nbatches = (static_cast<int64_t>(samples.size()) + settings.batch_size - 1) / settings.batch_size;
  const int64_t passes = nbatches * (2 * nblocks + 1);
  const RopeTables rope = model.rope(static_cast<int64_t>(seqlen));

  // Every window's ids in one tensor, made once; each batch is a slice of it.
  at::Tensor all_ids = at::empty({static_cast<int64_t>(samples.size()), static_cast<int64_t>(seqlen)}, at::kLong);
  auto* dst = all_ids.data_ptr<int64_t>();
  for (const auto& sample : samples) dst = std::copy(sample.begin(), sample.end(), dst);

  model.clear_linear_patches();
  ClearPatchesOnExit restore{model};
  for (size_t k = 0; k < schemes.size(); ++k) {
    const Scheme& s = schemes[k];
    const std::string stage = "analyze " + settings.options[k];
    if (!quantizes_weights(s) && !quantizes_activations(s)) continue;  // BF16 scores 0
    std::map<std::string, Scheme> plan;
    for (const auto& n : names) plan[n] = s;
    // Streaming models quantize each block's weights as it loads, so no model-sized copy is held.
    quantize_rtn(model, plan, {}, cancel, model.options().low_memory);

    int64_t done = 0;
    for (int64_t b = 0; b < nbatches; ++b) {
      const int64_t first = b * settings.batch_size;
      const int64_t count = std::min<int64_t>(settings.batch_size, static_cast<int64_t>(samples.size()) - first);
      const at::Tensor ids = all_ids.narrow(0, first, count);

      // Forward, block by block, caching each block's input.
      std::vector<at::Tensor> inputs;
      {
        at::NoGradGuard no_grad;
        at::Tensor h = model.embed(ids);
        for (int64_t i = 0; i < nblocks; ++i) {
          if (cancel) cancel->check();
          inputs.push_back(h);
          h = model.block(i)->forward(h, rope);
          if (progress) progress({stage, ++done, passes, "forward block " + std::to_string(i)});
        }
        inputs.push_back(h);
      }

      // Loss and the gradient at the last hidden state (lm_head probed when it is scored).
      at::Tensor grad;
      {
        auto head = model.head();
        at::Tensor h = inputs.back().detach().requires_grad_(true);
        LinearProbe probe;
        auto it = row_of.find("lm_head");
        if (it != row_of.end()) {
          probe.layer = it->second;
          probe.linear = &head->lm_head();
          arm_probe(probe, s, weight_grad);
        }
        const at::Tensor logits = head->forward(h).to(at::kFloat);
        const int64_t vocab = logits.size(2);
        const at::Tensor loss = at::cross_entropy_loss(
            logits.slice(1, 0, static_cast<int64_t>(seqlen) - 1).reshape({-1, vocab}),
            ids.slice(1, 1).reshape({-1}).to(logits.device()), {}, at::Reduction::Mean, -100, 0.0);
        if (!std::isfinite(loss.item<double>()))
          throw Error("DeltaLoss: the loss of batch " + std::to_string(b) + " under " + settings.options[k] +
                      " is not finite; the model or its weights are broken");
        loss.backward();
        grad = h.grad();
        if (probe.linear)
          collect_probe(probe, s, original_weight(model, probe), r.terms[static_cast<size_t>(probe.layer)][k]);
        if (progress) progress({stage, ++done, passes, "loss"});
      }

      // Backward replay, last block first, carrying the gradient of each block's input.
      for (int64_t i = nblocks - 1; i >= 0; --i) {
        if (cancel) cancel->check();
        auto block = model.block(i);
        std::vector<LinearProbe> probes;
        for (Linear* lin : block->linears()) {
          auto it = row_of.find(lin->name());
          if (it == row_of.end()) continue;
          probes.push_back({it->second, lin, {}, {}, {}, {}});
        }
        for (auto& p : probes) arm_probe(p, s, weight_grad);
        const at::Tensor x = inputs[static_cast<size_t>(i)].detach().requires_grad_(true);
        block->forward(x, rope).backward(grad);
        grad = x.grad();
        for (auto& p : probes) {
          collect_probe(p, s, original_weight(model, p), r.terms[static_cast<size_t>(p.layer)][k]);
        }
        inputs[static_cast<size_t>(i)] = at::Tensor();  // free as we go
        if (progress) progress({stage, ++done, passes, "backward block " + std::to_string(i)});
      }
    }
    model.clear_linear_patches();
  }

  for (size_t l = 0; l < names.size(); ++l)
    for (size_t k = 0; k < schemes.size(); ++k) table.layers[l].score[k] = r.terms[l][k].weight + r.terms[l][k].act;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace srs
