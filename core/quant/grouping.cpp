#include "quant/grouping.h"

namespace srs {

GroupLayout group_layout(int64_t out, int64_t in, int group_size) {
  GroupLayout g;
  g.out = out;
  g.in = in;
  if (group_size == 0) {
    g.rows = 1;
    g.group = out * in;
  } else if (group_size == -1 || in < group_size) {
    g.rows = out;
    g.group = in;
  } else {
    const int64_t per_row = (in + group_size - 1) / group_size;
    g.rows = out * per_row;
    g.group = group_size;
    g.pad = per_row * group_size - in;
  }
  return g;
}

at::Tensor to_groups(const at::Tensor& t, const GroupLayout& g) {
  at::Tensor flat = t.reshape({g.out, g.in});
  if (g.pad > 0) flat = at::constant_pad_nd(flat, {0, g.pad}, 0.0);
  return flat.reshape({g.rows, g.group});
}

at::Tensor from_groups(const at::Tensor& grouped, const GroupLayout& g) {
  at::Tensor flat = grouped.reshape({g.out, g.in + g.pad});
  if (g.pad > 0) flat = flat.slice(1, 0, g.in);
  return flat;
}

at::Tensor per_group(const at::Tensor& v, const GroupLayout& g) {
  return v.reshape({g.rows, 1}).expand({g.rows, g.group});
}

}  // namespace srs
