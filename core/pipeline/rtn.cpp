#include "pipeline/rtn.h"

#include <chrono>

#include "quant/qdq.h"
#include "quant/qdq_nv.h"
#include "util/error.h"

namespace srs {

namespace {

// Index of the fused module a block Linear belongs to: 0 = q/k/v, 1 = gate/up, -1 = none.
int fused_group(const std::string& name) {
  for (const char* s : {".q_proj", ".k_proj", ".v_proj"})
    if (name.size() > 7 && name.compare(name.size() - 7, 7, s) == 0) return 0;
  for (const char* s : {".gate_proj", ".up_proj"}) {
    const size_t n = std::char_traits<char>::length(s);
    if (name.size() > n && name.compare(name.size() - n, n, s) == 0) return 1;
  }
  return -1;
}

std::string block_prefix(const std::string& name) { return name.substr(0, name.rfind('.', name.rfind('.') - 1)); }

}  // namespace

void install_activation_qdq(DecoderModel& model, const std::string& name, const Scheme& scheme) {
  if (!quantizes_activations(scheme)) {
    model.set_linear_input_transform(name, {});
    return;
  }
  model.set_linear_input_transform(name, [scheme, name](const at::Tensor& x) {
    return qdq_activation(x, scheme, name).x;
  });
}

RtnResult quantize_rtn(DecoderModel& model, const std::map<std::string, Scheme>& schemes, const ProgressFn& progress,
                       const CancelToken* cancel, bool lazy) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> order;
  for (const auto& name : model.linear_names())
    if (schemes.count(name)) order.push_back(name);
  for (const auto& [name, s] : schemes)
    if (std::find(order.begin(), order.end(), name) == order.end())
      throw Error("RTN: layer '" + name + "' is not a Linear of this model");

  // NVFP4: fused q/k/v and gate/up share the smallest global scale of their members.
  std::map<std::string, at::Tensor> shared_global;  // "<block prefix>#<group>" -> scale
  for (const auto& name : order) {
    const Scheme& s = schemes.at(name);
    const int g = fused_group(name);
    if (s.data_type.rfind("nv_fp", 0) != 0 || g < 0) continue;
    const at::Tensor gs = nv_global_scale(model.linear_weight(name).abs().max().to(at::kFloat));
    const std::string key = block_prefix(name) + "#" + std::to_string(g);
    auto it = shared_global.find(key);
    shared_global[key] = it == shared_global.end() ? gs : at::minimum(it->second, gs);
  }

  RtnResult r;
  std::vector<LayerBits> with, without;
  int64_t done = 0;
  for (const auto& name : order) {
    if (cancel) cancel->check();
    const Scheme& s = schemes.at(name);
    const at::Tensor w = model.linear_weight(name);
    if (quantizes_weights(s)) {
      QdqOptions opt;
      const int g = fused_group(name);
      if (g >= 0) {
        auto it = shared_global.find(block_prefix(name) + "#" + std::to_string(g));
        if (it != shared_global.end()) opt.global_scale = it->second;
      }
      if (lazy) {
        model.set_linear_transform(name, [s, name, opt](const at::Tensor& weight) {
          at::NoGradGuard no_grad;
          return qdq_weight(weight.to(at::kFloat), s, {}, name, opt).weight.to(weight.scalar_type());
        });
      } else {
        at::NoGradGuard no_grad;
        model.set_linear_weight(name, qdq_weight(w.to(at::kFloat), s, {}, name, opt).weight.to(w.scalar_type()));
      }
    }
    install_activation_qdq(model, name, s);
    RtnLayer layer{name, s, layer_bits(s, w.size(0), w.size(1)), layer_bits(s, w.size(0), w.size(1), true)};
    with.push_back(layer.bits);
    without.push_back(layer.bits_no_overhead);
    r.layers.push_back(std::move(layer));
    if (progress) progress({"rtn", ++done, static_cast<int64_t>(order.size()), name});
  }
  if (!r.layers.empty()) {
    r.avg_bits = average_bits(with);
    r.avg_bits_no_overhead = average_bits(without);
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace srs
