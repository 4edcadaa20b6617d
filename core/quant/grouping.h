#pragma once
// Groups a weight's rows into quantization groups the way auto-round does
// (reshape_pad_tensor_by_group_size / revert_tensor_by_pad): [out, in] becomes
// [out * ceil(in / G), G], the last group of each row padded with zeros. G = -1 or in < G keeps
// one group per row (no padding); G = 0 makes the whole tensor one group. Tunables, scales and
// zero points are indexed by these group rows.
#include <ATen/ATen.h>

#include <cstdint>

namespace srs {

struct GroupLayout {
  int64_t out = 0;    // rows of the 2-D weight (all leading dims of an activation)
  int64_t in = 0;     // columns (the last dim)
  int64_t rows = 0;   // group rows: out * groups_per_row, or 1 per tensor
  int64_t group = 0;  // columns per group row, padding included
  int64_t pad = 0;    // zero columns appended to each weight row
  int64_t groups_per_row() const { return out == 0 ? 0 : rows / out; }
};

GroupLayout group_layout(int64_t out, int64_t in, int group_size);

// [out, in] (or any shape whose last dim is `in`) -> [rows, group], zero padded.
at::Tensor to_groups(const at::Tensor& t, const GroupLayout& g);

// [rows, group] -> [out, in] with the padding dropped; differentiable.
at::Tensor from_groups(const at::Tensor& grouped, const GroupLayout& g);

// One value per group row, [rows] or [rows, 1] -> [rows, group] expanded view.
at::Tensor per_group(const at::Tensor& v, const GroupLayout& g);

}  // namespace srs
