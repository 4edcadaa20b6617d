#!/usr/bin/env python3
"""Golden vectors for the tokenizers (tests/golden/tokenizer/), from HF `tokenizers`.

smollm2/  the demo model's byte-level BPE (GGUF model "gpt2", pre "smollm"):
  tokenizer_data.json   the GGUF tokenizer.ggml.* keys, as TokenizerData holds them
  tokenizer.json        the same vocabulary as an HF tokenizer, built with the pre-tokenizer
                        llama.cpp uses for "smollm" (every digit isolated, then GPT-2 ByteLevel)
  tokenizer_config.json bos/eos names (the GGUF's bos/eos ids)
  hard_cases.json       ids and decodes of hard texts
  wikitext2_test_ids.u16  ids of the whole WikiText-2 test text, uint16 little-endian
spm/      a tiny SentencePiece BPE (byte_fallback) trained on the Austen texts:
  tokenizer.model       the sentencepiece model (the source of the rest)
  tokenizer_data.json   as llama.cpp's converter stores it in GGUF (model "llama")
  tokenizer.json        converted by transformers (Metaspace prepend_scheme "first")
  tokenizer_legacy.json the LLaMA-2 layout (Prepend + Replace normalizer), which is what
                        llama.cpp does with a GGUF vocabulary
  hard_cases.json, wikitext2_head_ids.u16
layouts/  LLaMA-3 and Qwen2 tokenizer.json layouts on the first 8192 SmolLM2 tokens (merges whose
          parts and result are among them): llama3.json (Split regex + ByteLevel without regex,
          ignore_merges, BOS template) and qwen2.json (NFC normalizer, Qwen2 Split regex), with
          hard_cases_*.json and wikitext2_head_ids_*.u16. The tests build the matching GGUF
          vocabularies (pre "llama-bpe" / "qwen2") from smollm2/tokenizer_data.json the same way.
pre_tokenizer_splits.json  HF Split(regex) pieces of the hard texts for the GPT-2, LLaMA-3 and
                           Qwen2 regexes and the SmolLM sequence.
nfc_cases.json  HF's NFC normalizer on the hard texts, their NFD/NFKD forms and decomposed
                Latin, Greek, Hangul and excluded characters.

Run from the repository root with the reference venv:
  /work/refvenv/bin/python scripts/gen_tokenizer_golden.py
Needs: gguf, tokenizers, transformers, sentencepiece, protobuf.
"""
import json
import os
import shutil
import struct
import sys
import tempfile

import gguf
import sentencepiece as spm
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "golden", "tokenizer")
DEMO = os.path.join(ROOT, ".cache", "demo", "SmolLM2-135M-Instruct.Q4_1.gguf")
WIKITEXT = os.path.join(ROOT, "..", "shared", "data", "wikitext-2-raw-v1", "test.txt")
AUSTEN = os.path.join(ROOT, "..", "shared", "data", "austen")
WIKITEXT_HEAD_LINES = 1500

GPT2_REGEX = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = LLAMA3_REGEX.replace(r"\p{N}{1,3}", r"\p{N}")

HARD_CASES = [
    "", " ", "  ", "\n", "Hello world", " Hello", "Hello  world", "Hello world ", "trailing spaces   ",
    "\tTabs\tand\nnewlines\n\n", "   leading and trailing   ", "\r\n windows\r\nline\r\n\r\n",
    "multiple   \n\n   spaces \n \t x", "a\u00a0b\u2003c\u3000d \u0085 next\u2028line",
    "I'm don't you'RE THEY'LL we'd it's She'S I'VE o'clock", "'s 's' '' 'LL", "I'\u017f dog'\u017fs",
    "1234567890 3.14159 1,000,000 2024-12-04 0x1F 12345678901234567890",
    "\uff11\uff12\uff13 full-width, \u0663\u0664\u0665 Arabic-Indic, \u216b \u00bd \u00b2 \u2460",
    "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u03ba\u03b5\u03af\u03bc\u03b5\u03bd\u03bf \u0420\u0443\u0441\u0441\u043a\u0438\u0439 \u0442\u0435\u043a\u0441\u0442",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \u4e2d\u6587\u6587\u672c \ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "\u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940 \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22",
    "\U0001F600\U0001F44D\U0001F3FD \U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466 \U0001F1EB\U0001F1F7 \u2764\ufe0f",
    "e\u0301 caf\u00e9 na\u00efve Z\u0351\u0300a\u0307\u0303lgo \u1e9b\u0323",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "text<|endoftext|>more <|endoftext|> spaced", "<|im_start|><|im_end|>", "< |im_start| > <|im_start",
    "<s>Hello</s> and <unk> here", "Hello <sep> world<sep>x", " <s> leading",
    "def f(x):\n    return x**2  # comment\n\n\tpass\n", "Hello!!! What??? ...and so on --- ok",
    "!@#$%^&*()_+-=[]{}|;':\",./<>?`~", "\x00\x01\x1c\x1f\x7f control",
    "Pneumonoultramicroscopicsilicovolcanoconiosis " + "a" * 70,
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, "
    "must be in want of a wife.",
    " = Robert Boulter = \n \n Robert Boulter is an English film , television and theatre actor . \n",
    "\u2581already meta\u2581space \u2581", "\ufeffBOM and \ufffd replacement",
]


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def write_u16(path, ids):
    assert max(ids) < 65536
    with open(path, "wb") as f:
        f.write(struct.pack(f"<{len(ids)}H", *ids))


# Token sequences (by token text) whose decode HF defines: bytes that do not form valid UTF-8,
# special tokens between byte tokens, the SentencePiece leading-space strip.
DECODE_CASES = {
    "smollm2": [["\u00e6"], ["\u00e6", "\u0139"], ["\u00e6", "\u0139", "\u00a5"], ["\u0139", "A"],
                ["\u00e6", "<|im_start|>", "\u00a5"], ["\u0120a", "\u00c3", "\u0120b"], []],
    "spm": [["<0xE6>"], ["<0xE6>", "<0x97>"], ["<0xE6>", "<0x97>", "<0xA5>"], ["\u2581a", "<0xE6>", "\u2581b"],
            ["<s>", "\u2581a"], ["<0x20>", "\u2581a"], ["\u2581", "\u2581", "a"], ["<sep>", "\u2581a", "</s>"], []],
}


def decode_cases(tok, name):
    out = []
    for texts in DECODE_CASES[name]:
        ids = [tok.token_to_id(t) for t in texts]
        assert None not in ids, texts
        out.append({"ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False),
                    "decoded_skip": tok.decode(ids, skip_special_tokens=True)})
    return out


def hard_cases(tok, name):
    cases = []
    for text in HARD_CASES:
        ids = tok.encode(text, add_special_tokens=True).ids
        plain = tok.encode(text, add_special_tokens=False).ids
        cases.append({
            "text": text, "ids": ids, "ids_plain": plain,
            "decoded": tok.decode(ids, skip_special_tokens=False),
            "decoded_skip": tok.decode(ids, skip_special_tokens=True),
        })
    return {"cases": cases, "decode_cases": decode_cases(tok, name)}


def gguf_tokenizer_data(path):
    reader = gguf.GGUFReader(path)

    def field(key, default=None):
        f = reader.fields.get(key)
        if f is None:
            return default
        if f.types[0] == gguf.GGUFValueType.ARRAY:
            if f.types[1] == gguf.GGUFValueType.STRING:
                return [bytes(f.parts[i]).decode("utf-8") for i in f.data]
            return [f.parts[i].tolist()[0] for i in f.data]
        if f.types[0] == gguf.GGUFValueType.STRING:
            return bytes(f.parts[f.data[0]]).decode("utf-8")
        return f.parts[f.data[0]].tolist()[0]

    return {
        "model": field("tokenizer.ggml.model"), "pre": field("tokenizer.ggml.pre", ""),
        "tokens": field("tokenizer.ggml.tokens"), "scores": field("tokenizer.ggml.scores", []),
        "token_types": field("tokenizer.ggml.token_type", []), "merges": field("tokenizer.ggml.merges", []),
        "bos_id": field("tokenizer.ggml.bos_token_id", -1), "eos_id": field("tokenizer.ggml.eos_token_id", -1),
        "unk_id": field("tokenizer.ggml.unknown_token_id", -1), "pad_id": field("tokenizer.ggml.padding_token_id", -1),
        "add_bos": bool(field("tokenizer.ggml.add_bos_token", False)),
        "add_eos": bool(field("tokenizer.ggml.add_eos_token", False)),
        "add_space_prefix": bool(field("tokenizer.ggml.add_space_prefix", True)),
    }


def smollm2():
    out = os.path.join(OUT, "smollm2")
    os.makedirs(out, exist_ok=True)
    data = gguf_tokenizer_data(DEMO)
    assert data["model"] == "gpt2" and data["pre"] == "smollm", (data["model"], data["pre"])
    write_json(os.path.join(out, "tokenizer_data.json"), data)

    vocab = {t: i for i, t in enumerate(data["tokens"])}
    merges = [tuple(m.split(" ")) for m in data["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False))
    # llama.cpp's "smollm" pre-tokenizer: \p{N} isolated, then the GPT-2 regex.
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t, ty in zip(data["tokens"], data["token_types"]) if ty == 3])
    tok.save(os.path.join(out, "tokenizer.json"), pretty=False)
    write_json(os.path.join(out, "tokenizer_config.json"), {
        "bos_token": data["tokens"][data["bos_id"]], "eos_token": data["tokens"][data["eos_id"]]})
    write_json(os.path.join(out, "hard_cases.json"), hard_cases(tok, "smollm2"))

    with open(WIKITEXT, encoding="utf-8") as f:
        text = f.read()
    ids = tok.encode(text, add_special_tokens=False).ids
    assert tok.decode(ids) == text
    write_u16(os.path.join(out, "wikitext2_test_ids.u16"), ids)
    print(f"smollm2: {len(data['tokens'])} tokens, wikitext {len(text)} chars -> {len(ids)} ids")


def spm_token_type(sp, i):
    # llama.cpp convert_hf_to_gguf (_create_vocab_sentencepiece)
    if sp.is_unknown(i):
        return 2
    if sp.is_control(i):
        return 3
    if sp.is_unused(i):
        return 5
    if sp.is_byte(i):
        return 6
    return 1


def spm_bpe():
    out = os.path.join(OUT, "spm")
    os.makedirs(out, exist_ok=True)
    model = os.path.join(out, "tokenizer.model")
    if not os.path.exists(model):
        tmp = tempfile.mkdtemp()
        files = sorted(os.path.join(AUSTEN, f) for f in os.listdir(AUSTEN) if f.endswith(".txt"))
        spm.SentencePieceTrainer.train(
            input=",".join(files), model_prefix=os.path.join(tmp, "spm"), vocab_size=1000, model_type="bpe",
            byte_fallback=True, character_coverage=0.9995, num_threads=2, user_defined_symbols=["<sep>"],
            input_sentence_size=200000, shuffle_input_sentence=False, minloglevel=2)
        shutil.copy(os.path.join(tmp, "spm.model"), model)
    sp = spm.SentencePieceProcessor(model_file=model)
    from sentencepiece import sentencepiece_model_pb2 as pb
    proto = pb.ModelProto()
    with open(model, "rb") as f:
        proto.ParseFromString(f.read())
    n = sp.get_piece_size()
    types = [4 if proto.pieces[i].type == pb.ModelProto.SentencePiece.USER_DEFINED else spm_token_type(sp, i)
             for i in range(n)]
    data = {
        "model": "llama", "pre": "", "tokens": [sp.id_to_piece(i) for i in range(n)],
        "scores": [sp.get_score(i) for i in range(n)], "token_types": types, "merges": [],
        "bos_id": sp.bos_id(), "eos_id": sp.eos_id(), "unk_id": sp.unk_id(), "pad_id": sp.pad_id(),
        "add_bos": True, "add_eos": False, "add_space_prefix": bool(proto.normalizer_spec.add_dummy_prefix),
    }
    write_json(os.path.join(out, "tokenizer_data.json"), data)

    # transformers' conversion (vocab, merges ordered by merged-piece id, added tokens).
    from transformers import LlamaTokenizer
    hf_dir = tempfile.mkdtemp()
    shutil.copy(model, os.path.join(hf_dir, "tokenizer.model"))
    tok = LlamaTokenizer.from_pretrained(hf_dir).backend_tokenizer
    # LLaMA-2 adds BOS by default (add_bos_token); write it as the post-processor, as the
    # Llama-2 tokenizer.json files do.
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", sp.bos_id())])
    tok.save(os.path.join(out, "tokenizer.json"), pretty=False)
    with open(WIKITEXT, encoding="utf-8") as f:
        head = "".join(f.readlines()[:WIKITEXT_HEAD_LINES])
    write_json(os.path.join(out, "hard_cases.json"), hard_cases(tok, "spm"))
    write_u16(os.path.join(out, "wikitext2_head_ids.u16"), tok.encode(head, add_special_tokens=False).ids)

    legacy = Tokenizer.from_str(tok.to_str())
    legacy.normalizer = normalizers.Sequence([normalizers.Prepend("\u2581"), normalizers.Replace(" ", "\u2581")])
    legacy.pre_tokenizer = None
    legacy.save(os.path.join(out, "tokenizer_legacy.json"), pretty=False)
    write_json(os.path.join(out, "hard_cases_legacy.json"), hard_cases(legacy, "spm"))
    write_u16(os.path.join(out, "wikitext2_head_ids_legacy.u16"), legacy.encode(head, add_special_tokens=False).ids)
    print(f"spm: {n} tokens, wikitext head {len(head)} chars")


LAYOUT_VOCAB = 8192


def layouts():
    out = os.path.join(OUT, "layouts")
    os.makedirs(out, exist_ok=True)
    data = gguf_tokenizer_data(DEMO)
    tokens = data["tokens"][:LAYOUT_VOCAB]
    vocab = {t: i for i, t in enumerate(tokens)}
    merges = []
    for m in data["merges"]:
        a, b = m.split(" ")
        if a in vocab and b in vocab and a + b in vocab:
            merges.append((a, b))
    specials = [AddedToken(t, special=True, normalized=False)
                for t, ty in zip(tokens, data["token_types"]) if ty == 3]
    with open(WIKITEXT, encoding="utf-8") as f:
        head = "".join(f.readlines()[:WIKITEXT_HEAD_LINES])

    def build(regex, ignore_merges):
        tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False, ignore_merges=ignore_merges))
        tok.pre_tokenizer = pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(regex), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)])
        tok.decoder = decoders.ByteLevel()
        tok.add_special_tokens(specials)
        return tok

    llama3 = build(LLAMA3_REGEX, True)
    llama3.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="<|im_start|> $A", pair="<|im_start|> $A <|im_start|> $B",
                                      special_tokens=[("<|im_start|>", 1)])])
    qwen2 = build(QWEN2_REGEX, False)
    qwen2.normalizer = normalizers.NFC()
    qwen2.post_processor = processors.ByteLevel(trim_offsets=False)
    for name, tok in (("llama3", llama3), ("qwen2", qwen2)):
        tok.save(os.path.join(out, f"{name}.json"), pretty=False)
        write_json(os.path.join(out, f"hard_cases_{name}.json"), hard_cases(tok, "smollm2"))
        write_u16(os.path.join(out, f"wikitext2_head_ids_{name}.u16"), tok.encode(head, add_special_tokens=False).ids)
    print(f"layouts: {len(tokens)} tokens, {len(merges)} merges")


def nfc_cases():
    import unicodedata
    nfc = normalizers.NFC()
    texts = list(HARD_CASES)
    texts += [unicodedata.normalize("NFD", t) for t in HARD_CASES]
    texts += [unicodedata.normalize("NFKD", t) for t in HARD_CASES]
    ranges = [(0xC0, 0x250), (0x370, 0x400), (0x1E00, 0x1F00), (0x1F00, 0x2000), (0xAC00, 0xAD00),
              (0x0900, 0x0980), (0x3040, 0x3100)]
    for lo, hi in ranges:
        texts.append(unicodedata.normalize("NFD", "".join(chr(c) for c in range(lo, hi))))
    texts += ["\u212b \u2126 \u0958 \u0f73 \u2adc \U0001d15e", "a\u0328\u0301 e\u0301\u0323 \u0041\u030a\u0301",
              "\u1100\u1161\u11a8 \u1100\u1161 \uac00\u11a8 \u1100\u0301\u1161",
              "\u0301 leading mark", "q\u0307\u0323 \u1e0b\u0323 \u1e9b\u0323 o\u031b\u0323\u0301"]
    write_json(os.path.join(OUT, "nfc_cases.json"), {"cases": [[t, nfc.normalize_str(t)] for t in texts]})


def pre_tokenizer_splits():
    def split(regex):
        return pre_tokenizers.Split(Regex(regex), behavior="isolated")

    variants = {
        "gpt2": split(GPT2_REGEX),
        "llama3": split(LLAMA3_REGEX),
        "qwen2": split(QWEN2_REGEX),
        "smollm": pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), split(GPT2_REGEX)]),
    }
    out = {"texts": HARD_CASES, "regex": {"gpt2": GPT2_REGEX, "llama3": LLAMA3_REGEX, "qwen2": QWEN2_REGEX}}
    for name, pt in variants.items():
        out[name] = [[piece for piece, _ in pt.pre_tokenize_str(t)] for t in HARD_CASES]
    write_json(os.path.join(OUT, "pre_tokenizer_splits.json"), out)


def main():
    if not os.path.exists(DEMO):
        sys.exit(f"missing {DEMO}: run scripts/fetch-demo-model.sh")
    os.makedirs(OUT, exist_ok=True)
    pre_tokenizer_splits()
    nfc_cases()
    smollm2()
    layouts()
    spm_bpe()


if __name__ == "__main__":
    main()
