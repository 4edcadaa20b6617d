#include "cli/commands.h"

namespace srs::cli {

int cmd_info(const Argv& args);
int cmd_tokenize(const Argv& args);
int cmd_eval(const Argv& args);
int cmd_quantize(const Argv& args);
#if SRS_WITH_HDF5
int cmd_analyze(const Argv& args);
int cmd_allocate(const Argv& args);
#endif

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"info", "show a model's architecture, size, tensor types and tokenizer", cmd_info},
      {"tokenize", "text to token ids and back with the model's tokenizer", cmd_tokenize},
      {"eval", "perplexity of a model on a text (GPTQ protocol)", cmd_eval},
      {"quantize", "quantize a model by a scheme or per-layer plan (RTN) and evaluate it", cmd_quantize},
#if SRS_WITH_HDF5
      {"analyze", "DeltaLoss sensitivity per layer and option, saved to a project file", cmd_analyze},
      {"allocate", "best per-layer plan under an average-bit budget from a project", cmd_allocate},
#endif
  };
  return table;
}

}  // namespace srs::cli
