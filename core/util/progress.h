#pragma once
// Progress reporting and cooperative cancellation for long core jobs.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "util/error.h"

namespace srs {

struct Progress {
  std::string stage;    // e.g. "eval", "analyze W2A16"
  int64_t done = 0;
  int64_t total = 0;
  std::string message;
};

using ProgressFn = std::function<void(const Progress&)>;

// Shared between the job and whoever may stop it (the GUI thread, a signal handler).
class CancelToken {
 public:
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  // Call between iterations: throws srs::Cancelled once cancel() was called.
  void check() const {
    if (cancelled()) throw Cancelled();
  }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace srs
