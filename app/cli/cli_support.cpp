#include "cli/cli_support.h"

#include "pipeline/compute_threads.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace srs::cli {

int apply_threads(const Args& args) {
  return set_compute_threads(args.get("threads").empty() ? 0 : static_cast<int>(args.get_int("threads")));
}

std::string format_seconds(double s) {
  char buf[32];
  const int total = static_cast<int>(s + 0.5);
  if (total >= 3600)
    std::snprintf(buf, sizeof(buf), "%dh%02dm", total / 3600, (total / 60) % 60);
  else
    std::snprintf(buf, sizeof(buf), "%dm%02ds", total / 60, total % 60);
  return buf;
}

void ProgressPrinter::operator()(const Progress& p) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  if (p.stage != stage_) {  // a new stage restarts the clock the ETA is based on
    if (printed_) std::fputc('\n', stderr);
    stage_ = p.stage;
    start_ = now;
    printed_ = false;
  }
  const bool last = p.total > 0 && p.done >= p.total;
  if (!last && printed_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string eta = "--";
  if (p.done > 0 && p.total > 0) eta = format_seconds(elapsed * static_cast<double>(p.total - p.done) / p.done);
  std::fprintf(stderr, "\r%-16s %lld/%lld  %s elapsed  ETA %s  %s\x1b[K", p.stage.c_str(), static_cast<long long>(p.done),
               static_cast<long long>(p.total), format_seconds(elapsed).c_str(), eta.c_str(), p.message.c_str());
  printed_ = true;
}

namespace {
CancelToken g_sigint_token;
void on_sigint(int) {
  if (g_sigint_token.cancelled()) std::_Exit(130);
  g_sigint_token.cancel();
}
}  // namespace

CancelToken& sigint_cancel_token() {
  std::signal(SIGINT, on_sigint);
  return g_sigint_token;
}

ProgressPrinter::~ProgressPrinter() {
  if (printed_) std::fputc('\n', stderr);
}

}  // namespace srs::cli
