#pragma once
// The one error type the core throws. Its message names the file, tensor or setting,
// says what is wrong and what to do; the CLI prints it and exits non-zero, the GUI shows it.
#include <stdexcept>
#include <string>

namespace srs {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when a CancelToken fires; callers treat it as "stopped by the user", not as a failure.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

}  // namespace srs
