#pragma once
// A small declarative option parser for the CLI subcommands: each command declares its
// options (with help text), parse() fills them and prints --help.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace srs::cli {

class Args {
 public:
  Args(std::string command, std::string summary, std::string usage);

  void flag(const std::string& name, const std::string& help);
  void option(const std::string& name, const std::string& value_name, const std::string& help,
              const std::string& default_value = "");
  void positional(const std::string& name, const std::string& help);
  // An option that may be given several times (e.g. --lock A=W4A16 --lock B=W8A16).
  void repeated(const std::string& name, const std::string& value_name, const std::string& help);
  // Options that every command accepts: --threads, --device, --json, --quiet.
  void common();

  // Returns false when --help was printed. Throws srs::Error on unknown or missing arguments.
  bool parse(const std::vector<std::string>& argv);

  bool has(const std::string& name) const;
  std::string get(const std::string& name) const;  // "" when unset and no default
  int64_t get_int(const std::string& name) const;
  double get_double(const std::string& name) const;
  // Every value of an option, in command-line order, with comma-separated values split
  // (--options W2A16,W4A16 or --calib a.txt --calib b.txt). A lock like LAYER=OPTION has no comma.
  std::vector<std::string> get_list(const std::string& name) const;
  bool flag_set(const std::string& name) const;
  std::string help_text() const;

 private:
  struct Spec {
    std::string name, value_name, help, default_value;
    bool is_flag = false;
    bool is_positional = false;
    bool is_repeated = false;
  };
  const Spec* find(const std::string& name) const;

  std::string command_, summary_, usage_;
  std::vector<Spec> specs_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> repeated_values_;
};

}  // namespace srs::cli
