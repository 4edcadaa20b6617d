// signround tokenize: text -> token ids with the model's own tokenizer.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/model_files.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs::cli {

int cmd_tokenize(const Argv& argv) {
  Args args("tokenize", "Tokenize text with a model's tokenizer and print the ids (or decode ids).",
            "--model M (--text FILE | --string S | --decode IDS) [--no-special] [--json]");
  args.option("model", "M", "HF model folder or .gguf file");
  args.option("text", "FILE", "text file to tokenize");
  args.option("string", "S", "text given on the command line");
  args.option("decode", "IDS", "comma-separated ids to turn back into text");
  args.flag("no-special", "do not add BOS/EOS");
  args.flag("count", "print only the number of tokens");
  args.flag("json", "print as JSON");
  if (!args.parse(argv)) return 0;
  if (args.get("model").empty()) throw Error("signround tokenize: --model is required");

  const ModelFiles m = open_model_files(args.get("model"));
  const Tokenizer& tok = require_tokenizer(m);
  if (!args.get("decode").empty()) {
    std::vector<int32_t> ids;
    for (const auto& item : args.get_list("decode")) {
      try {
        ids.push_back(static_cast<int32_t>(std::stol(item)));
      } catch (const std::exception&) {
        throw Error("signround tokenize: --decode expects comma-separated integers, got '" + item + "'");
      }
    }
    std::cout << tok.decode(ids) << "\n";
    return 0;
  }
  std::string text;
  if (!args.get("text").empty())
    text = read_file(args.get("text"));
  else if (args.has("string"))
    text = args.get("string");
  else
    throw Error("signround tokenize: give --text FILE, --string S or --decode IDS");

  const std::vector<int32_t> ids = tok.encode(text, !args.flag_set("no-special"));
  if (args.flag_set("json")) {
    nlohmann::json j = {{"count", ids.size()}};
    if (!args.flag_set("count")) j["ids"] = ids;
    std::cout << j.dump() << "\n";
  } else if (args.flag_set("count")) {
    std::cout << ids.size() << "\n";
  } else {
    for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
    std::cout << "\n";
  }
  return 0;
}

}  // namespace srs::cli
