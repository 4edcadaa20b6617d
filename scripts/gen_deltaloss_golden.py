#!/usr/bin/env python3
"""Golden DeltaLoss sensitivity scores from auto-round's own AutoScheme scoring code.

Run with the reference environment (not in CI; about two minutes on CPU):
    /work/refvenv/bin/python scripts/gen_deltaloss_golden.py

Inputs
  model   tests/golden/model/tiny_llama (scripts/gen_tiny_models.py; 2 blocks, hidden 48,
          intermediate 96, vocab 128), loaded with transformers in float32, eager attention.
  tokens  torch.randint(0, 128, (4, 32), generator=torch.Generator().manual_seed(0)) (int64),
          stored in tests/golden/deltaloss/tokens.json. nsamples 4, seqlen 32, batch_size 2:
          batch 0 = samples [0, 1], batch 1 = samples [2, 3] (consecutive, no shuffling), each
          fed as {"input_ids": [2, 32], "attention_mask": ones} like auto-round's collate_batch.

What produces the numbers
  auto_round.auto_scheme.delta_loss.get_score_for_scheme (auto-round 0.16.1), called once per
  option after auto_round.auto_scheme.utils.apply_quant_scheme, exactly as the serial path of
  _gen_layer_config calls it, with low_gpu_mem_usage=True (the AutoScheme default; it runs
  model_forward_low_gpu), major_device="cpu", enable_torch_compile=False, nsamples=4, seqlen=32,
  batch_size=2, need_weight_grad computed by _gen_layer_config's rule (see below).
  Deviations, all outside the scoring arithmetic:
  - get_dataloader (auto-round's dataset loader) is monkeypatched to return our two batches.
  - _log_score_summary_by_block_and_nonblock (a logging helper that get_score_for_scheme calls
    while the AutoSchemeWrapperLinear wrappers still exist) is wrapped to read each wrapper's
    weight_score, act_score and act_cnt; the function itself only returns [bits, mix_score].
  - quant_layer_names = the 14 nn.Linear of the two decoder blocks (lm_head excluded: AutoScheme
    leaves it unquantized unless quant_lm_head; embeddings are never scored).
  - Each linear gets tuning_device="cpu", as gen_layer_config does; the model is in eval mode.
  The non-low-GPU path (low_gpu_mem_usage=False) cannot be used: in 0.16.1 it raises "element 0
  of tensors does not require grad" because _ScoreLinear takes the weight through the wrapper
  object, so nothing in the loss requires grad.

Semantics of 0.16.1 (read from the code, confirmed by the independent recomputation below)
  - Loss per batch: transformers' causal-LM loss with labels = input_ids: logits in fp32,
    shifted, cross-entropy with mean reduction over the batch's bs * (seqlen - 1) = 62 targets.
    One backward per batch; nothing is accumulated across batches before the absolute value:
      weight_score = sum_batches sum_elems | dL_b/dW_hat (.) (W - W_hat) |
      act_score    = sum_batches sum_elems | dL_b/dx_hat (.) (x - x_hat) |   (sum, not mean)
      score (auto-round's mix_score) = weight_score + act_score.
  - W_hat: plain RTN of WrapperLinear (disable_opt_rtn=True, no imatrix, v = 0,
    min_scale = max_scale = 1, no tuning). int sym (W2A16, W4A16, group 128): quant_tensor_sym
    with scale_dtype float16 (get_score_for_scheme sets float16 for act_bits > 8), i.e.
    s = signed max / 2^(b-1) rounded to fp16, clamped away from 0 by 1e-5, q = clamp(round(W/s),
    -2^(b-1), 2^(b-1)-1). The tiny model's rows (48 or 96 columns) are shorter than 128, so a
    whole row is one group (no padding). MXFP4 (group 32): quant_mx, rows padded with zeros to a
    multiple of 32 (48 -> 64).
  - need_weight_grad (global over the option list): True as soon as one non-BF16 option has
    weight bits <= 8. In 0.16.1 that includes MXFP4 (docs/algorithm.md section 2.1 describes the
    older rule "only if a weight-only option is present"); so all three lists here score weights.
  - The activation term is dead in 0.16.1: in the scoring replay AutoSchemeWrapperLinear.forward
    takes the _ScoreLinear path, which never calls _qdq_act, so act_score = 0 and act_cnt = 0
    for every MXFP4 layer (auto-round logs "max abs activation is 0"). Worse, the two halves of
    one batch disagree: the capture forward (grad off) does quantize activations, so the block
    inputs and the gradient entering the last block come from the W+A quantized model, while
    the block-by-block backward replay recomputes every block with quantized weights but
    unquantized activations. The 0.16.1 MXFP4 weight scores are that hybrid.
  Because that is not a usable target for the activation term, every JSON file also carries a
  second set, "scores_act_hook_path": the same call with AutoSchemeWrapperLinear's own
  _custom_score_forward switched off (the flag already exists; the GGUF wrappers run with it
  off). The replay then goes through WrapperLinear.forward, i.e. _qdq_weight's anchor hook
  (grad = dL/dW_hat per batch) and _qdq_act's hook, so activations are quantized in both halves
  and the act term is what docs/algorithm.md describes. For weight-only options both sets are
  identical (checked). In that set the gradient reaching earlier layers passes through
  auto-round's MX activation qdq autograd (floor_ste / STE on the element and shared
  exponents, zero gradient where clamped), not through an identity STE.

Independent check: reference_scores() recomputes both sets with plain autograd (HF model,
weights replaced by W_hat, activation qdq in Linear pre-hooks, per-batch loss and backward,
block-by-block replay only where the hybrid needs it) and the script fails unless every score
agrees to 1e-5 relative.

Outputs in tests/golden/deltaloss/: tokens.json, wonly.json (W2A16, W4A16), mxfp4.json (MXFP4),
mixed.json (W2A16, MXFP4); schema in each file's "schema" entry.
"""
import json
import os
from dataclasses import asdict

import auto_round
import auto_round.auto_scheme.delta_loss as delta_loss
import torch
import transformers
from auto_round.auto_scheme.utils import apply_quant_scheme, compute_layer_bits, remove_quant_scheme
from auto_round.data_type.utils import get_quant_func
from auto_round.schemes import preset_name_to_scheme
from transformers import AutoModelForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODEL_DIR = os.path.join(ROOT, "tests", "golden", "model", "tiny_llama")
OUT_DIR = os.path.join(ROOT, "tests", "golden", "deltaloss")
NSAMPLES, SEQLEN, BATCH_SIZE, SEED = 4, 32, 2, 0
OPTION_LISTS = {
    "wonly": ["W2A16", "W4A16"],
    "mxfp4": ["MXFP4"],
    "mixed": ["W2A16", "MXFP4"],
}
CHECK_RTOL = 1e-5

DEFINITION = [
    "Batches: samples [0,1] and [2,3] of tokens.json, attention mask all ones, no BOS added.",
    "Model: every Linear of the decoder blocks uses W_hat = RTN qdq of its weight for the option "
    "(lm_head, embeddings and norms stay fp32); for options with act_bits <= 8 the Linear input x is "
    "replaced by x_hat = qdq_act(x) (dynamic MX, group 32 along the last dim, zero-padded).",
    "Per batch b: L_b = mean cross-entropy of logits[:, t] against input_ids[:, t+1] over all "
    "bs*(seqlen-1) positions; one backward per batch.",
    "weight_score(layer) = sum_b sum |dL_b/dW_hat * (W - W_hat)| (abs per batch, then summed over "
    "batches; never |sum of grads|). Computed only when need_weight_grad.",
    "act_score(layer) = sum_b sum |dL_b/dx_hat * (x - x_hat)| over the layer's forward calls (sum, "
    "not mean). Only for act_bits <= 8.",
    "score = weight_score + act_score; bits = compute_layer_bits(layer) with scale/zp bits, "
    "bits_no_scale_zp = compute_layer_bits(layer, ignore_scale_zp_bits=True) = weight bits * weight numel.",
    "need_weight_grad (auto-round 0.16.1): true iff some non-BF16 option in the list has weight "
    "bits <= 8 (MXFP4 counts).",
    "scores (auto-round 0.16.1 as shipped): act_score is always 0 and, for MXFP4, the backward uses "
    "the capture pass (weights AND activations quantized) only for the block inputs and for the "
    "gradient entering the last decoder block; each block is then recomputed with W_hat but WITHOUT "
    "activation qdq and back-propagated block by block from those captured inputs.",
    "scores_act_hook_path: one consistent model (W_hat and x_hat everywhere, capture and replay "
    "agree, so this is ordinary backprop through the fully quantized model); the gradient through "
    "an activation qdq is auto-round's MX autograd, not an identity STE.",
]

SCHEMA = {
    "options": "the option list scored together (need_weight_grad is derived from the whole list)",
    "scores": "auto-round 0.16.1 as shipped: {option: {scheme, layers: {hf_name: entry}, total_score}}",
    "scores_act_hook_path": "same call with AutoSchemeWrapperLinear._custom_score_forward = False",
    "entry": {
        "weight_score": "float, sum over batches of sum |dL/dW_hat * (W - W_hat)|",
        "act_score": "float, sum over forward calls of sum |dL/dx_hat * (x - x_hat)|",
        "act_calls": "int, auto-round's act_cnt (forward calls with a non-zero input)",
        "score": "float, weight_score + act_score (auto-round's mix_score, what the DP uses)",
        "bits": "int, compute_layer_bits(layer) including scale/zp bits",
        "bits_no_scale_zp": "int, compute_layer_bits(layer, ignore_scale_zp_bits=True)",
    },
}


def make_tokens():
    g = torch.Generator().manual_seed(SEED)
    return torch.randint(0, 128, (NSAMPLES, SEQLEN), generator=g)


def make_batches(ids):
    return [
        {"input_ids": ids[i:i + BATCH_SIZE].clone(), "attention_mask": torch.ones(BATCH_SIZE, SEQLEN, dtype=torch.long)}
        for i in range(0, NSAMPLES, BATCH_SIZE)
    ]


def load_model():
    model = AutoModelForCausalLM.from_pretrained(MODEL_DIR, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    names = [n for n, m in model.named_modules() if isinstance(m, torch.nn.Linear) and n != "lm_head"]
    for n in names:
        delta_loss.get_module(model, n).tuning_device = "cpu"
    return model, names


def need_weight_grad_for(options):
    """_gen_layer_config's rule in 0.16.1 (non-BF16 options with bits <= 8)."""
    need = False
    for opt in options:
        s = asdict(preset_name_to_scheme(opt))
        if s["bits"] >= 16 and s["act_bits"] >= 16:
            continue
        need = need or s["bits"] <= 8
    return need


# ---------------------------------------------------------------- auto-round
_captured = {}


def _install_patches(batches, act_hook_path):
    delta_loss.get_dataloader = lambda *a, **k: batches

    if not hasattr(delta_loss, "_orig_log_summary"):
        delta_loss._orig_log_summary = delta_loss._log_score_summary_by_block_and_nonblock
        delta_loss._orig_wrapper_init = delta_loss.AutoSchemeWrapperLinear.__init__

    def log_summary(scores, block_names, model=None, **kwargs):
        for n, m in model.named_modules():
            if hasattr(m, "mix_score"):
                _captured[n] = (m.weight_score, m.act_score, int(m.act_cnt), m.mix_score)
        return delta_loss._orig_log_summary(scores, block_names, model=model, **kwargs)

    def wrapper_init(self, *args, **kwargs):
        delta_loss._orig_wrapper_init(self, *args, **kwargs)
        if act_hook_path:
            self._custom_score_forward = False

    delta_loss._log_score_summary_by_block_and_nonblock = log_summary
    delta_loss.AutoSchemeWrapperLinear.__init__ = wrapper_init


def auto_round_scores(options, batches, act_hook_path):
    _install_patches(batches, act_hook_path)
    model, names = load_model()
    need = need_weight_grad_for(options)
    out = {}
    for opt in options:
        _captured.clear()
        apply_quant_scheme(model, names, {}, opt)
        bits_plain = {n: compute_layer_bits(delta_loss.get_module(model, n), True)[0] for n in names}
        scores = delta_loss.get_score_for_scheme(
            model, None, names, {}, "golden-tokens", nsamples=NSAMPLES, seqlen=SEQLEN,
            need_weight_grad=need, enable_torch_compile=False, low_gpu_mem_usage=True,
            major_device="cpu", batch_size=BATCH_SIZE)
        layers = {}
        for n in names:
            w, a, cnt, mix = _captured[n]
            assert mix == scores[n][1], (n, mix, scores[n])
            layers[n] = {"weight_score": w, "act_score": a, "act_calls": cnt, "score": mix,
                         "bits": int(scores[n][0]), "bits_no_scale_zp": int(bits_plain[n])}
        remove_quant_scheme(model)
        out[opt] = {"scheme": {k: v for k, v in asdict(preset_name_to_scheme(opt)).items() if v is not None},
                    "layers": layers, "total_score": sum(v["score"] for v in layers.values())}
    return out, need


# ---------------------------------------------------------------- independent recomputation
def _qdq_weight(w, s):
    func, dt = get_quant_func(s["data_type"], s["bits"], s["sym"], disable_opt_rtn=True,
                              group_size=s["group_size"], iters=200)
    scale_dtype = torch.float16 if s["act_bits"] > 8 else torch.bfloat16
    q, _, _ = func(w, bits=s["bits"], group_size=s["group_size"], v=torch.tensor(0.0),
                   min_scale=torch.tensor(1.0), max_scale=torch.tensor(1.0), scale_dtype=scale_dtype,
                   data_type=dt, q_scale_thresh=1e-5, imatrix=None)
    return q.to(w.dtype).detach()


def _act_qdq_func(s):
    func, dt = get_quant_func(s["act_data_type"], s["act_bits"], s["act_sym"], disable_opt_rtn=True, iters=200)

    def qdq(x):
        y, _, _ = func(x, bits=s["act_bits"], group_size=s["act_group_size"], scale_dtype=torch.bfloat16,
                       q_scale_thresh=1e-5, data_type=dt, tensor_max=None,
                       max_scale=torch.tensor(1.0), min_scale=torch.tensor(1.0))
        return y
    return qdq


def reference_scores(options, batches, need, hybrid):
    """Plain autograd version of the definition. hybrid=True reproduces 0.16.1's capture/replay
    mismatch (activation qdq in the capture forward only, no act term); hybrid=False is the
    consistent model of scores_act_hook_path."""
    out = {}
    for opt in options:
        s = asdict(preset_name_to_scheme(opt))
        model, names = load_model()
        for p in model.parameters():
            p.requires_grad_(False)
        qdq_act = _act_qdq_func(s) if s["act_bits"] <= 8 else None
        state = {"act_quant": False}
        w_score = {n: 0.0 for n in names}
        a_score = {n: 0.0 for n in names}
        w_diff = {}
        for n in names:
            lin = delta_loss.get_module(model, n)
            w = lin.weight.detach().clone()
            w_hat = _qdq_weight(w, s)
            w_diff[n] = w - w_hat
            lin.weight = torch.nn.Parameter(w_hat, requires_grad=True)

            def pre_hook(mod, args, n=n):
                if qdq_act is None or not state["act_quant"]:
                    return None
                x = args[0]
                x_hat = qdq_act(x)
                if x_hat.requires_grad and not hybrid:
                    diff = (x - x_hat).detach()
                    x_hat.register_hook(lambda g, n=n, diff=diff: a_score.__setitem__(
                        n, a_score[n] + torch.abs(g * diff).sum().item()))
                return (x_hat,)
            lin.register_forward_pre_hook(pre_hook)

        # the replay input of block 0 requires grad in auto-round, so block 0's first
        # activation qdq is scored too
        model.model.embed_tokens.register_forward_hook(lambda m, a, o: o.requires_grad_(True))
        layers = model.model.layers
        for batch in batches:
            ids = batch["input_ids"]
            for p in model.parameters():
                p.grad = None
            if not hybrid:
                state["act_quant"] = True
                logits = model(input_ids=ids, attention_mask=batch["attention_mask"], use_cache=False).logits.float()
                loss = torch.nn.functional.cross_entropy(
                    logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
                loss.backward()
            else:
                # capture pass: fully quantized model, record each block's inputs
                captured = []
                hooks = [blk.register_forward_pre_hook(
                    lambda m, a, k: captured.append((a, dict(k))), with_kwargs=True) for blk in layers]
                last_out = {}
                hooks.append(layers[-1].register_forward_hook(lambda m, a, o: last_out.setdefault("h", o)))
                state["act_quant"] = True
                with torch.no_grad():
                    model(input_ids=ids, attention_mask=batch["attention_mask"], use_cache=False)
                for h in hooks:
                    h.remove()
                h = last_out["h"].detach().requires_grad_(True)
                logits = model.lm_head(model.model.norm(h)).float()
                loss = torch.nn.functional.cross_entropy(
                    logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
                grad = torch.autograd.grad(loss, h)[0]
                # replay without activation qdq, block by block in reverse
                state["act_quant"] = False
                for i in reversed(range(len(layers))):
                    args, kwargs = captured[i]
                    x = (args[0] if args else kwargs.pop("hidden_states")).detach().requires_grad_(True)
                    kwargs = {k: v for k, v in kwargs.items() if k != "hidden_states"}
                    y = layers[i](x, *args[1:], **kwargs)
                    y = y[0] if isinstance(y, tuple) else y
                    torch.autograd.backward(y, grad)
                    grad = x.grad
            if need:
                for n in names:
                    g = delta_loss.get_module(model, n).weight.grad
                    w_score[n] += torch.abs(g * w_diff[n]).sum().item()
        out[opt] = {n: (w_score[n], a_score[n]) for n in names}
    return out


def check(auto, ref, label):
    worst = 0.0
    for opt, layers in auto.items():
        for n, e in layers["layers"].items():
            for got, want in ((e["weight_score"], ref[opt][n][0]), (e["act_score"], ref[opt][n][1])):
                rel = abs(got - want) / max(abs(want), 1e-12) if (got or want) else 0.0
                worst = max(worst, rel)
                if rel > CHECK_RTOL:
                    raise SystemExit(f"{label} {opt} {n}: auto-round {got} vs recomputation {want} (rel {rel:.2e})")
    print(f"{label}: auto-round agrees with the recomputation, worst relative difference {worst:.2e}")
    return worst


def main():
    torch.manual_seed(0)
    os.makedirs(OUT_DIR, exist_ok=True)
    ids = make_tokens()
    batches = make_batches(ids)
    with open(os.path.join(OUT_DIR, "tokens.json"), "w") as f:
        json.dump({"generator": f"torch.randint(0, 128, ({NSAMPLES}, {SEQLEN}), "
                                f"generator=torch.Generator().manual_seed({SEED})), int64",
                   "nsamples": NSAMPLES, "seqlen": SEQLEN, "batch_size": BATCH_SIZE,
                   "batches": "consecutive samples: [0,1], [2,3]; attention_mask all ones",
                   "input_ids": ids.tolist()}, f, indent=1)
        f.write("\n")

    for file_name, options in OPTION_LISTS.items():
        shipped, need = auto_round_scores(options, batches, act_hook_path=False)
        hooked, _ = auto_round_scores(options, batches, act_hook_path=True)
        worst_shipped = check(shipped, reference_scores(options, batches, need, hybrid=True), f"{file_name} scores")
        worst_hooked = check(hooked, reference_scores(options, batches, need, hybrid=False),
                             f"{file_name} scores_act_hook_path")
        doc = {
            "generator": "scripts/gen_deltaloss_golden.py",
            "reference_function": "auto_round.auto_scheme.delta_loss.get_score_for_scheme "
                                  "(low_gpu_mem_usage=True -> model_forward_low_gpu)",
            "auto_round_version": auto_round.__version__,
            "torch_version": torch.__version__,
            "transformers_version": transformers.__version__,
            "model": "tests/golden/model/tiny_llama",
            "tokens": "tokens.json",
            "nsamples": NSAMPLES, "seqlen": SEQLEN, "batch_size": BATCH_SIZE,
            "dtype": "float32 (model, activations, loss); int weight scales rounded to float16 as "
                     "auto-round does (scale_dtype float16 for act_bits > 8)",
            "device": "cpu",
            "lm_head": "not quantized, not scored",
            "options": options,
            "need_weight_grad": need,
            "definition": DEFINITION,
            "independent_recomputation_worst_rel_diff": {"scores": worst_shipped,
                                                         "scores_act_hook_path": worst_hooked},
            "schema": SCHEMA,
            "scores": shipped,
            "scores_act_hook_path": hooked,
        }
        with open(os.path.join(OUT_DIR, f"{file_name}.json"), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print(f"wrote {file_name}.json")


if __name__ == "__main__":
    main()
