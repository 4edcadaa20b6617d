#include "pipeline/compute_threads.h"

#include <ATen/Parallel.h>

#include <thread>

namespace srs {

int set_compute_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  at::set_num_threads(n);
  return n;
}

}  // namespace srs
