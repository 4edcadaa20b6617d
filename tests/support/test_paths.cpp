#include "test_paths.h"

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace fs = std::filesystem;

namespace srs::test {

std::string golden(const std::string& rel) { return std::string(SRS_GOLDEN_DIR) + "/" + rel; }
std::string fixture(const std::string& rel) { return std::string(SRS_FIXTURE_DIR) + "/" + rel; }
std::string shared(const std::string& rel) { return std::string(SRS_SHARED_DIR) + "/" + rel; }

std::string demo_model() {
  if (const char* env = std::getenv("SRS_DEMO_MODEL")) return env;
  return std::string(SRS_CACHE_DIR) + "/demo/SmolLM2-135M-Instruct.Q4_1.gguf";
}

bool exists(const std::string& path) { return !path.empty() && fs::exists(path); }

namespace {
std::vector<fs::path>& temp_dirs() {
  static std::vector<fs::path> dirs;
  return dirs;
}
void remove_temp_dirs() {
  std::error_code ec;
  for (const auto& d : temp_dirs()) fs::remove_all(d, ec);
}
}  // namespace

std::string temp_dir() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(remove_temp_dirs); });
  std::string tmpl = (fs::temp_directory_path() / "srs-test-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) std::abort();
  temp_dirs().push_back(tmpl);
  return tmpl;
}

}  // namespace srs::test
