#!/usr/bin/env python3
"""Tiny random decoders and their transformers outputs, the golden fixtures of core/model and core/eval.

Run with the reference environment (not in CI):
    /work/refvenv/bin/python scripts/gen_tiny_models.py

For each model it writes tests/golden/model/<name>/:
  config.json, model.safetensors   save_pretrained of a seeded random model (F32)
  reference.safetensors            F32 tensors computed by transformers (eager attention):
    input_ids        [2, 16]  token ids (as floats)
    logits           [2, 16, V] fp32 forward
    logits_bf16      [2, 16, V] forward of the same model cast to bfloat16
    block_input.1    [2, 16, H] hidden state entering decoder block 1 (fp32)
    ppl_tokens       [87]     a token stream for the perplexity protocol
    ppl_window_nll   [5]      per-window mean NLL, seqlen 16, no BOS (GPTQ protocol)
    ppl_bos_window_nll [5]    per-window mean NLL with BOS + 15 text tokens per window
    ppl, ppl_bos     [1]      exp(mean of the window NLLs)
    rope_inv_freq    [head_dim / 2] the rotary inverse frequencies after scaling

With the demo model present (.cache/demo, scripts/fetch-demo-model.sh) it also writes
tests/golden/model/smollm2_demo/reference.safetensors: transformers' fp32 forward of the GGUF
(dequantized by gguf-py) on DEMO_TEXT: input_ids [1, n], logits_head [1, n, 512] (the first 512
vocabulary entries), logsumexp [1, n] and argmax [1, n] over the whole vocabulary.

The weights are redrawn at unit scale (norm weights around 1, biases non-zero) so that every
parameter changes the logits noticeably; transformers' default init would make the tiny models
nearly uniform and hide mistakes.
"""
import json
import math
import os

import torch
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, LlamaConfig, Qwen2Config, Qwen3Config

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden", "model")
SEQLEN = 16
PPL_SEQLEN = 16
PPL_TOKENS = 5 * PPL_SEQLEN + 7  # five full windows and a partial one that the protocol drops


def redraw(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:  # also the tied lm_head: keep logits of order one
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))
            else:  # Linear weight [out, in]: unit-variance outputs for unit-variance inputs
                p.copy_(torch.randn(p.shape, generator=g) / math.sqrt(p.shape[1]))


def window_nlls(model, tokens, seqlen, bos):
    """GPTQ's protocol; with a BOS id each window is BOS + (seqlen - 1) text tokens."""
    step = seqlen - 1 if bos is not None else seqlen
    n = tokens.numel() // step
    out = []
    for i in range(n):
        w = tokens[i * step:(i + 1) * step]
        if bos is not None:
            w = torch.cat([torch.tensor([bos]), w])
        logits = model(w[None]).logits.float()
        loss = torch.nn.functional.cross_entropy(logits[0, :-1], w[1:])
        out.append(loss.item())
    return torch.tensor(out, dtype=torch.float32)


def to_legacy_rope(folder):
    """Rewrites config.json in the transformers v4 layout (rope_theta + rope_scaling with "type")."""
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    rope = cfg.pop("rope_parameters")
    cfg["rope_theta"] = rope.pop("rope_theta")
    rope["type"] = rope.pop("rope_type")
    cfg["rope_scaling"] = rope
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2)


def build(name, config, seed, legacy_rope=False):
    folder = os.path.join(ROOT, name)
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    redraw(model, seed)
    model.save_pretrained(folder)
    if legacy_rope:
        to_legacy_rope(folder)
    # Everything below comes from the files on disk, so the fixture is what was tested.
    model = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager", dtype=torch.float32).eval()

    g = torch.Generator().manual_seed(seed + 1)
    vocab = config.vocab_size
    ids = torch.randint(0, vocab, (2, SEQLEN), generator=g)
    ppl_tokens = torch.randint(0, vocab, (PPL_TOKENS,), generator=g)
    ref = {}
    with torch.no_grad():
        out = model(ids, output_hidden_states=True)
        ref["logits"] = out.logits.float()
        ref["block_input.1"] = out.hidden_states[1].float()
        nll = window_nlls(model, ppl_tokens, PPL_SEQLEN, None)
        nll_bos = window_nlls(model, ppl_tokens, PPL_SEQLEN, config.bos_token_id)
        model_bf16 = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager",
                                                          dtype=torch.bfloat16).eval()
        ref["logits_bf16"] = model_bf16(ids).logits.float()
    ref["rope_inv_freq"] = model.model.rotary_emb.inv_freq.float()
    ref["input_ids"] = ids.float()
    ref["ppl_tokens"] = ppl_tokens.float()
    ref["ppl_window_nll"] = nll
    ref["ppl_bos_window_nll"] = nll_bos
    ref["ppl"] = torch.tensor([math.exp(nll.double().mean().item())], dtype=torch.float32)
    ref["ppl_bos"] = torch.tensor([math.exp(nll_bos.double().mean().item())], dtype=torch.float32)
    save_file({k: v.contiguous() for k, v in ref.items()}, os.path.join(folder, "reference.safetensors"))
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"{name}: {size / 1024:.0f} KiB, ppl {ref['ppl'].item():.4f}, |logits| max {ref['logits'].abs().max():.3f}")


DEMO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "demo")
DEMO_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEMO_TEXT = "The capital of France is Paris. It is known for the Eiffel Tower, museums and its cafes."


def build_demo_reference():
    if not os.path.exists(os.path.join(DEMO_DIR, DEMO_GGUF)):
        print("demo model absent: skipping smollm2_demo")
        return
    from transformers import AutoTokenizer
    model = AutoModelForCausalLM.from_pretrained(DEMO_DIR, gguf_file=DEMO_GGUF, dtype=torch.float32,
                                                 attn_implementation="eager").eval()
    tok = AutoTokenizer.from_pretrained(DEMO_DIR, gguf_file=DEMO_GGUF)
    ids = tok(DEMO_TEXT, return_tensors="pt").input_ids
    with torch.no_grad():
        logits = model(ids).logits.float()
    folder = os.path.join(ROOT, "smollm2_demo")
    os.makedirs(folder, exist_ok=True)
    save_file({"input_ids": ids.float().contiguous(),
               "logits_head": logits[:, :, :512].contiguous(),
               "logsumexp": torch.logsumexp(logits, -1).contiguous(),
               "argmax": logits.argmax(-1).float().contiguous()},
              os.path.join(folder, "reference.safetensors"))
    print(f"smollm2_demo: {ids.shape[1]} tokens, next after the text: {tok.decode(logits[0, -1].argmax())!r}")


def main():
    # LLaMA: GQA (4 heads, 2 kv heads), untied lm_head, llama3 RoPE scaling whose three frequency
    # bands (kept, smoothed, divided) are all hit by head_dim 12 with these wavelengths.
    build("tiny_llama", LlamaConfig(
        vocab_size=128, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=16384,
        rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
        rope_parameters={"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0,
                         "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                         "original_max_position_embeddings": 8192}), seed=1)
    # Qwen3: explicit head_dim 16 != hidden/heads = 8, q/k RMSNorm, tied embeddings (no lm_head tensor).
    build("tiny_qwen3", Qwen3Config(
        vocab_size=128, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=256,
        tie_word_embeddings=True, bos_token_id=1, eos_token_id=[2, 3],
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0}), seed=2)
    # Qwen2: q/k/v biases, linear RoPE scaling, config.json in the transformers v4 layout.
    build("tiny_qwen2", Qwen2Config(
        vocab_size=128, hidden_size=64, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
        tie_word_embeddings=False, bos_token_id=1, eos_token_id=2,
        rope_parameters={"rope_type": "linear", "rope_theta": 10000.0, "factor": 2.0}), seed=3,
        legacy_rope=True)
    build_demo_reference()


if __name__ == "__main__":
    main()
