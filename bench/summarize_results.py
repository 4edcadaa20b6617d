#!/usr/bin/env python3
"""Prints the markdown tables of docs/benchmarks.md from the JSON files that
bench/run_demo_benchmarks.sh wrote. Standard library only.

usage: summarize_results.py RESULTS_DIR
"""
import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p) or os.path.getsize(p) == 0:
        return None
    with open(p) as f:
        text = f.read().strip().splitlines()
    return json.loads("\n".join(text)) if text[0].startswith("{") and len(text) > 1 else json.loads(text[-1])


def main():
    d = sys.argv[1]
    print("| scheme | avg bits (ours) | ppl, signround RTN | ppl, auto-round RTN | relative difference |")
    print("|---|---|---|---|---|")
    for s in ["W4A16", "W3A16", "W2A16G64", "MXFP4"]:
        ours, ref = load(d, f"rtn_{s}.json"), load(d, f"rtn_{s}_autoround.json")
        if not ours:
            continue
        rp = ref["perplexity"] if ref else float("nan")
        print(f"| {s} | {ours['avg_bits']:.4f} | {ours['perplexity']:.4f} | {rp:.4f} | "
              f"{(ours['perplexity'] - rp) / rp * 100:+.3f}% |")
    print()
    print("| calibration seqlen | plan at 3.0 bits (W2A16/W4A16) | achieved avg bits | predicted loss | ppl (RTN) |")
    print("|---|---|---|---|---|")
    for seqlen in sorted({f.split("_")[-1][:-5] for f in os.listdir(d) if f.startswith("ablation_") and f.endswith(".json")}, key=int):
        for s in ["deltaloss", "first-blocks", "last-blocks"]:
            a, q = load(d, f"allocate_{s}_{seqlen}.json"), load(d, f"ablation_{s}_{seqlen}.json")
            if a and q:
                print(f"| {seqlen} | {s} | {a['avg_bits']:.4f} | {a['predicted_loss']:.1f} | {q['perplexity']:.4f} |")
    print()
    analyses = sorted(f for f in os.listdir(d) if f.startswith("analyze_w2w4"))
    for name in analyses + ["analyze_5options.json", "memory_8.json", "memory_32.json"]:
        r = load(d, name)
        if r:
            print(f"- {name}: options {','.join(r['options'])}, {len(r['layers'])} layers, {r['seconds']:.1f} s, "
                  f"peak RSS {r['peak_rss_mib']:.0f} MiB, {r['threads']} threads")


if __name__ == "__main__":
    main()
