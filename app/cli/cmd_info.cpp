// signround info MODEL: what a model is, from its headers alone.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/model_files.h"
#include "io/model_summary.h"

namespace srs::cli {

int cmd_info(const Argv& argv) {
  Args args("info", "Show a model's architecture, size, tensor types and tokenizer.", "MODEL [--json]");
  args.positional("MODEL", "HF model folder or .gguf file");
  args.flag("json", "print as JSON");
  if (!args.parse(argv)) return 0;

  const ModelFiles m = open_model_files(args.get("MODEL"));
  check_weight_shapes(m);
  const ModelSummary s = summarize_model(m);
  const ModelConfig& c = s.config;
  if (args.flag_set("json")) {
    nlohmann::ordered_json j;
    j["path"] = s.path;
    j["format"] = s.format;
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
    j["parameters"] = s.parameters;
    j["tensors"] = s.tensors;
    j["stored_types"] = s.stored_types;
    j["size_bytes"] = s.size_bytes;
    if (!s.tokenizer_kind.empty())
      j["tokenizer"] = {{"kind", s.tokenizer_kind}, {"vocab_size", s.tokenizer_vocab}, {"bos_id", s.bos_id},
                        {"eos_id", s.eos_id}};
    else
      j["tokenizer"] = nullptr;
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "model         " << s.path << " (" << s.format << ", " << s.size_bytes / (1024 * 1024) << " MiB)\n"
            << "architecture  " << architecture_name(c.architecture) << ", " << c.num_hidden_layers << " blocks\n"
            << "sizes         hidden " << c.hidden_size << ", intermediate " << c.intermediate_size << ", heads "
            << c.num_attention_heads << " (kv " << c.num_key_value_heads << ", dim " << c.head_dim << "), vocab " << c.vocab_size
            << "\n"
            << "rope          theta " << c.rope_theta << ", scaling " << rope_scaling_name(c.rope_scaling.type)
            << (c.tie_word_embeddings ? ", tied embeddings" : "") << "\n"
            << "parameters    " << s.parameters << " in " << s.tensors << " tensors\n"
            << "stored types ";
  for (const auto& [t, n] : s.stored_types) std::cout << " " << t << " x" << n;
  std::cout << "\n";
  if (!s.tokenizer_kind.empty())
    std::cout << "tokenizer     " << s.tokenizer_kind << ", " << s.tokenizer_vocab << " tokens, bos " << s.bos_id
              << ", eos " << s.eos_id << "\n";
  else
    std::cout << "tokenizer     none (no tokenizer.json)\n";
  return 0;
}

}  // namespace srs::cli
