// signround info MODEL: what a model is, from its headers alone.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/model_files.h"

namespace srs::cli {

namespace {

const char* rope_scaling_name(RopeScaling::Type t) {
  switch (t) {
    case RopeScaling::Type::None: return "none";
    case RopeScaling::Type::Linear: return "linear";
    case RopeScaling::Type::Llama3: return "llama3";
  }
  return "?";
}

}  // namespace

int cmd_info(const Argv& argv) {
  Args args("info", "Show a model's architecture, size, tensor types and tokenizer.", "MODEL [--json]");
  args.positional("MODEL", "HF model folder or .gguf file");
  args.flag("json", "print as JSON");
  if (!args.parse(argv)) return 0;

  const ModelFiles m = open_model_files(args.get("MODEL"));
  check_weight_shapes(m);
  const ModelConfig& c = m.config;
  int64_t params = 0;
  std::map<std::string, int64_t> types;  // stored type -> tensor count
  for (const auto& name : m.weights->names()) {
    params += numel(m.weights->shape(name));
    types[m.weights->stored_type(name)]++;
  }
  nlohmann::ordered_json j;
  j["path"] = m.path;
  j["format"] = m.format;
  j["architecture"] = architecture_name(c.architecture);
  j["blocks"] = c.num_hidden_layers;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["attention_heads"] = c.num_attention_heads;
  j["kv_heads"] = c.num_key_value_heads;
  j["head_dim"] = c.head_dim;
  j["vocab_size"] = c.vocab_size;
  j["rope_theta"] = c.rope_theta;
  j["rope_scaling"] = rope_scaling_name(c.rope_scaling.type);
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["tied_embeddings"] = c.tie_word_embeddings;
  j["parameters"] = params;
  j["tensors"] = m.weights->names().size();
  j["stored_types"] = types;
  j["size_bytes"] = m.size_bytes;
  if (m.tokenizer) {
    j["tokenizer"] = {{"kind", m.tokenizer->kind()},
                      {"vocab_size", m.tokenizer->vocab_size()},
                      {"bos_id", m.tokenizer->bos_id()},
                      {"eos_id", m.tokenizer->eos_id()}};
  } else {
    j["tokenizer"] = nullptr;
  }
  if (args.flag_set("json")) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "model         " << m.path << " (" << m.format << ", " << m.size_bytes / (1024 * 1024) << " MiB)\n"
            << "architecture  " << architecture_name(c.architecture) << ", " << c.num_hidden_layers << " blocks\n"
            << "sizes         hidden " << c.hidden_size << ", intermediate " << c.intermediate_size << ", heads "
            << c.num_attention_heads << " (kv " << c.num_key_value_heads << ", dim " << c.head_dim << "), vocab "
            << c.vocab_size << "\n"
            << "rope          theta " << c.rope_theta << ", scaling " << rope_scaling_name(c.rope_scaling.type)
            << (c.tie_word_embeddings ? ", tied embeddings" : "") << "\n"
            << "parameters    " << params << " in " << m.weights->names().size() << " tensors\n"
            << "stored types ";
  for (const auto& [t, n] : types) std::cout << " " << t << " x" << n;
  std::cout << "\n";
  if (m.tokenizer)
    std::cout << "tokenizer     " << m.tokenizer->kind() << ", " << m.tokenizer->vocab_size() << " tokens, bos "
              << m.tokenizer->bos_id() << ", eos " << m.tokenizer->eos_id() << "\n";
  else
    std::cout << "tokenizer     none (no tokenizer.json)\n";
  return 0;
}

}  // namespace srs::cli
