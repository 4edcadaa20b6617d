#include "tokenizer/bpe_merges.h"

#include <queue>

namespace srs {

void MergeTable::apply(std::vector<int32_t>& symbols) const {
  const int n = static_cast<int>(symbols.size());
  if (n < 2) return;
  // Symbols form a linked list over the initial positions; a merged-away symbol has id -1.
  std::vector<int> prev(n), next(n);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    double priority;
    int pos;
    int32_t merged;
    bool operator>(const Candidate& o) const {
      return priority != o.priority ? priority > o.priority : pos > o.pos;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  const auto push = [&](int pos) {
    if (pos < 0 || next[pos] < 0) return;
    if (const Merge* m = find(symbols[pos], symbols[next[pos]])) queue.push({m->priority, pos, m->merged});
  };
  for (int i = 0; i + 1 < n; ++i) push(i);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    // Entries go stale when a neighbour merged first; the pair is still valid when it would
    // produce the same token (the check HF makes).
    if (symbols[c.pos] < 0 || next[c.pos] < 0) continue;
    const Merge* m = find(symbols[c.pos], symbols[next[c.pos]]);
    if (!m || m->merged != c.merged) continue;
    const int right = next[c.pos];
    symbols[c.pos] = c.merged;
    symbols[right] = -1;
    next[c.pos] = next[right];
    if (next[right] >= 0) prev[next[right]] = c.pos;
    push(prev[c.pos]);
    push(c.pos);
  }
  size_t out = 0;
  for (int i = 0; i < n; ++i)
    if (symbols[i] >= 0) symbols[out++] = symbols[i];
  symbols.resize(out);
}

}  // namespace srs
