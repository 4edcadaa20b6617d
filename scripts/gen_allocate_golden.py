#!/usr/bin/env python3
"""Golden plans from auto-round's DP (auto_scheme/delta_loss.py, choose_bits_per_layer_with_path).

Builds a SmolLM2-135M-shaped score table (30 blocks x 7 Linear; hidden 576, intermediate 1536,
kv dim 192) with seeded random DeltaLoss scores and bit costs from algorithm.md §3.3
(b*N + N/128*(16 + b)), groups q/k/v and gate/up per block the way auto-round's shared_layers
does (a group's cost and loss are sums over its layers, in layer order), and runs auto-round's DP
at several average-bit targets, with and without scale/zero-point bits.

    /work/refvenv/bin/python scripts/gen_allocate_golden.py  # writes tests/golden/allocate/smollm_dp.json
"""
import json
import os

import numpy as np
from auto_round.auto_scheme.delta_loss import choose_bits_per_layer_with_path

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "golden", "allocate", "smollm_dp.json")
OPTIONS = [("W2A16", 2), ("W3A16", 3), ("W4A16", 4), ("W8A16", 8)]
LINEARS = [("self_attn.q_proj", "q", 576 * 576), ("self_attn.k_proj", "k", 576 * 192),
           ("self_attn.v_proj", "v", 576 * 192), ("self_attn.o_proj", "o", 576 * 576),
           ("mlp.gate_proj", "gate", 576 * 1536), ("mlp.up_proj", "up", 576 * 1536),
           ("mlp.down_proj", "down", 1536 * 576)]
FUSED = {"q": 0, "k": 0, "v": 0, "gate": 1, "up": 1}


def main():
    rng = np.random.default_rng(20261204)
    layers = []
    for b in range(30):
        for name, kind, n in LINEARS:
            sensitivity = rng.uniform(0.1, 1.0) * (4.0 if b < 2 else 1.0)
            layers.append({
                "name": f"model.layers.{b}.{name}", "block": b, "kind": kind, "params": n,
                "score": [float(sensitivity * 4.0 ** -bits * rng.uniform(0.7, 1.3)) for _, bits in OPTIONS],
                "bits": [bits * n + n // 128 * (16 + bits) for _, bits in OPTIONS],
                "bits_no_overhead": [bits * n for _, bits in OPTIONS],
            })

    # Items in order of their first layer, as the C++ allocator and auto-round's dict order.
    items, item_of = [], {}
    for i, l in enumerate(layers):
        key = (l["block"], FUSED[l["kind"]]) if l["kind"] in FUSED else ("single", i)
        if key not in item_of:
            item_of[key] = len(items)
            items.append([])
        items[item_of[key]].append(i)

    total = sum(l["params"] for l in layers)
    cases = []
    for count_overhead in (True, False):
        cost = "bits" if count_overhead else "bits_no_overhead"
        for avg in (2.3, 2.75, 3.0, 3.5, 4.2, 6.0):
            dp_in = {}
            for members in items:
                opts = []
                for k, (opt, _) in enumerate(OPTIONS):
                    bits = sum(layers[i][cost][k] for i in members)
                    loss = 0.0
                    for i in members:
                        loss += layers[i]["score"][k]
                    opts.append((k, bits, loss, [layers[i]["name"] for i in members]))
                dp_in[layers[members[0]]["name"]] = opts
            budget = int(total * avg)
            loss, path = choose_bits_per_layer_with_path(dp_in, budget)
            choice = [None] * len(layers)
            for names, k in path:
                for nm in names:
                    choice[next(i for i, l in enumerate(layers) if l["name"] == nm)] = k
            used = sum(layers[i][cost][choice[i]] for i in range(len(layers)))
            cases.append({"avg_bits": avg, "count_overhead": count_overhead, "budget_bits": budget,
                          "loss": loss, "bits": used, "choice": choice})
            print(f"overhead={count_overhead} avg={avg}: loss {loss:.6g}, {used / total:.4f} bits/weight")

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"source": "auto_round.auto_scheme.delta_loss.choose_bits_per_layer_with_path",
                   "options": [o for o, _ in OPTIONS], "layers": layers, "cases": cases}, f, indent=1)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
