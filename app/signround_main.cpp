// signround: the SignRound Studio engine, headless. Argument dispatch only; logic lives in core.
#include <exception>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "util/error.h"

namespace {

void print_usage() {
  std::cout << "usage: signround COMMAND [options]   (signround COMMAND --help for details)\n\ncommands:\n";
  for (const auto& c : srs::cli::commands()) {
    std::string name = c.name;
    name.resize(12, ' ');
    std::cout << "  " << name << c.summary << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    print_usage();
    return argc < 2 ? 2 : 0;
  }
  const std::string name = argv[1];
  for (const auto& c : srs::cli::commands()) {
    if (name != c.name) continue;
    try {
      return c.run(srs::cli::Argv(argv + 2, argv + argc));
    } catch (const srs::Cancelled&) {
      std::cerr << "signround " << name << ": cancelled\n";
      return 130;
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "signround: unknown command '" << name << "'\n";
  print_usage();
  return 2;
}
