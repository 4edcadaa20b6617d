#pragma once
// Calibration data: text or JSONL files -> `nsamples` token windows of `seqlen`, seeded.
#include <cstdint>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace srs {

struct CalibrationSpec {
  std::vector<std::string> paths;  // files or folders (folders: every *.txt and *.jsonl inside, sorted)
  int64_t nsamples = 16;
  int64_t seqlen = 256;
  uint64_t seed = 42;
};

struct CalibrationSet {
  int64_t seqlen = 0;
  std::vector<std::vector<int32_t>> samples;  // nsamples x seqlen
  std::string token_hash;                     // FNV-1a of all ids, for change detection
};

// Samples, as auto-round builds them from a dataset of documents:
// - a .jsonl file holds one document per line in its "text" field;
// - a .txt file is one document.
// Each document is tokenized without special tokens. A document shorter than seqlen is dropped
// (as the reference drops short samples); a longer one is cut into non-overlapping windows of
// seqlen (a remainder is dropped). The windows of all files are shuffled with `seed` (a
// portable Fisher-Yates on a 64-bit Mersenne Twister) and the first nsamples are kept.
// Throws srs::Error naming the files when they hold fewer than nsamples windows, with the
// number found and how much text would be needed.
CalibrationSet build_calibration_set(const CalibrationSpec& spec, const Tokenizer& tokenizer);

}  // namespace srs
