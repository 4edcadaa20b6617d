#!/usr/bin/env python3
"""Writes a random LLaMA-architecture HF folder of a chosen depth and width, for memory and
speed measurements that must not depend on one model's size (e.g. analyze's peak memory at
8 vs 32 blocks). Weights are N(0, 0.02) fp32, norms 1; the tokenizer files are copied from a
donor HF folder so calibration text can be tokenized (vocab_size follows the donor).

usage: make_synthetic_model.py OUT_DIR --blocks N [--hidden 512] [--intermediate 1536]
                               [--heads 8] [--kv-heads 4] --tokenizer-from HF_DIR
Needs numpy and safetensors (no torch).
"""
import argparse
import json
import os
import shutil

import numpy as np
from safetensors.numpy import save_file


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--blocks", type=int, required=True)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--intermediate", type=int, default=1536)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--tokenizer-from", required=True)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    donor = json.load(open(os.path.join(a.tokenizer_from, "config.json")))
    vocab = donor["vocab_size"]
    rng = np.random.default_rng(a.seed)
    h, i, hd = a.hidden, a.intermediate, a.hidden // a.heads
    kv = a.kv_heads * hd

    def w(*shape):
        return (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32)

    t = {"model.embed_tokens.weight": w(vocab, h), "model.norm.weight": np.ones(h, np.float32)}
    for b in range(a.blocks):
        p = f"model.layers.{b}."
        t[p + "input_layernorm.weight"] = np.ones(h, np.float32)
        t[p + "post_attention_layernorm.weight"] = np.ones(h, np.float32)
        t[p + "self_attn.q_proj.weight"] = w(h, h)
        t[p + "self_attn.k_proj.weight"] = w(kv, h)
        t[p + "self_attn.v_proj.weight"] = w(kv, h)
        t[p + "self_attn.o_proj.weight"] = w(h, h)
        t[p + "mlp.gate_proj.weight"] = w(i, h)
        t[p + "mlp.up_proj.weight"] = w(i, h)
        t[p + "mlp.down_proj.weight"] = w(h, i)
    os.makedirs(a.out, exist_ok=True)
    save_file(t, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": h,
              "intermediate_size": i, "num_hidden_layers": a.blocks, "num_attention_heads": a.heads,
              "num_key_value_heads": a.kv_heads, "vocab_size": vocab, "rms_norm_eps": 1e-5,
              "rope_theta": 10000.0, "max_position_embeddings": 4096, "tie_word_embeddings": True,
              "hidden_act": "silu", "bos_token_id": donor.get("bos_token_id"), "eos_token_id": donor.get("eos_token_id")}
    json.dump(config, open(os.path.join(a.out, "config.json"), "w"), indent=2)
    for f in ("tokenizer.json", "tokenizer_config.json"):
        if os.path.exists(os.path.join(a.tokenizer_from, f)):
            shutil.copy(os.path.join(a.tokenizer_from, f), a.out)
    print("wrote", a.out, f"({a.blocks} blocks, hidden {h})")


if __name__ == "__main__":
    main()
