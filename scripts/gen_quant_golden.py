#!/usr/bin/env python3
"""Golden vectors for core/quant, produced by auto-round's own functions.

Run with the reference environment (not part of CI):
    /work/refvenv/bin/python scripts/gen_quant_golden.py

Writes tests/golden/quant/quant.json (case list, small scalars) and quant.bin (the tensors,
little-endian, addressed by byte offset from the JSON). Every number in the outputs comes
from auto_round.data_type (quant_tensor_sym / _asym / _sym_gptq, quant_mx, nv_fp4,
nv_fp4_with_static_gs, the V2 scale searches), auto_round.auto_scheme.utils.compute_layer_bits
and auto_round.schemes.PRESET_SCHEMES. The integer / element codes are read back from the
reference's own intermediates (quant_element / cast_to_fp4 outputs) or, for int types, from
the exact division w_hat / scale, which is checked to round-trip.
"""
import json
import math
import os
import struct
from dataclasses import asdict

import torch

import auto_round
import auto_round.data_type.mxfp as ar_mx
import auto_round.data_type.nvfp as ar_nv
from auto_round.auto_scheme.utils import compute_layer_bits
from auto_round.data_type.int import (
    quant_tensor_asym,
    quant_tensor_sym,
    quant_tensor_sym_gptq,
    search_scales,
)
from auto_round.data_type.nvfp import calculate_gparam
from auto_round.data_type.utils import (
    reshape_imatrix_for_weight,
    reshape_pad_tensor_by_group_size,
    revert_tensor_by_pad,
    search_optimized_init_scale,
)
from auto_round.schemes import PRESET_SCHEMES
from auto_round.wrapper import get_scale_shape

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden", "quant")
Q_SCALE_THRESH = 1e-5  # WrapperLinear.q_scale_thresh for fp16 scales

PRESETS = ["W%dA16%s" % (b, g) for b in range(2, 9) for g in ("", "G64", "G32")] + [
    "MXFP4", "MXFP6", "MXFP8", "NVFP4", "BF16"]


class Blob:
    """Collects tensors into one binary file; returns JSON descriptors."""

    def __init__(self):
        self.data = bytearray()

    def add(self, t):
        t = t.detach().contiguous().cpu()
        if t.dtype in (torch.float16, torch.bfloat16, torch.float64):
            t = t.to(torch.float32)
        if t.dtype == torch.float32:
            fmt, kind = "f", "f32"
        elif t.dtype in (torch.int32, torch.int64):
            t = t.to(torch.int32)
            fmt, kind = "i", "i32"
        else:
            raise TypeError(t.dtype)
        while len(self.data) % 4:
            self.data.append(0)
        off = len(self.data)
        vals = t.reshape(-1).tolist()
        self.data += struct.pack("<%d%s" % (len(vals), fmt), *vals)
        return {"dtype": kind, "shape": list(t.shape), "offset": off}


def make_weight(out, inn, group, seed, kind):
    """Random weights with the edge cases the brief asks for."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(out, inn, generator=g) * 0.02
    gs = inn if group <= 0 or inn < group else group
    if kind == "edge":
        w[0, :gs] = 0.0                              # an all-zero group
        if out > 1:
            w[1, 3] = 0.9                            # an outlier
        if out > 2:
            w[2, :gs] = -w[2, :gs].abs() - 0.001     # all-negative group: extreme is negative
            w[2, 0] = -0.5                           # negative extreme
        if out > 3:
            w[3, :gs] = w[3, :gs].abs()              # all-positive group
        if out > 4:
            w[4, 1] = 0.25                           # group max exactly a power of two
            w[4, :gs].clamp_(-0.2, 0.25)
            w[4, 1] = 0.25
        if out > 5:
            below = math.nextafter(0.125, 0.0)       # just below a power of two
            w[5, :gs].clamp_(-0.1, 0.1)
            w[5, 2] = below
    return w


def random_tunables(rows, gsize, seed, lo, hi):
    g = torch.Generator().manual_seed(seed)
    v = torch.rand(rows, gsize, generator=g) - 0.5
    mn = lo + (hi - lo) * torch.rand(rows, generator=g)
    mx = lo + (hi - lo) * torch.rand(rows, generator=g)
    return v, mn, mx


class Capture:
    """Records the last output of a reference function while it runs."""

    def __init__(self, module, name):
        self.module, self.name, self.last = module, name, None
        self.orig = getattr(module, name)

    def __enter__(self):
        def wrapped(*a, **k):
            out = self.orig(*a, **k)
            self.last = out.detach().clone()
            return out

        setattr(self.module, self.name, wrapped)
        return self

    def __exit__(self, *exc):
        setattr(self.module, self.name, self.orig)


def weight_case(blob, name, dtype, bits, group, sym, shape, seed, tun, wdtype=torch.float32):
    out, inn = shape
    w = make_weight(out, inn, group, seed, "edge").to(wdtype)
    w_r, _, pad_len = reshape_pad_tensor_by_group_size(w, group)
    rows, gsize = w_r.shape
    assert rows == get_scale_shape(w, group) or (group == 0 and rows == 1)
    weight_min = torch.clamp(w_r.min(1)[0], max=0)
    weight_max = torch.clamp(w_r.max(1)[0], min=0)

    init_scale = None
    if tun == "identity":
        v, mn, mx = torch.zeros(rows, gsize), torch.ones(rows), torch.ones(rows)
    elif tun == "random":
        v, mn, mx = random_tunables(rows, gsize, seed + 1, 0.3, 1.0)
    elif tun == "init_scale":  # SignRoundV2: searched init scale, alpha in [0, 2]
        v, mn, mx = random_tunables(rows, gsize, seed + 1, 0.5, 1.5)
        qw = torch.ones_like(w_r)
        if dtype == "int":
            s = search_scales(w_r, bits, qw)
            init_scale = torch.where(s < 0, torch.clamp(s, max=-Q_SCALE_THRESH), torch.clamp(s, min=Q_SCALE_THRESH))
        elif dtype == "mx_fp":
            init_scale = ar_mx.search_mx_scale(w_r, bits, qw=qw, data_type="mx_fp%d" % bits)
        else:
            init_scale = ar_nv.search_nvfp4_scale(w_r, 4, qw)
    else:
        raise ValueError(tun)
    v.requires_grad_(True)
    mn.requires_grad_(True)
    mx.requires_grad_(True)

    case = {"name": name, "data_type": dtype, "bits": bits, "group_size": group, "sym": sym, "tunables": tun,
            "weight_dtype": "bf16" if wdtype == torch.bfloat16 else "f32"}
    codes = None
    global_scale = None
    if dtype == "int":
        fn = quant_tensor_sym if sym else quant_tensor_asym
        w_hat, scale, zp = fn(w, bits=bits, group_size=group, v=v, min_scale=mn, max_scale=mx,
                              scale_dtype=torch.float16, tensor_min=weight_min, tensor_max=weight_max,
                              q_scale_thresh=Q_SCALE_THRESH, init_scale=init_scale)
    elif dtype == "int_sym_gptq":
        w_hat, scale, zp = quant_tensor_sym_gptq(w, bits=bits, group_size=group, v=v, min_scale=mn, max_scale=mx,
                                                 scale_dtype=torch.float16, tensor_min=weight_min,
                                                 tensor_max=weight_max, q_scale_thresh=Q_SCALE_THRESH)
    elif dtype == "mx_fp":
        with Capture(ar_mx, "quant_element") as cap:
            w_hat, scale, zp = ar_mx.quant_mx(w, bits=bits, group_size=group, v=v, min_scale=mn, max_scale=mx,
                                              data_type="mx_fp%d" % bits, init_scale=init_scale)
        codes = revert_tensor_by_pad(cap.last, orig_shape=w.shape, pad_len=pad_len)
    elif dtype == "nv_fp":
        global_scale = calculate_gparam(w, group)
        with Capture(ar_nv, "cast_to_fp4") as cap:
            w_hat, scale, zp = ar_nv.nv_fp4(w, bits=bits, group_size=group, v=v, min_scale=mn, max_scale=mx,
                                            global_scale=global_scale, init_scale=init_scale)
        codes = revert_tensor_by_pad(cap.last, orig_shape=w.shape, pad_len=pad_len)
    else:
        raise ValueError(dtype)

    r = torch.randn(w.shape, generator=torch.Generator().manual_seed(seed + 2))
    (w_hat * r).sum().backward()

    scale_f = scale.detach().to(torch.float32).reshape(-1)
    if dtype.startswith("int") and w.dtype != torch.float32:
        # A bf16 w_hat is rounded, so read the codes from the same reference call on the upcast
        # weight (the reference computes in fp32 either way; checked below).
        kw = dict(bits=bits, group_size=group, v=v.detach(), min_scale=mn.detach(), max_scale=mx.detach(),
                  scale_dtype=torch.float16, tensor_min=weight_min.float(), tensor_max=weight_max.float(),
                  q_scale_thresh=Q_SCALE_THRESH)
        fn = quant_tensor_sym_gptq if dtype == "int_sym_gptq" else (quant_tensor_sym if sym else quant_tensor_asym)
        w_hat32, scale32, zp32 = fn(w.float(), **kw)
        assert torch.equal(w_hat32.to(w.dtype), w_hat.detach()) and torch.equal(scale32, scale.detach()), name
        w_hat_exact = w_hat32
    else:
        w_hat_exact = w_hat.detach()
    if dtype.startswith("int"):
        # Exact for these sizes: |q| <= 255 times an fp16 scale fits fp32's 24-bit mantissa.
        s_full = scale.detach().to(torch.float32).reshape(rows, 1).expand(rows, gsize).reshape(out, -1)[:, :inn]
        if sym and dtype == "int":
            codes = torch.round(w_hat_exact / s_full)
            assert torch.equal(codes * s_full, w_hat_exact), name
        else:
            zp_full = zp.detach().to(torch.float32).reshape(rows, 1).expand(rows, gsize).reshape(out, -1)[:, :inn]
            codes = torch.round(w_hat_exact / s_full) + zp_full
            assert torch.equal((codes - zp_full) * s_full, w_hat_exact), name
            case["zero_point"] = blob.add(zp.detach().to(torch.float32).reshape(-1))
        case["codes"] = blob.add(codes.to(torch.int32))
    else:
        case["codes"] = blob.add(codes)
    if dtype == "int" and sym:
        case["zero_point_const"] = int(zp)
    if global_scale is not None:
        case["global_scale"] = float(global_scale)

    case["weight"] = blob.add(w)
    case["v"] = blob.add(v)
    case["min_scale"] = blob.add(mn)
    case["max_scale"] = blob.add(mx)
    if init_scale is not None:
        case["init_scale"] = blob.add(init_scale.reshape(-1))
    case["r"] = blob.add(r)
    case["w_hat"] = blob.add(w_hat)
    case["scale"] = blob.add(scale_f)
    case["grad_v"] = blob.add(v.grad)
    case["grad_min_scale"] = blob.add(mn.grad if mn.grad is not None else torch.zeros_like(mn))
    case["grad_max_scale"] = blob.add(mx.grad if mx.grad is not None else torch.zeros_like(mx))
    return case


def search_case(blob, name, dtype, bits, group, shape, seed, with_imatrix):
    """SignRoundV2 pre-tuning scale search (search_optimized_init_scale, as the V2 wrapper calls it)."""
    w = make_weight(shape[0], shape[1], group, seed, "edge")
    w_r, _, _ = reshape_pad_tensor_by_group_size(w, group)
    imatrix = None
    if with_imatrix:  # sum of x^2 per input channel; one dead channel
        imatrix = torch.rand(shape[1], generator=torch.Generator().manual_seed(seed + 1)) * 4.0 + 0.01
        imatrix[1] = 0.0
    qw = reshape_imatrix_for_weight(imatrix, w_r, group)
    ar_type = {"int": "int_sym", "mx_fp": "mx_fp%d" % bits, "nv_fp": "nv_fp4"}[dtype]
    init = search_optimized_init_scale(w_r, ar_type, bits, qw, Q_SCALE_THRESH)
    case = {"name": name, "data_type": dtype, "bits": bits, "group_size": group, "sym": True,
            "weight": blob.add(w), "init_scale": blob.add(init.reshape(-1))}
    if imatrix is not None:
        case["imatrix"] = blob.add(imatrix)
    return case


def act_case(blob, name, dtype, bits, group, shape, seed, act_max_factor=None):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(*shape, generator=g) * 3.0
    x.view(-1)[5] = 40.0  # an outlier
    x.reshape(-1, shape[-1])[0, :group] = 0.0  # an all-zero group
    x.requires_grad_(True)
    case = {"name": name, "data_type": dtype, "bits": bits, "group_size": group}
    one = torch.tensor(1.0)
    if dtype == "mx_fp":
        x_hat, scale, _ = ar_mx.quant_mx(x, bits=bits, group_size=group, data_type="mx_fp%d" % bits,
                                         max_scale=one, min_scale=one, q_scale_thresh=Q_SCALE_THRESH)
    else:
        tensor_max = None
        if act_max_factor is not None:  # static act_max from calibration
            tensor_max = (x.detach().abs().max() * act_max_factor).reshape(1)
            case["act_max"] = float(tensor_max)
        x_hat, scale, _ = ar_nv.nv_fp4_with_static_gs(x, bits=bits, group_size=group, tensor_max=tensor_max,
                                                      max_scale=one, min_scale=one, global_scale=None)
    r = torch.randn(*shape, generator=torch.Generator().manual_seed(seed + 2))
    (x_hat * r).sum().backward()
    case["x"] = blob.add(x)
    case["r"] = blob.add(r)
    case["x_hat"] = blob.add(x_hat)
    case["scale"] = blob.add(scale.detach().to(torch.float32).reshape(-1))
    case["grad_x"] = blob.add(x.grad)
    return case


def fp8_case(blob):
    """Inputs around every FP8 E4M3 value (exact, midpoints, neighbours) and torch's rounding of them."""
    codes = torch.arange(0, 256, dtype=torch.int32).to(torch.uint8).view(torch.float8_e4m3fn).to(torch.float32)
    vals = codes[torch.isfinite(codes)].unique()
    vals = vals[vals.abs() <= 448]
    mids = (vals[1:] + vals[:-1]) / 2
    xs = torch.cat([vals, mids, torch.nextafter(mids, torch.full_like(mids, 1e9)),
                    torch.nextafter(mids, torch.full_like(mids, -1e9)),
                    torch.tensor([1e-30, -1e-30, 2.0 ** -10, 2.0 ** -11, 3 * 2.0 ** -11, 447.9, -447.9])])
    ys = xs.to(torch.float8_e4m3fn).to(torch.float32)
    return {"x": blob.add(xs), "y": blob.add(ys)}


class FakeLayer(torch.nn.Linear):
    pass


def bits_cases():
    res = []
    shapes = [(4096, 4096), (11008, 4096), (4096, 11008), (100, 130), (7, 20)]
    for name in PRESETS:
        s = asdict(PRESET_SCHEMES[name])
        for out, inn in shapes:
            for ignore in (False, True):
                lay = torch.nn.Linear(inn, out, bias=False, device="meta")
                for k in ("bits", "group_size", "data_type", "sym", "super_bits", "super_group_size"):
                    setattr(lay, k, s[k])
                total, avg = compute_layer_bits(lay, ignore)
                res.append({"preset": name, "out": out, "in": inn, "ignore_scale_zp_bits": ignore,
                            "total_bits": int(total), "avg_bits": float(avg)})
    # group size variants the presets do not cover: per channel, per tensor, asym int
    for g, sym in ((-1, True), (0, True), (128, False), (32, False)):
        lay = torch.nn.Linear(130, 100, bias=False, device="meta")
        lay.bits, lay.group_size, lay.data_type, lay.sym = 4, g, "int", sym
        total, avg = compute_layer_bits(lay, False)
        res.append({"bits": 4, "group_size": g, "data_type": "int", "sym": sym, "out": 100, "in": 130,
                    "ignore_scale_zp_bits": False, "total_bits": int(total), "avg_bits": float(avg)})
    return res


def main():
    torch.manual_seed(0)
    blob = Blob()
    weights = []
    seed = 100
    main_shape, pad_shape, short_shape = (6, 96), (6, 100), (4, 20)
    for tun in ("identity", "random"):
        for bits in (2, 3, 4, 8):
            for sym in (True, False):
                weights.append(weight_case(blob, "int%d_%s_G32_%s" % (bits, "sym" if sym else "asym", tun), "int",
                                           bits, 32, sym, main_shape, seed, tun))
                seed += 10
    for sym in (True, False):
        tag = "sym" if sym else "asym"
        weights.append(weight_case(blob, "int4_%s_pad" % tag, "int", 4, 32, sym, pad_shape, seed, "random")); seed += 10
        weights.append(weight_case(blob, "int4_%s_short" % tag, "int", 4, 32, sym, short_shape, seed, "random")); seed += 10
        weights.append(weight_case(blob, "int4_%s_perchannel" % tag, "int", 4, -1, sym, (5, 40), seed, "random")); seed += 10
        weights.append(weight_case(blob, "int4_%s_pertensor" % tag, "int", 4, 0, sym, (3, 24), seed, "random")); seed += 10
    for bits in (2, 4):
        for tun in ("identity", "random"):
            weights.append(weight_case(blob, "gptq%d_%s" % (bits, tun), "int_sym_gptq", bits, 32, True, main_shape,
                                       seed, tun)); seed += 10
    weights.append(weight_case(blob, "gptq4_pad", "int_sym_gptq", 4, 32, True, pad_shape, seed, "random")); seed += 10
    for bits in (2, 4):
        weights.append(weight_case(blob, "int%d_sym_initscale" % bits, "int", bits, 32, True, main_shape, seed,
                                   "init_scale")); seed += 10
    for bits in (4, 6, 8):
        for tun in ("identity", "random", "init_scale"):
            weights.append(weight_case(blob, "mxfp%d_%s" % (bits, tun), "mx_fp", bits, 32, True, main_shape, seed,
                                       tun)); seed += 10
    weights.append(weight_case(blob, "mxfp4_pad", "mx_fp", 4, 32, True, pad_shape, seed, "random")); seed += 10
    for tun in ("identity", "random", "init_scale"):
        weights.append(weight_case(blob, "nvfp4_%s" % tun, "nv_fp", 4, 16, True, main_shape, seed, tun)); seed += 10
    weights.append(weight_case(blob, "nvfp4_pad", "nv_fp", 4, 16, True, pad_shape, seed, "random")); seed += 10
    # bf16 checkpoints: the reference computes in fp32 by promotion and casts w_hat back to bf16
    for dtype, bits, group, sym in (("int", 4, 32, True), ("int", 3, 32, False), ("mx_fp", 4, 32, True),
                                    ("nv_fp", 4, 16, True)):
        weights.append(weight_case(blob, "%s%d_%s_bf16" % (dtype, bits, "sym" if sym else "asym"), dtype, bits, group,
                                   sym, pad_shape, seed, "random", torch.bfloat16)); seed += 10

    acts = [
        act_case(blob, "act_mxfp4_3d", "mx_fp", 4, 32, (2, 3, 64), 900),
        act_case(blob, "act_mxfp4_pad", "mx_fp", 4, 32, (5, 48), 910),
        act_case(blob, "act_mxfp8", "mx_fp", 8, 32, (4, 64), 920),
        act_case(blob, "act_nvfp4_dynamic", "nv_fp", 4, 16, (3, 2, 48), 930),
        act_case(blob, "act_nvfp4_pad", "nv_fp", 4, 16, (4, 40), 940),
        act_case(blob, "act_nvfp4_static", "nv_fp", 4, 16, (4, 32), 950, act_max_factor=1.5),
    ]

    searches = []
    seed = 700
    for dtype, bits, group in (("int", 2, 32), ("int", 3, 32), ("int", 4, 32), ("int", 8, 32), ("mx_fp", 4, 32),
                               ("mx_fp", 8, 32), ("nv_fp", 4, 16)):
        for with_im in (False, True):
            searches.append(search_case(blob, "search_%s%d_%s" % (dtype, bits, "imatrix" if with_im else "plain"),
                                        dtype, bits, group, (6, 96), seed, with_im)); seed += 10
    searches.append(search_case(blob, "search_int4_pad", "int", 4, 32, (6, 100), seed, True)); seed += 10
    searches.append(search_case(blob, "search_nv_pad", "nv_fp", 4, 16, (6, 100), seed, True)); seed += 10

    presets = {name: asdict(PRESET_SCHEMES[name]) for name in PRESETS}
    doc = {
        "generator": "scripts/gen_quant_golden.py",
        "auto_round_version": auto_round.__version__,
        "torch_version": torch.__version__,
        "weights": weights,
        "activations": acts,
        "scale_search": searches,
        "fp8_e4m3": fp8_case(blob),
        "layer_bits": bits_cases(),
        "presets": presets,
        "preset_names": sorted(PRESET_SCHEMES.keys()),
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "quant.bin"), "wb") as f:
        f.write(bytes(blob.data))
    with open(os.path.join(OUT_DIR, "quant.json"), "w") as f:
        json.dump(doc, f, indent=1)
    print("wrote %d weight cases, %d activation cases, %d bytes of tensors" % (len(weights), len(acts), len(blob.data)))


if __name__ == "__main__":
    main()
