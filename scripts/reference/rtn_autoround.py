#!/usr/bin/env python3
"""auto-round's RTN (iters=0, plain RTN: disable_opt_rtn) on an HF folder, then perplexity of
the fake-quantized model with the GPTQ protocol, for side-by-side checks of
`signround quantize --method rtn --eval-text`.

usage: rtn_autoround.py HF_DIR SCHEME TEXT [--seqlen 2048] [--max-windows N] [--threads N] [--json]

The model is evaluated in memory right after auto-round's quantize(): auto-round 0.16.1's fake
export restores some schemes' weights (W3A16 seen) to the original fp32 values on save, so a
saved-and-reloaded model would not be the quantized one.

For schemes that quantize activations (MXFP4, MXFP8, NVFP4) auto-round's in-memory model holds
only qdq weights; activations are then quantized at evaluation time with auto-round's own
activation quantizer through forward pre-hooks on every quantized Linear.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
from transformers import AutoTokenizer


def quantize(hf_dir, scheme):
    from auto_round import AutoRound

    # amp=False keeps the model in fp32 (with amp the in-memory weights are rounded to bf16).
    ar = AutoRound(hf_dir, scheme=scheme, iters=0, disable_opt_rtn=True, device_map="cpu", nsamples=1, seqlen=32,
                   amp=False)
    ar.quantize()
    return ar.model.float().eval()


def add_activation_qdq(model, scheme_name):
    from auto_round.data_type import get_quant_func
    from auto_round.schemes import preset_name_to_scheme

    s = preset_name_to_scheme(scheme_name)
    if s.act_bits is None or s.act_bits > 8:
        return 0
    fn, _ = get_quant_func(s.act_data_type, s.act_bits, s.act_sym)
    count = 0
    for name, mod in model.named_modules():
        if isinstance(mod, torch.nn.Linear) and ".layers." in name:
            def hook(_m, args):
                x = args[0]
                q = fn(x, bits=s.act_bits, group_size=s.act_group_size, data_type=s.act_data_type)[0]
                return (q.to(x.dtype),) + tuple(args[1:])
            mod.register_forward_pre_hook(hook)
            count += 1
    return count


def perplexity(model, tok, text, seqlen, max_windows):
    ids = tok(text, return_tensors="pt", add_special_tokens=False).input_ids
    n = ids.shape[1] // seqlen
    if max_windows:
        n = min(n, max_windows)
    nlls = []
    with torch.no_grad():
        for i in range(n):
            w = ids[:, i * seqlen:(i + 1) * seqlen]
            logits = model(w).logits.float()
            nlls.append(torch.nn.functional.cross_entropy(logits[0, :-1], w[0, 1:]).item())
            print(f"\rwindow {i + 1}/{n} ppl {math.exp(sum(nlls) / len(nlls)):.4f}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return n, sum(nlls) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("hf_dir")
    ap.add_argument("scheme")
    ap.add_argument("text")
    ap.add_argument("--seqlen", type=int, default=2048)
    ap.add_argument("--max-windows", type=int, default=0)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    start = time.time()
    model = quantize(args.hf_dir, args.scheme)
    tok = AutoTokenizer.from_pretrained(args.hf_dir)
    hooked = add_activation_qdq(model, args.scheme)
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    n, mean = perplexity(model, tok, text, args.seqlen, args.max_windows)
    r = {"scheme": args.scheme, "perplexity": math.exp(mean), "mean_nll": mean, "windows": n, "seqlen": args.seqlen,
         "activation_qdq_layers": hooked, "seconds": time.time() - start}
    print(json.dumps(r) if args.json else f"{args.scheme}: perplexity {r['perplexity']:.4f} over {n} windows")


if __name__ == "__main__":
    main()
