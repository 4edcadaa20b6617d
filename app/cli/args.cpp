#include "cli/args.h"

#include <iostream>
#include <sstream>

#include "util/error.h"

namespace srs::cli {

Args::Args(std::string command, std::string summary, std::string usage)
    : command_(std::move(command)), summary_(std::move(summary)), usage_(std::move(usage)) {
  flag("help", "show this help");
}

void Args::flag(const std::string& name, const std::string& help) {
  Spec s;
  s.name = name;
  s.help = help;
  s.is_flag = true;
  specs_.push_back(s);
}

void Args::option(const std::string& name, const std::string& value_name, const std::string& help,
                  const std::string& default_value) {
  Spec s;
  s.name = name;
  s.value_name = value_name;
  s.help = help;
  s.default_value = default_value;
  specs_.push_back(s);
}

void Args::positional(const std::string& name, const std::string& help) {
  Spec s;
  s.name = name;
  s.help = help;
  s.is_positional = true;
  specs_.push_back(s);
}

void Args::repeated(const std::string& name, const std::string& value_name, const std::string& help) {
  Spec s;
  s.name = name;
  s.value_name = value_name;
  s.help = help + " (repeatable)";
  s.is_repeated = true;
  specs_.push_back(s);
}

std::vector<std::string> Args::get_list(const std::string& name) const {
  auto it = repeated_values_.find(name);
  const std::vector<std::string> given = it != repeated_values_.end() ? it->second : std::vector<std::string>{get(name)};
  std::vector<std::string> out;
  for (const auto& v : given) {
    size_t pos = 0;
    while (pos < v.size()) {
      const size_t comma = std::min(v.find(',', pos), v.size());
      if (comma > pos) out.push_back(v.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  return out;
}

void Args::common() {
  option("threads", "N", "CPU threads for LibTorch (default: all cores)");
  option("device", "cpu|cuda", "where tensors live", "cpu");
  flag("json", "print results as JSON on stdout");
  flag("quiet", "no progress on stderr");
}

const Args::Spec* Args::find(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

bool Args::parse(const std::vector<std::string>& argv) {
  size_t next_positional = 0;
  std::vector<const Spec*> positionals;
  for (const auto& s : specs_)
    if (s.is_positional) positionals.push_back(&s);

  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const size_t eq = name.find('=');
      const bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const Spec* s = find(name);
      if (!s || s->is_positional)
        throw Error("signround " + command_ + ": unknown option --" + name + " (see signround " + command_ + " --help)");
      if (s->is_flag) {
        values_[name] = "1";
      } else {
        if (!inline_value) {
          if (i + 1 >= argv.size()) throw Error("signround " + command_ + ": option --" + name + " needs a value");
          value = argv[++i];
        }
        if (s->is_repeated)
          repeated_values_[name].push_back(value);
        else
          values_[name] = value;
      }
    } else {
      if (next_positional >= positionals.size())
        throw Error("signround " + command_ + ": unexpected argument '" + a + "' (see --help)");
      values_[positionals[next_positional++]->name] = a;
    }
  }
  if (flag_set("help")) {
    std::cout << help_text();
    return false;
  }
  for (size_t k = next_positional; k < positionals.size(); ++k)
    throw Error("signround " + command_ + ": missing " + positionals[k]->name + " (see --help)");
  return true;
}

bool Args::has(const std::string& name) const { return values_.count(name) || !get(name).empty(); }

std::string Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) return it->second;
  const Spec* s = find(name);
  return s ? s->default_value : "";
}

int64_t Args::get_int(const std::string& name) const {
  const std::string v = get(name);
  try {
    size_t pos = 0;
    const long long x = std::stoll(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw Error("signround " + command_ + ": --" + name + " expects an integer, got '" + v + "'");
  }
}

double Args::get_double(const std::string& name) const {
  const std::string v = get(name);
  try {
    size_t pos = 0;
    const double x = std::stod(v, &pos);
    if (pos != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    throw Error("signround " + command_ + ": --" + name + " expects a number, got '" + v + "'");
  }
}

bool Args::flag_set(const std::string& name) const { return values_.count(name) && values_.at(name) == "1"; }

std::string Args::help_text() const {
  std::ostringstream os;
  os << "usage: signround " << command_ << " " << usage_ << "\n\n" << summary_ << "\n\n";
  for (const auto& s : specs_) {
    std::string left = s.is_positional ? s.name : "--" + s.name + (s.is_flag ? "" : " " + s.value_name);
    os << "  " << left;
    for (size_t pad = left.size(); pad < 26; ++pad) os << ' ';
    os << " " << s.help;
    if (!s.default_value.empty()) os << " (default " << s.default_value << ")";
    os << "\n";
  }
  return os.str();
}

}  // namespace srs::cli
