#include "data/calibration.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/hash.h"

namespace fs = std::filesystem;

namespace srs {

namespace {

std::vector<std::string> expand_paths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (!fs::exists(p)) throw Error(p + ": calibration path does not exist");
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& e : fs::directory_iterator(p)) {
      const auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".txt" || ext == ".jsonl")) inside.push_back(e.path().string());
    }
    if (inside.empty()) throw Error(p + ": calibration folder holds no .txt or .jsonl files");
    std::sort(inside.begin(), inside.end());
    files.insert(files.end(), inside.begin(), inside.end());
  }
  if (files.empty()) throw Error("no calibration files given");
  return files;
}

std::vector<std::string> documents_of(const std::string& file) {
  const std::string content = read_file(file);
  if (fs::path(file).extension() != ".jsonl") return {content};
  std::vector<std::string> docs;
  std::istringstream lines(content);
  std::string line;
  for (int64_t number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw Error(file + ": line " + std::to_string(number) + " is not valid JSON");
    }
    if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
      throw Error(file + ": line " + std::to_string(number) + " has no string field \"text\"");
    docs.push_back(j["text"].get<std::string>());
  }
  return docs;
}

}  // namespace

CalibrationSet build_calibration_set(const CalibrationSpec& s, const Tokenizer& tokenizer) {
  if (s.nsamples < 1) throw Error("calibration: nsamples must be at least 1, got " + std::to_string(s.nsamples));
  if (s.seqlen < 2) throw Error("calibration: seqlen must be at least 2, got " + std::to_string(s.seqlen));
  const std::vector<std::string> files = expand_paths(s.paths);

  std::vector<std::vector<int32_t>> windows;
  int64_t tokens = 0;
  for (const auto& file : files) {
    for (const auto& doc : documents_of(file)) {
      const std::vector<int32_t> ids = tokenizer.encode(doc, false);
      tokens += static_cast<int64_t>(ids.size());
      for (size_t at = 0; at + static_cast<size_t>(s.seqlen) <= ids.size(); at += static_cast<size_t>(s.seqlen))
        windows.emplace_back(ids.begin() + static_cast<std::ptrdiff_t>(at),
                             ids.begin() + static_cast<std::ptrdiff_t>(at + static_cast<size_t>(s.seqlen)));
    }
  }
  if (static_cast<int64_t>(windows.size()) < s.nsamples) {
    std::string names;
    for (const auto& f : files) names += (names.empty() ? "" : ", ") + f;
    throw Error("calibration text too short: " + names + " give " + std::to_string(tokens) + " tokens, " +
                std::to_string(windows.size()) + " windows of " + std::to_string(s.seqlen) + " tokens, but " +
                std::to_string(s.nsamples) + " were asked for (about " + std::to_string(s.nsamples * s.seqlen) +
                " tokens in documents of at least " + std::to_string(s.seqlen) +
                " tokens); add text or lower --nsamples / --seqlen");
  }
  std::mt19937_64 rng(s.seed);
  for (size_t i = windows.size() - 1; i > 0; --i) {
    const size_t j = static_cast<size_t>(rng() % (i + 1));
    std::swap(windows[i], windows[j]);
  }
  windows.resize(static_cast<size_t>(s.nsamples));

  CalibrationSet out;
  out.seqlen = s.seqlen;
  Fnv1a64 h;
  for (const auto& w : windows) h.update(w.data(), w.size() * sizeof(int32_t));
  out.token_hash = h.hex();
  out.samples = std::move(windows);
  return out;
}

}  // namespace srs
