#pragma once
// The naive allocations the paper compares DeltaLoss against (algorithm.md §4): every layer at
// a low option, then the items of the first (or last) blocks raised to a high option one by
// one, in block order, stopping at the first item that no longer fits the budget (so the
// raised layers stay one contiguous run of blocks). Groups, locks and the lm_head rule of the
// allocator apply, so both plans fill the same budget under the same constraints.
#include "allocate/allocator.h"

namespace srs {

enum class NaiveOrder { first_blocks, last_blocks };

// Throws srs::Error when the target is outside the allocator's feasible range, when
// low_option or high_option is out of range, or when the all-low start already exceeds it.
QuantPlan naive_plan(const Allocator& allocator, double avg_bits, int low_option, int high_option, NaiveOrder order);

// The paper's comparison: low = the cheapest option, high = the dearest (by the cost of the
// table's first layer; every option's cost grows the same way with a layer's size).
QuantPlan naive_plan(const Allocator& allocator, double avg_bits, NaiveOrder order);

}  // namespace srs
