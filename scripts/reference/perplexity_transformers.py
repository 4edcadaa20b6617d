#!/usr/bin/env python3
"""Reference perplexity with HF transformers, GPTQ protocol, for side-by-side checks of
`signround eval`. Loads a GGUF (dequantized by transformers) or an HF folder.

usage: perplexity_transformers.py MODEL TEXT [--seqlen 2048] [--max-windows N] [--threads N]
                                   [--dtype float32|bfloat16] [--json]

Protocol (GPTQ's eval): tokenize the whole text once (no BOS), cut it into
floor(n/seqlen) non-overlapping windows, average the per-window mean token NLL, ppl = exp(mean).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def load(model_path, dtype):
    if model_path.endswith(".gguf"):
        folder, name = os.path.split(os.path.abspath(model_path))
        tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=dtype)
    else:
        tok = AutoTokenizer.from_pretrained(model_path)
        model = AutoModelForCausalLM.from_pretrained(model_path, torch_dtype=dtype)
    return tok, model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("text")
    ap.add_argument("--seqlen", type=int, default=2048)
    ap.add_argument("--max-windows", type=int, default=0)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tok, model = load(args.model, getattr(torch, args.dtype))
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    ids = tok(text, return_tensors="pt", add_special_tokens=False).input_ids
    n = ids.shape[1] // args.seqlen
    if args.max_windows:
        n = min(n, args.max_windows)
    start = time.time()
    nlls = []
    with torch.no_grad():
        for i in range(n):
            window = ids[:, i * args.seqlen:(i + 1) * args.seqlen]
            logits = model(window).logits.float()
            loss = torch.nn.functional.cross_entropy(logits[0, :-1], window[0, 1:])
            nlls.append(loss.item())
            print(f"\rwindow {i + 1}/{n} running ppl {math.exp(sum(nlls) / len(nlls)):.4f}", end="", file=sys.stderr)
    print(file=sys.stderr)
    mean = sum(nlls) / n
    result = {"model": args.model, "text": args.text, "seqlen": args.seqlen, "windows": n, "tokens": int(ids.shape[1]),
              "mean_nll": mean, "perplexity": math.exp(mean), "seconds": time.time() - start,
              "dtype": args.dtype, "torch": torch.__version__}
    print(json.dumps(result) if args.json else f"perplexity {result['perplexity']:.4f} over {n} windows of {args.seqlen}")


if __name__ == "__main__":
    main()
