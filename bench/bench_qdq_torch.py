#!/usr/bin/env python3
"""auto-round's qdq forward + backward on a 4096 x 4096 weight, for comparison with
bench/bench_qdq.cpp (same shapes, same tunables, loss = sum(w_hat * R)).

    /work/refvenv/bin/python bench/bench_qdq_torch.py [--threads N] [--iters 3]
"""
import argparse
import time

import torch

from auto_round.data_type.int import quant_tensor_asym, quant_tensor_sym, quant_tensor_sym_gptq
from auto_round.data_type.mxfp import quant_mx
from auto_round.data_type.nvfp import calculate_gparam, nv_fp4
from auto_round.data_type.utils import reshape_pad_tensor_by_group_size


def run(kind, w, r, iters, grad=True):
    group = {"mxfp4": 32, "mxfp8": 32, "nvfp4": 16}.get(kind, 128)
    w_r, _, _ = reshape_pad_tensor_by_group_size(w, group)
    rows, g = w_r.shape
    v = torch.zeros(rows, g, requires_grad=grad)
    mn = torch.ones(rows, requires_grad=grad)
    mx = torch.ones(rows, requires_grad=grad)
    wmin = torch.clamp(w_r.min(1)[0], max=0)
    wmax = torch.clamp(w_r.max(1)[0], min=0)
    gs = calculate_gparam(w, 16)

    def step():
        common = dict(bits=4, group_size=group, v=v, min_scale=mn, max_scale=mx)
        if kind == "int_sym":
            out = quant_tensor_sym(w, tensor_min=wmin, tensor_max=wmax, **common)[0]
        elif kind == "int_asym":
            out = quant_tensor_asym(w, tensor_min=wmin, tensor_max=wmax, **common)[0]
        elif kind == "int_sym_gptq":
            out = quant_tensor_sym_gptq(w, tensor_min=wmin, tensor_max=wmax, **common)[0]
        elif kind == "mxfp4":
            out = quant_mx(w, data_type="mx_fp4", **common)[0]
        elif kind == "mxfp8":
            common["bits"] = 8
            out = quant_mx(w, data_type="mx_fp8", **common)[0]
        else:
            out = nv_fp4(w, global_scale=gs, **common)[0]
        if grad:
            (out * r).sum().backward()
            v.grad = None
            mn.grad = None
            mx.grad = None
        return out

    if not grad:
        with torch.no_grad():
            step()
            t0 = time.perf_counter()
            for _ in range(iters):
                step()
            return (time.perf_counter() - t0) / iters
    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(iters):
        step()
    return (time.perf_counter() - t0) / iters


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--iters", type=int, default=3)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    w = torch.randn(4096, 4096) * 0.02
    r = torch.randn(4096, 4096)
    print("torch %s, %d threads, 4096x4096, mean of %d iterations" % (torch.__version__, torch.get_num_threads(), a.iters))
    for kind in ("int_sym", "int_asym", "int_sym_gptq", "mxfp4", "mxfp8", "nvfp4"):
        print("fwd+bwd %-13s %8.1f ms" % (kind, 1000 * run(kind, w, r, a.iters)))
    for kind in ("int_sym", "mxfp4", "nvfp4"):
        print("fwd RTN %-13s %8.1f ms" % (kind, 1000 * run(kind, w, r, a.iters, grad=False)))


if __name__ == "__main__":
    main()
