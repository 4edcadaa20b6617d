#!/usr/bin/env python3
"""Open a SignRound Studio project file with h5py (no SignRound code) and print it.

Shows that the schema in docs/project-file.md is readable by ordinary HDF5 tools, and checks
what can be checked from Python: the seal in the user block (length and FNV-1a 64 checksum),
the schema version, and that every dataset's shape agrees with the others.

    /work/refvenv/bin/python scripts/check_project_h5py.py project.srsproj [--layers N]

Exits non-zero with a message when something does not match.
"""
import argparse
import json
import sys

import h5py
import numpy as np

USER_BLOCK = 512
MAGIC = b"SignRound Studio project\n"


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:  # fine for the small test files this script is for
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def check_seal(path):
    raw = open(path, "rb").read()
    header = raw[:USER_BLOCK]
    if not header.startswith(MAGIC):
        sys.exit(f"{path}: no SignRound Studio header")
    fields = dict(line.split(" ", 1) for line in header[len(MAGIC):].split(b"\0", 1)[0].decode().splitlines())
    length, digest = int(fields["length"]), int(fields["fnv1a64"], 16)
    body = raw[USER_BLOCK:]
    if len(body) != length:
        sys.exit(f"{path}: {len(body)} bytes after the header, the seal says {length}")
    if fnv1a64(body) != digest:
        sys.exit(f"{path}: checksum mismatch")
    return length


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("project")
    ap.add_argument("--layers", type=int, default=10, help="layer rows to print")
    args = ap.parse_args()

    length = check_seal(args.project)
    with h5py.File(args.project, "r") as f:
        print(f"file: {args.project} (user block {f.userblock_size} bytes, {length} bytes sealed)")
        print(f"format: {f.attrs['format']!r}, schema_version {int(f.attrs['schema_version'])}")
        if int(f.attrs["schema_version"]) != 1:
            sys.exit("unknown schema version")
        m = f["model"].attrs
        print(f"model: {m['path']} ({int(m['file_size'])} bytes, header hash {m['header_hash']})")
        c = f["calibration"]
        print(f"calibration: files {text(c['files'][()])}, nsamples {int(c.attrs['nsamples'])}, "
              f"seqlen {int(c.attrs['seqlen'])}, seed {int(c.attrs['seed'])}, "
              f"batch_size {int(c.attrs['batch_size'])}, token hash {c.attrs['token_hash']}")

        options = text(f["options/name"][()])
        option_json = [json.loads(s) for s in text(f["options/json"][()])]
        K = len(options)
        print(f"options ({K}):")
        for name, js in zip(options, option_json):
            print(f"  {name}: {json.dumps(js, sort_keys=True)}")

        lay = f["layers"]
        names = text(lay["name"][()])
        L = len(names)
        expect = {"kind": (L,), "block": (L,), "params": (L,), "score": (L, K), "bits": (L, K),
                  "bits_no_overhead": (L, K)}
        for key, shape in expect.items():
            if lay[key].shape != shape:
                sys.exit(f"/layers/{key} has shape {lay[key].shape}, expected {shape}")
        kinds = text(lay["kind"][()])
        block, params = lay["block"][()], lay["params"][()]
        score, bits, plain = lay["score"][()], lay["bits"][()], lay["bits_no_overhead"][()]
        if not np.all(np.isfinite(score)):
            sys.exit("non-finite scores")
        print(f"layers ({L}):")
        for i in range(min(L, args.layers)):
            cells = ", ".join(f"{options[k]} score {score[i, k]:.6g} bits {bits[i, k]} ({plain[i, k]} codes)"
                              for k in range(K))
            print(f"  {names[i]} block {block[i]} {kinds[i]} {params[i]} params: {cells}")
        if L > args.layers:
            print(f"  ... {L - args.layers} more")

        pl = f["plans"]
        pnames = text(pl["name"][()])
        P = len(pnames)
        for key, shape in {"target_avg_bits": (P,), "count_overhead": (P,), "budget_bits": (P,),
                           "choice": (P, L), "locked": (P, L)}.items():
            if pl[key].shape != shape:
                sys.exit(f"/plans/{key} has shape {pl[key].shape}, expected {shape}")
        choice, locked = pl["choice"][()], pl["locked"][()]
        if np.any(choice < -1) or np.any(choice >= K):
            sys.exit("a plan has an option index out of range")
        print(f"plans ({P}):")
        for j in range(P):
            q = choice[j] >= 0
            idx = np.where(q, choice[j], 0)
            n = params[q].sum()
            avg = bits[np.arange(L), idx][q].sum() / n if n else 0.0
            avg_plain = plain[np.arange(L), idx][q].sum() / n if n else 0.0
            loss = score[np.arange(L), idx][q].sum()
            counts = {options[k]: int((choice[j] == k).sum()) for k in range(K)}
            print(f"  {pnames[j]!r}: target {pl['target_avg_bits'][j]:.4f} bits "
                  f"({'with' if pl['count_overhead'][j] else 'without'} overhead), budget {pl['budget_bits'][j]}, "
                  f"achieved {avg:.4f} ({avg_plain:.4f} codes only), predicted loss {loss:.6g}, "
                  f"{int(locked[j].sum())} locked, layers per option {counts}, "
                  f"{int((choice[j] < 0).sum())} unquantized")
    print("ok")


if __name__ == "__main__":
    main()
