#pragma once
// Pieces every CLI command shares: thread and device setup, progress lines with ETA on
// stderr, and reading text files.
#include <chrono>
#include <string>

#include "cli/args.h"
#include "util/progress.h"

namespace srs::cli {

// Applies --threads (default: all cores) to LibTorch. Returns the thread count used.
int apply_threads(const Args& args);

// Prints "stage  done/total  elapsed  ETA" on one rewritten stderr line, at most every 200 ms.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet) : quiet_(quiet) {}
  ~ProgressPrinter();
  void operator()(const Progress& p);
  ProgressFn fn() {
    return [this](const Progress& p) { (*this)(p); };
  }

 private:
  bool quiet_;
  bool printed_ = false;
  std::string stage_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

std::string format_seconds(double s);

// A token that Ctrl-C (SIGINT) cancels: the first Ctrl-C asks the running job to stop at its
// next check, a second one exits at once.
CancelToken& sigint_cancel_token();

}  // namespace srs::cli
