#!/usr/bin/env python3
"""Golden fixtures for the C++ GGUF reader (tests/base/test_gguf_*.cpp).

Writes, under tests/golden/gguf/ (all small, deterministic):
  types/<TYPE>.gguf          a few tensors of one ggml type (2-D and 3-D), written by gguf-py's
                             GGUFWriter; legacy types quantized by gguf.quants.quantize, k-quants
                             as random blocks with finite fp16 d/dmin (gguf-py cannot quantize them)
  types/<TYPE>.f32           gguf.quants.dequantize of every tensor, in file order, raw little-endian float32
  metadata.gguf              every metadata value type, arrays of each, nested arrays, custom alignment 64
  v2.gguf                    types/Q8_0.gguf with the version field set to 2 (the v2 layout is v3's)
  tiny_<arch>.gguf           tiny llama / qwen2 / qwen3 models (HF tensors permuted as convert_hf_to_gguf does)
  tiny_<arch>.json           expected config, tokenizer fields and, per HF tensor, shape and reference file
  tiny_<arch>/<hf name>.f32  the HF-order float32 reference of every tensor of the tiny models
  demo_reference.json        checksums and sample values of a few tensors of the demo model, decoded by
                             gguf-py and un-permuted with transformers' reverse permutation (skipped when the
                             demo model is absent)
and a few of the small files as libFuzzer seeds in tests/fuzz/corpus/gguf/.

Run: /work/refvenv/bin/python scripts/gen_gguf_golden.py
"""
from __future__ import annotations

import json
import os
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T, GGUFValueType as V
from gguf.constants import GGML_QUANT_SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "golden" / "gguf"
CORPUS = ROOT / "tests" / "fuzz" / "corpus" / "gguf"
DEMO = ROOT / ".cache" / "demo" / "SmolLM2-135M-Instruct.Q4_1.gguf"

LEGACY = [T.F32, T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1]
KQUANTS = [T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K]
# Byte offsets of the fp16 scale fields inside one block of each k-quant (ggml-common.h).
K_HALF_FIELDS = {T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208]}
# (name, shape in numpy order: rows..., columns); columns run along ggml's ne[0].
SHAPES = [("a", (2, 256)), ("b", (1, 512)), ("c", (2, 1, 256))]


def float_data(rng: np.random.Generator, shape, plain: bool) -> np.ndarray:
    """Normal data with the awkward cases placed in the first blocks of 32."""
    x = rng.standard_normal(shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[0:32] = 0.0                                    # an all-zero block
    flat[32:64] = 0.75                                  # a constant block (max == min)
    flat[70] = 1.0e4                                    # a large positive outlier
    flat[100] = -3.0e4                                  # a large negative extreme
    flat[128:160] = -rng.random(32, dtype=np.float32)   # an all-negative block
    flat[160:192] *= 1e-6                               # tiny values (fp16 subnormals)
    if plain:
        flat[200] = np.inf
        flat[201] = -np.inf
        flat[202] = np.nan
        flat[203] = 1.0e5   # overflows fp16 to inf
        flat[204] = -0.0
        flat[205] = 3.0e-8  # fp16 subnormal
    return x


def random_kquant_blocks(rng: np.random.Generator, qtype: T, n_blocks: int, first_block: int) -> np.ndarray:
    """Random block bytes with finite fp16 scales; the file's first blocks (counted from first_block)
    get zero, negative, subnormal and max scales."""
    _, type_size = GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(n_blocks, type_size), dtype=np.uint8)
    special = [0.0, -0.0123, 6.0e-8, 65504.0, -2.5]
    for b in range(n_blocks):
        for j, off in enumerate(K_HALF_FIELDS[qtype]):
            if first_block + b < len(special):
                v = special[(first_block + b + j) % len(special)]
            else:
                v = float(rng.normal(0.0, 0.02))
            blocks[b, off:off + 2] = np.frombuffer(np.float16(v).tobytes(), dtype=np.uint8)
    return blocks


def write_types(rng: np.random.Generator) -> None:
    (OUT / "types").mkdir(parents=True, exist_ok=True)
    for qtype in LEGACY + KQUANTS:
        block_size, type_size = GGML_QUANT_SIZES[qtype]
        path = OUT / "types" / f"{qtype.name}.gguf"
        w = gguf.GGUFWriter(str(path), "types")
        expected = []
        blocks_so_far = 0
        for name, shape in SHAPES:
            if qtype in KQUANTS:
                n_blocks = int(np.prod(shape)) // block_size
                raw = random_kquant_blocks(rng, qtype, n_blocks, blocks_so_far)
                blocks_so_far += n_blocks
                raw = raw.reshape(*shape[:-1], shape[-1] // block_size * type_size)
            else:
                data = float_data(rng, shape, plain=qtype in (T.F32, T.F16, T.BF16))
                with np.errstate(over="ignore", invalid="ignore"):
                    raw = gguf.quants.quantize(data, qtype)
            if qtype in (T.F32, T.F16):
                w.add_tensor(name, raw)  # the writer infers the type from the numpy dtype
            else:
                w.add_tensor(name, raw, raw_dtype=qtype)
            deq = gguf.quants.dequantize(raw, qtype)
            expected.append(np.ascontiguousarray(deq, dtype=np.float32).reshape(-1))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        np.concatenate(expected).astype("<f4").tofile(OUT / "types" / f"{qtype.name}.f32")


def write_metadata() -> None:
    path = OUT / "metadata.gguf"
    w = gguf.GGUFWriter(str(path), "metadata")
    w.add_custom_alignment(64)
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -100)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_float32("t.f32", 0.1)
    w.add_bool("t.bool_true", True)
    w.add_bool("t.bool_false", False)
    w.add_string("t.string", "h\u00e9llo \u4e16\u754c")
    w.add_key_value("t.empty_string", "", V.STRING)
    w.add_uint64("t.u64", 18446744073709551615)
    w.add_int64("t.i64", -9223372036854775807)
    w.add_float64("t.f64", 2.718281828459045)
    w.add_key_value("t.arr_u8", [0, 1, 255], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("t.arr_i8", [-128, 0, 127], V.ARRAY, sub_type=V.INT8)
    w.add_key_value("t.arr_u16", [0, 65535], V.ARRAY, sub_type=V.UINT16)
    w.add_key_value("t.arr_i16", [-32768, 32767], V.ARRAY, sub_type=V.INT16)
    w.add_key_value("t.arr_u32", [1, 4294967295], V.ARRAY, sub_type=V.UINT32)
    w.add_key_value("t.arr_i32", [-5, 7, 11], V.ARRAY, sub_type=V.INT32)
    w.add_key_value("t.arr_f32", [1.5, -0.25, 3.0e38], V.ARRAY, sub_type=V.FLOAT32)
    w.add_key_value("t.arr_bool", [True, False, True], V.ARRAY, sub_type=V.BOOL)
    w.add_key_value("t.arr_string", ["a", "", "b c"], V.ARRAY, sub_type=V.STRING)
    w.add_key_value("t.arr_u64", [0, 9223372036854775807], V.ARRAY, sub_type=V.UINT64)
    w.add_key_value("t.arr_i64", [-9223372036854775808, 42], V.ARRAY, sub_type=V.INT64)
    w.add_key_value("t.arr_f64", [0.5, -1e300], V.ARRAY, sub_type=V.FLOAT64)
    w.add_key_value("t.nested_i32", [[1, 2], [3, 4, 5]], V.ARRAY, sub_type=V.ARRAY)
    w.add_key_value("t.nested_string", [["x"], ["y", "z"]], V.ARRAY, sub_type=V.ARRAY)
    w.add_key_value("t.nested3", [[[1], [2, 3]], [[4]]], V.ARRAY, sub_type=V.ARRAY)
    # Two tensors whose sizes are not multiples of 64, so alignment padding matters.
    w.add_tensor("first", np.arange(5, dtype=np.float32))
    w.add_tensor("second", np.arange(3, dtype=np.float32) * -2.0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_v2() -> None:
    data = bytearray((OUT / "types" / "Q8_0.gguf").read_bytes())
    assert struct.unpack_from("<I", data, 4)[0] == 3
    struct.pack_into("<I", data, 4, 2)
    (OUT / "v2.gguf").write_bytes(bytes(data))


def hf_permute(w: np.ndarray, n_head: int) -> np.ndarray:
    """convert_hf_to_gguf's LlamaModel.permute (HF rotate-half rows -> interleaved)."""
    return (w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
             .swapaxes(1, 2).reshape(w.shape))


def hf_unpermute(w: np.ndarray, n_head: int) -> np.ndarray:
    """transformers' LlamaTensorProcessor._reverse_permute_weights (the reference inverse)."""
    dim = w.shape[0] // n_head // 2
    return w.reshape(n_head, dim, 2, *w.shape[1:]).swapaxes(2, 1).reshape(w.shape)


TINY = {
    # arch: (hidden, heads, kv heads, head_dim, ffn, vocab, blocks, tied, weight type)
    "llama": (32, 4, 2, 8, 64, 24, 2, True, T.Q8_0),
    "qwen2": (32, 4, 2, 8, 64, 24, 1, False, T.F16),
    "qwen3": (32, 4, 2, 16, 64, 24, 1, False, T.Q4_1),
}


def write_tiny(arch: str, rng: np.random.Generator) -> None:
    hidden, n_head, n_kv, head_dim, ffn, vocab, n_blocks, tied, wtype = TINY[arch]
    path = OUT / f"tiny_{arch}.gguf"
    ref_dir = OUT / f"tiny_{arch}"
    if ref_dir.exists():
        shutil.rmtree(ref_dir)
    ref_dir.mkdir(parents=True)
    w = gguf.GGUFWriter(str(path), arch)
    w.add_context_length(512)
    w.add_embedding_length(hidden)
    w.add_block_count(n_blocks)
    w.add_feed_forward_length(ffn)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(1000000.0 if arch != "llama" else 10000.0)
    if arch == "qwen3":
        w.add_key_length(head_dim)
        w.add_value_length(head_dim)
    else:
        w.add_rope_dimension_count(head_dim)
    if arch == "llama":
        w.add_vocab_size(vocab)
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(2.0)
        w.add_rope_scaling_orig_ctx_len(256)
    w.add_file_type(1)
    w.add_quantization_version(2)
    tokens = ["<unk>", "<s>", "</s>"] + [f"t{i}" for i in range(vocab - 3)]
    w.add_tokenizer_model("gpt2" if arch != "llama" else "llama")
    if arch != "llama":
        w.add_tokenizer_pre("qwen2")
        w.add_token_merges(["t 0", "t 1", "t1 0"])
    else:
        w.add_token_scores([float(-i) for i in range(vocab)])
    w.add_token_list(tokens)
    w.add_token_types([2, 3, 3] + [1] * (vocab - 3))
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_pad_token_id(2)
    w.add_add_bos_token(arch == "llama")
    w.add_add_eos_token(False)
    if arch == "llama":
        w.add_add_space_prefix(True)

    expected_tensors = {}

    def add(gguf_name: str, hf_name: str, hf_value: np.ndarray, qtype: T, n_perm: int = 0) -> None:
        hf_value = hf_value.astype(np.float32)
        stored = hf_permute(hf_value, n_perm) if n_perm else hf_value
        if n_perm:
            assert np.array_equal(hf_unpermute(stored, n_perm), hf_value), "reverse permutation is not exact"
        if qtype == T.F32:
            w.add_tensor(gguf_name, stored)
            deq = stored
        elif qtype == T.F16:
            raw = stored.astype(np.float16)
            w.add_tensor(gguf_name, raw)
            deq = raw.astype(np.float32)
        else:
            raw = gguf.quants.quantize(stored, qtype)
            w.add_tensor(gguf_name, raw, raw_dtype=qtype)
            deq = gguf.quants.dequantize(raw, qtype)
        ref = hf_unpermute(deq, n_perm) if n_perm else deq
        fname = hf_name + ".f32"
        np.ascontiguousarray(ref, dtype="<f4").tofile(ref_dir / fname)
        expected_tensors[hf_name] = {"gguf": gguf_name, "shape": list(hf_value.shape), "type": qtype.name,
                                     "file": f"tiny_{arch}/{fname}"}

    def rnd(*shape):
        return rng.standard_normal(shape).astype(np.float32) * 0.1

    add("token_embd.weight", "model.embed_tokens.weight", rnd(vocab, hidden), wtype)
    for b in range(n_blocks):
        p, hp = f"blk.{b}.", f"model.layers.{b}."
        perm = arch == "llama"
        add(p + "attn_norm.weight", hp + "input_layernorm.weight", 1 + rnd(hidden), T.F32)
        add(p + "attn_q.weight", hp + "self_attn.q_proj.weight", rnd(n_head * head_dim, hidden), wtype,
            n_head if perm else 0)
        add(p + "attn_k.weight", hp + "self_attn.k_proj.weight", rnd(n_kv * head_dim, hidden), wtype,
            n_kv if perm else 0)
        add(p + "attn_v.weight", hp + "self_attn.v_proj.weight", rnd(n_kv * head_dim, hidden), wtype)
        add(p + "attn_output.weight", hp + "self_attn.o_proj.weight", rnd(hidden, n_head * head_dim), wtype)
        if arch == "qwen2":
            add(p + "attn_q.bias", hp + "self_attn.q_proj.bias", rnd(n_head * head_dim), T.F32)
            add(p + "attn_k.bias", hp + "self_attn.k_proj.bias", rnd(n_kv * head_dim), T.F32)
            add(p + "attn_v.bias", hp + "self_attn.v_proj.bias", rnd(n_kv * head_dim), T.F32)
        if arch == "qwen3":
            add(p + "attn_q_norm.weight", hp + "self_attn.q_norm.weight", 1 + rnd(head_dim), T.F32)
            add(p + "attn_k_norm.weight", hp + "self_attn.k_norm.weight", 1 + rnd(head_dim), T.F32)
        add(p + "ffn_norm.weight", hp + "post_attention_layernorm.weight", 1 + rnd(hidden), T.F32)
        add(p + "ffn_gate.weight", hp + "mlp.gate_proj.weight", rnd(ffn, hidden), wtype)
        add(p + "ffn_up.weight", hp + "mlp.up_proj.weight", rnd(ffn, hidden), wtype)
        add(p + "ffn_down.weight", hp + "mlp.down_proj.weight", rnd(hidden, ffn), T.Q8_0 if ffn % 32 == 0 else wtype)
    add("output_norm.weight", "model.norm.weight", 1 + rnd(hidden), T.F32)
    if not tied:
        add("output.weight", "lm_head.weight", rnd(vocab, hidden), T.Q8_0)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    expected = {
        "architecture": arch,
        "config": {
            "vocab_size": vocab, "hidden_size": hidden, "intermediate_size": ffn, "num_hidden_layers": n_blocks,
            "num_attention_heads": n_head, "num_key_value_heads": n_kv, "head_dim": head_dim,
            "max_position_embeddings": 512, "rms_norm_eps": float(np.float32(1e-6)),
            "rope_theta": 1000000.0 if arch != "llama" else 10000.0, "tie_word_embeddings": tied,
            "attention_bias": arch == "qwen2", "qk_norm": arch == "qwen3",
            "rope_scaling": {"type": "linear", "factor": 2.0, "original_max_position_embeddings": 256}
            if arch == "llama" else {"type": "none"},
        },
        "tokenizer": {
            "model": "gpt2" if arch != "llama" else "llama", "pre": "qwen2" if arch != "llama" else "",
            "tokens": tokens, "token_types": [2, 3, 3] + [1] * (vocab - 3),
            "scores": [float(-i) for i in range(vocab)] if arch == "llama" else [],
            "merges": ["t 0", "t 1", "t1 0"] if arch != "llama" else [],
            "bos_id": 1, "eos_id": 2, "unk_id": 0, "pad_id": 2, "add_bos": arch == "llama", "add_eos": False,
            "add_space_prefix": arch == "llama",
        },
        "tensors": expected_tensors,
    }
    (OUT / f"tiny_{arch}.json").write_text(json.dumps(expected, indent=1) + "\n")


def weighted_checksum(values: np.ndarray) -> str:
    """sum over i of (i + 1) * bits(values[i]) modulo 2^64: any changed, missing or moved value shows."""
    bits = values.reshape(-1).view(np.uint32).astype(np.uint64)
    weights = np.arange(1, bits.size + 1, dtype=np.uint64)
    return f"{int(np.sum(bits * weights, dtype=np.uint64)):016x}"


def write_demo_reference() -> None:
    if not DEMO.exists():
        print(f"demo model absent ({DEMO}); demo_reference.json not regenerated", file=sys.stderr)
        return
    r = gguf.GGUFReader(str(DEMO))
    n_head = int(r.fields["llama.attention.head_count"].contents())
    n_kv = int(r.fields["llama.attention.head_count_kv"].contents())
    by_name = {t.name: t for t in r.tensors}
    picks = [
        ("blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight", n_head),
        ("blk.0.attn_k.weight", "model.layers.0.self_attn.k_proj.weight", n_kv),
        ("blk.0.attn_v.weight", "model.layers.0.self_attn.v_proj.weight", 0),
        ("blk.29.ffn_down.weight", "model.layers.29.mlp.down_proj.weight", 0),
        ("token_embd.weight", "model.embed_tokens.weight", 0),
        ("output_norm.weight", "model.norm.weight", 0),
    ]
    out = {}
    for gname, hfname, n_perm in picks:
        t = by_name[gname]
        deq = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32)
        if n_perm:
            deq = hf_unpermute(deq, n_perm)
        deq = np.ascontiguousarray(deq)
        flat = deq.reshape(-1)
        idx = np.linspace(0, flat.size - 1, 16).astype(np.int64).tolist()
        out[hfname] = {
            "shape": list(deq.shape),
            "type": t.tensor_type.name,
            "checksum": weighted_checksum(deq),
            "samples": [[i, int(flat[i:i + 1].view(np.uint32)[0])] for i in idx],
        }
    (OUT / "demo_reference.json").write_text(json.dumps(out, indent=1) + "\n")


def write_corpus() -> None:
    CORPUS.mkdir(parents=True, exist_ok=True)
    for src, dst in [("metadata.gguf", "metadata.gguf"), ("v2.gguf", "v2.gguf"),
                     ("types/Q4_K.gguf", "q4_k.gguf"), ("types/Q5_0.gguf", "q5_0.gguf"),
                     ("tiny_qwen3.gguf", "tiny_qwen3.gguf")]:
        shutil.copyfile(OUT / src, CORPUS / dst)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261204)
    write_types(rng)
    write_metadata()
    write_v2()
    for arch in TINY:
        write_tiny(arch, rng)
    write_demo_reference()
    write_corpus()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total} bytes)")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
