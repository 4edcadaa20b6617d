#pragma once
// How many CPU threads LibTorch computes with, settable without including LibTorch.

namespace srs {

// n <= 0: one per core. Returns the count set.
int set_compute_threads(int n);

}  // namespace srs
