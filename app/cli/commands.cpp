#include "cli/commands.h"

namespace srs::cli {

int cmd_info(const Argv& args);
int cmd_tokenize(const Argv& args);
int cmd_eval(const Argv& args);
int cmd_quantize(const Argv& args);

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"info", "show a model's architecture, size, tensor types and tokenizer", cmd_info},
      {"tokenize", "text to token ids and back with the model's tokenizer", cmd_tokenize},
      {"eval", "perplexity of a model on a text (GPTQ protocol)", cmd_eval},
      {"quantize", "quantize a model by a scheme or per-layer plan (RTN) and evaluate it", cmd_quantize},
  };
  return table;
}

}  // namespace srs::cli
