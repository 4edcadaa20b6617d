#include "cli/commands.h"

namespace srs::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {};
  return table;
}

}  // namespace srs::cli
