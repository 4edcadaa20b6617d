#include "pipeline/rtn.h"

#include <chrono>

#include "allocate/sensitivity_table.h"
#include "quant/qdq.h"
#include "quant/qdq_nv.h"
#include "util/error.h"

namespace srs {

namespace {

// The fused module a block Linear belongs to ("<block>#qkv" or "<block>#gate_up", the groups
// vLLM serves as one kernel), or "" for none.
std::string fused_group(const std::string& name) {
  const LayerKind kind = layer_kind_from_name(name);
  const std::string block = std::to_string(block_index_from_name(name));
  if (kind == LayerKind::q || kind == LayerKind::k || kind == LayerKind::v) return block + "#qkv";
  if (kind == LayerKind::gate || kind == LayerKind::up) return block + "#gate_up";
  return "";
}

}  // namespace

InputTransform activation_qdq_transform(const Scheme& scheme, const std::string& name) {
  if (!quantizes_activations(scheme)) return {};
  return [scheme, name](const at::Tensor& x) { return qdq_activation(x, scheme, name).x; };
}

void install_activation_qdq(DecoderModel& model, const std::string& name, const Scheme& scheme) {
  model.set_linear_input_transform(name, activation_qdq_transform(scheme, name));
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
  std::map<std::string, at::Tensor> shared_global;  // fused group -> scale
  for (const auto& name : order) {
    const std::string group = fused_group(name);
    if (schemes.at(name).data_type.rfind("nv_fp", 0) != 0 || group.empty()) continue;
    const at::Tensor gs = nv_global_scale(model.linear_weight(name).abs().max().to(at::kFloat));
    auto it = shared_global.find(group);
    shared_global[group] = it == shared_global.end() ? gs : at::minimum(it->second, gs);
  }

  RtnResult r;
  std::vector<LayerBits> with, without;
  int64_t done = 0;
  for (const auto& name : order) {
    if (cancel) cancel->check();
    const Scheme& s = schemes.at(name);
    const std::vector<int64_t> shape = model.linear_shape(name);
    if (quantizes_weights(s)) {
      QdqOptions opt;
      auto it = shared_global.find(fused_group(name));
      if (it != shared_global.end()) opt.global_scale = it->second;
      if (lazy) {
        model.set_linear_transform(name, [s, name, opt](const at::Tensor& weight) {
          at::NoGradGuard no_grad;
          return qdq_weight(weight.to(at::kFloat), s, {}, name, opt).weight.to(weight.scalar_type());
        });
      } else {
        const at::Tensor w = model.linear_weight(name);
        at::NoGradGuard no_grad;
        model.set_linear_weight(name, qdq_weight(w.to(at::kFloat), s, {}, name, opt).weight.to(w.scalar_type()));
      }
    }
    install_activation_qdq(model, name, s);
    RtnLayer layer{name, layer_bits(s, shape[0], shape[1]), layer_bits(s, shape[0], shape[1], true)};
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
