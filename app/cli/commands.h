#pragma once
// The CLI subcommands; each returns the process exit code.
#include <string>
#include <vector>

namespace srs::cli {

using Argv = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Argv& args);
};

const std::vector<Command>& commands();

}  // namespace srs::cli
