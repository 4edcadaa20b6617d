#pragma once
// Shared by the tokenizer fuzz targets: where the committed golden tokenizers are, and a check
// that aborts so libFuzzer reports the input.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace srs::fuzz {

// tests/golden: the SRS_GOLDEN_DIR compile definition, else the environment variable of the
// same name (run with SRS_GOLDEN_DIR=$PWD/tests/golden).
inline std::string golden_dir() {
#ifdef SRS_GOLDEN_DIR
  return SRS_GOLDEN_DIR;
#else
  const char* dir = std::getenv("SRS_GOLDEN_DIR");
  if (!dir) {
    std::fprintf(stderr, "set SRS_GOLDEN_DIR to the repository's tests/golden folder\n");
    std::abort();
  }
  return dir;
#endif
}

inline void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokenizer fuzz check failed: %s\n", what);
    std::abort();
  }
}

}  // namespace srs::fuzz
