#pragma once
// Where tests find committed fixtures, ../shared data and the fetched demo model.
#include <string>

namespace srs::test {

std::string golden(const std::string& rel);   // tests/golden/<rel>
std::string fixture(const std::string& rel);  // tests/fixtures/<rel>
std::string shared(const std::string& rel);   // ../shared/<rel>
// The demo model GGUF fetched by scripts/fetch-demo-model.sh, or "" when it is absent.
std::string demo_model();
bool exists(const std::string& path);
// A fresh empty folder under the system temp dir, removed at exit.
std::string temp_dir();

}  // namespace srs::test

// Skips with a reason that names what is missing and how to get it.
#define SRS_REQUIRE_FILE(path, how)                                                        \
  do {                                                                                     \
    if (!::srs::test::exists(path)) GTEST_SKIP() << "missing " << (path) << ": " << (how); \
  } while (0)
