#include "allocate/allocator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <regex>

#include "util/error.h"

namespace srs {

namespace {

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

std::string format_bits(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

// Option's code bits per weight for a layer (bits x params / params).
double nominal_bits(const LayerSensitivity& l, int option) {
  return static_cast<double>(l.bits_no_overhead[option]) / static_cast<double>(l.params);
}

}  // namespace

int64_t Allocator::cost(int layer, int option) const {
  const auto& l = table_.layers[layer];
  return settings_.count_overhead ? l.bits[option] : l.bits_no_overhead[option];
}

Allocator::Allocator(SensitivityTable table, AllocationSettings settings)
    : table_(std::move(table)), settings_(std::move(settings)) {
  table_.validate("sensitivity table");
  const int n = static_cast<int>(table_.layers.size());
  const int n_opt = static_cast<int>(table_.options.size());

  std::vector<int> lock(n, -1);
  for (const auto& [name, option] : settings_.locks) {
    const int i = table_.find_layer(name);
    if (i < 0) throw Error("locked layer \"" + name + "\" is not in the sensitivity table; check the module name");
    if (option < 0 || option >= n_opt)
      throw Error("locked layer \"" + name + "\": option index " + std::to_string(option) + " is outside the " +
                  std::to_string(n_opt) + " options");
    lock[i] = option;
  }
  std::vector<char> quantized(n);
  for (int i = 0; i < n; ++i)
    quantized[i] = table_.layers[i].kind != LayerKind::lm_head || settings_.quantize_lm_head || lock[i] >= 0;

  UnionFind uf(n);
  if (settings_.group_fused) {
    std::map<std::pair<int, int>, int> first;  // (block, fused family) -> first layer
    for (int i = 0; i < n; ++i) {
      const auto& l = table_.layers[i];
      if (!quantized[i] || l.block < 0) continue;
      int family = -1;
      if (l.kind == LayerKind::q || l.kind == LayerKind::k || l.kind == LayerKind::v) family = 0;
      if (l.kind == LayerKind::gate || l.kind == LayerKind::up) family = 1;
      if (family < 0) continue;
      auto [it, fresh] = first.emplace(std::make_pair(l.block, family), i);
      if (!fresh) uf.unite(it->second, i);
    }
  }
  for (const auto& group : settings_.shared_layers) {
    std::vector<std::regex> res;
    for (const auto& pattern : group) {
      try {
        res.emplace_back(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        throw Error("shared layer pattern \"" + pattern + "\" is not a valid regular expression: " + e.what());
      }
    }
    std::map<int, int> first;  // block -> first matching layer
    for (int i = 0; i < n; ++i) {
      if (!quantized[i]) continue;
      const bool match = std::any_of(res.begin(), res.end(),
                                     [&](const std::regex& re) { return std::regex_search(table_.layers[i].name, re); });
      if (!match) continue;
      auto [it, fresh] = first.emplace(table_.layers[i].block, i);
      if (!fresh) uf.unite(it->second, i);
    }
  }

  std::vector<int> item_of(n, -1);
  for (int i = 0; i < n; ++i) {
    if (!quantized[i]) continue;
    const int root = uf.find(i);
    if (item_of[root] < 0) {
      item_of[root] = static_cast<int>(items_.size());
      items_.emplace_back();
      items_.back().block = table_.layers[i].block;
    }
    auto& item = items_[item_of[root]];
    item.layers.push_back(i);
    params_ += table_.layers[i].params;
    if (lock[i] >= 0) {
      if (item.locked_option >= 0 && item.locked_option != lock[i])
        throw Error("layers \"" + table_.layers[item.layers.front()].name + "\" and \"" + table_.layers[i].name +
                    "\" must share an option (fused or grouped) but are locked to " +
                    table_.options[item.locked_option] + " and " + table_.options[lock[i]] +
                    "; lock them to the same option");
      item.locked_option = lock[i];
    }
  }

  item_of_layer_.assign(static_cast<size_t>(n), -1);
  for (size_t it = 0; it < items_.size(); ++it)
    for (int i : items_[it].layers) item_of_layer_[static_cast<size_t>(i)] = static_cast<int>(it);

  for (size_t it = 0; it < items_.size(); ++it) {
    auto& item = items_[it];
    for (int k = 0; k < n_opt; ++k) {
      bool allowed = true;
      for (int i : item.layers) {
        const auto& l = table_.layers[i];
        if (l.kind != LayerKind::lm_head) continue;
        // Prefer >= 6-bit options for lm_head when any exist (auto-round's head trick).
        bool any_high = false;
        for (int j = 0; j < n_opt; ++j) any_high |= nominal_bits(l, j) >= 6.0 - 1e-9;
        if (any_high && nominal_bits(l, k) < 6.0 - 1e-9) allowed = false;
      }
      if (allowed) item.options.push_back(k);
    }
    if (item.locked_option >= 0) {
      for (int i : item.layers) locked_bits_ += cost(i, item.locked_option);
      continue;
    }
    KnapsackItem choices;
    for (int k : item.options) {
      KnapsackChoice c;
      for (int i : item.layers) {
        c.bits += cost(i, k);
        c.loss += table_.layers[i].score[k];
      }
      choices.push_back(c);
    }
    free_.push_back(static_cast<int>(it));
    knapsack_.push_back(std::move(choices));
  }

  min_bits_ = max_bits_ = locked_bits_;
  for (const auto& choices : knapsack_) {
    int64_t lo = choices[0].bits, hi = choices[0].bits;
    for (const auto& c : choices) {
      lo = std::min(lo, c.bits);
      hi = std::max(hi, c.bits);
    }
    min_bits_ += lo;
    max_bits_ += hi;
  }
}

double Allocator::min_avg_bits() const {
  return params_ > 0 ? static_cast<double>(min_bits_) / static_cast<double>(params_) : 0.0;
}
double Allocator::max_avg_bits() const {
  return params_ > 0 ? static_cast<double>(max_bits_) / static_cast<double>(params_) : 0.0;
}

int64_t Allocator::budget_for(double avg_bits) const {
  if (params_ == 0) throw Error("bit allocation: no layer is quantized (the table is empty or holds only lm_head)");
  const double lo = min_avg_bits(), hi = max_avg_bits();
  // A target equal to a bound up to rounding (as printed to the user) snaps to it.
  const double tol = 1e-9 * std::max(1.0, hi);
  if (!std::isfinite(avg_bits) || avg_bits < lo - tol || avg_bits > hi + tol) {
    std::string opts;
    for (const auto& o : table_.options) opts += (opts.empty() ? "" : ", ") + o;
    throw Error("bit allocation: target of " + format_bits(avg_bits) + " bits per weight is outside the feasible range [" +
                format_bits(lo) + ", " + format_bits(hi) + "] for options " + opts +
                (settings_.count_overhead ? " (scale and zero-point bits counted" : " (codes only") +
                (locked_bits_ > 0 ? ", locked layers included)" : ")") + "; choose a target inside the range");
  }
  // In double, as auto-round computes int(total_params * target_bits).
  const auto budget = static_cast<int64_t>(std::floor(static_cast<double>(params_) * avg_bits));
  return std::clamp(budget, min_bits_, max_bits_);
}

QuantPlan Allocator::make_plan(const std::vector<int>& free_item_option, double target_avg_bits,
                               int64_t budget_bits) const {
  if (free_item_option.size() != free_.size())
    throw Error("bit allocation: " + std::to_string(free_item_option.size()) + " choices given for " +
                std::to_string(free_.size()) + " free items");
  QuantPlan plan;
  plan.choice.assign(table_.layers.size(), -1);
  plan.locked.assign(table_.layers.size(), 0);
  plan.target_avg_bits = target_avg_bits;
  plan.count_overhead = settings_.count_overhead;
  plan.budget_bits = budget_bits;
  for (const auto& item : items_)
    if (item.locked_option >= 0)
      for (int i : item.layers) plan.choice[i] = item.locked_option;
  for (size_t f = 0; f < free_.size(); ++f)
    for (int i : items_[free_[f]].layers) plan.choice[i] = free_item_option[f];
  for (const auto& [name, option] : settings_.locks) plan.locked[table_.find_layer(name)] = 1;
  evaluate_plan(table_, plan);
  return plan;
}

QuantPlan Allocator::solve(double avg_bits) const {
  const int64_t budget = budget_for(avg_bits);
  const auto sol = solve_knapsack(knapsack_, budget - locked_bits_);
  if (!sol) throw Error("bit allocation: no selection fits the budget");  // budget_for rules this out
  std::vector<int> option(free_.size());
  for (size_t f = 0; f < free_.size(); ++f) option[f] = items_[free_[f]].options[sol->choices[f]];
  return make_plan(option, avg_bits, budget);
}

}  // namespace srs
