#include "allocate/score_csv.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool starts_with(const std::string& s, const std::string& head) { return s.compare(0, head.size(), head) == 0; }

}  // namespace

std::string scores_to_csv(const SensitivityTable& table) {
  table.validate("scores CSV");
  auto plain = [](const std::string& s) { return s.find_first_of(",\"\r\n") == std::string::npos; };
  std::string out = "layer,block,kind,params";
  for (const char* prefix : {"score:", "bits:", "bits_no_overhead:"})
    for (const auto& o : table.options) {
      if (!plain(o)) throw Error("scores CSV: option name \"" + o + "\" contains a comma, quote or line break");
      out += std::string(",") + prefix + o;
    }
  out += "\n";
  char buf[40];
  for (const auto& l : table.layers) {
    if (!plain(l.name)) throw Error("scores CSV: layer name \"" + l.name + "\" contains a comma, quote or line break");
    out += l.name + "," + std::to_string(l.block) + "," + to_string(l.kind) + "," + std::to_string(l.params);
    for (double s : l.score) {
      std::snprintf(buf, sizeof buf, "%.17g", s);
      out += std::string(",") + buf;
    }
    for (int64_t b : l.bits) out += "," + std::to_string(b);
    for (int64_t b : l.bits_no_overhead) out += "," + std::to_string(b);
    out += "\n";
  }
  return out;
}

SensitivityTable scores_from_csv(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw Error(source + ": empty file; expected a header line");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::vector<std::string> header = split(line);
  if (header.size() < 4 || header[0] != "layer" || header[1] != "block" || header[2] != "kind" ||
      header[3] != "params" || (header.size() - 4) % 3 != 0)
    throw Error(source + ": header must be layer,block,kind,params then score:<opt>..., bits:<opt>..., "
                         "bits_no_overhead:<opt>... columns");
  SensitivityTable table;
  const size_t k = (header.size() - 4) / 3;
  for (size_t j = 0; j < k; ++j) {
    const std::string& s = header[4 + j];
    if (!starts_with(s, "score:")) throw Error(source + ": header column " + std::to_string(5 + j) + " \"" + s +
                                               "\" should be score:<option>");
    table.options.push_back(s.substr(6));
    if (header[4 + k + j] != "bits:" + table.options.back() ||
        header[4 + 2 * k + j] != "bits_no_overhead:" + table.options.back())
      throw Error(source + ": header must list bits:" + table.options.back() + " and bits_no_overhead:" +
                  table.options.back() + " in the same order as the score columns");
  }
  size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string at = source + ":" + std::to_string(line_no);
    const std::vector<std::string> cells = split(line);
    if (cells.size() != header.size())
      throw Error(at + ": " + std::to_string(cells.size()) + " columns, the header has " +
                  std::to_string(header.size()));
    auto integer = [&](size_t c) {
      const std::string& s = cells[c];
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || *end != '\0' || errno == ERANGE)
        throw Error(at + ": column " + header[c] + " holds \"" + s + "\", not an integer");
      return static_cast<int64_t>(v);
    };
    auto real = [&](size_t c) {
      const std::string& s = cells[c];
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0') throw Error(at + ": column " + header[c] + " holds \"" + s + "\", not a number");
      return v;
    };
    LayerSensitivity l;
    l.name = cells[0];
    const int64_t block = integer(1);
    if (block < -1 || block > 1000000) throw Error(at + ": block index " + cells[1] + " is out of range");
    l.block = static_cast<int>(block);
    l.kind = parse_layer_kind(cells[2], at);
    l.params = integer(3);
    for (size_t j = 0; j < k; ++j) {
      l.score.push_back(real(4 + j));
      l.bits.push_back(integer(4 + k + j));
      l.bits_no_overhead.push_back(integer(4 + 2 * k + j));
    }
    table.layers.push_back(std::move(l));
  }
  table.validate(source);
  return table;
}

void write_scores_csv(const std::string& path, const SensitivityTable& table) {
  write_file_atomic(path, scores_to_csv(table));
}

SensitivityTable read_scores_csv(const std::string& path) { return scores_from_csv(read_file(path), path); }

}  // namespace srs
