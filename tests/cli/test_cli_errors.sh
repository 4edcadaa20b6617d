#!/usr/bin/env bash
# The CLI on bad input: every case must exit non-zero with a message that names the file,
# tensor, key or setting, and never crash (a signal exit is >= 128).
# usage: test_cli_errors.sh SIGNROUND GOLDEN_DIR DEMO_GGUF
set -uo pipefail
srs="$1"; golden="$2"; demo="$3"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
failures=0; passed=0

# expect RC PATTERN -- ARGS...: exit code RC and stderr matching PATTERN (grep -E)
expect() {
  local want_rc="$1" pattern="$2"; shift 3
  "$srs" "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
  if [ "$rc" -ne "$want_rc" ] || ! grep -qE -- "$pattern" "$tmp/err" "$tmp/out"; then
    echo "FAIL: signround $* -> exit $rc (want $want_rc), output:"; sed 's/^/    /' "$tmp/err" | head -5
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

expect 2 "unknown command" -- frobnicate
expect 1 "$tmp/none.gguf: no such file" -- info "$tmp/none.gguf"
printf 'GGUX\003\000\000\000' > "$tmp/badmagic.gguf"
expect 1 "badmagic.gguf: not a GGUF file" -- info "$tmp/badmagic.gguf"
expect 1 "not a model" -- info "$golden/deltaloss/tokens.json"
expect 1 "unknown option --colour" -- info --colour "$golden/model/tiny_llama"
expect 0 "LlamaForCausalLM" -- info "$golden/model/tiny_llama"
expect 1 "tiny_llama.*no tokenizer" -- eval --model "$golden/model/tiny_llama" --text "$golden/deltaloss/tokens.json"
expect 1 "W9A16.*W4A16" -- quantize --model "$golden/model/tiny_llama" --scheme W9A16
expect 1 "--max-windows expects an integer" -- eval --model x --text y --max-windows many
printf '{"model.layers.0.nope": "W4A16"}' > "$tmp/lc.json"
expect 1 "model.layers.0.nope.*matches no layer" -- quantize --model "$golden/model/tiny_llama" --layer-config "$tmp/lc.json"

# A tensor whose shape disagrees with the config.
mkdir -p "$tmp/badshape"
cp "$golden/model/tiny_llama/model.safetensors" "$tmp/badshape/"
sed 's/"intermediate_size": [0-9]*/"intermediate_size": 7/' "$golden/model/tiny_llama/config.json" > "$tmp/badshape/config.json"
expect 1 "gate_proj.*shape" -- info "$tmp/badshape"
# A truncated safetensors file.
mkdir -p "$tmp/trunc"
cp "$golden/model/tiny_llama/config.json" "$tmp/trunc/"
head -c 2000 "$golden/model/tiny_llama/model.safetensors" > "$tmp/trunc/model.safetensors"
expect 1 "trunc/model.safetensors" -- info "$tmp/trunc"

if [ -f "$demo" ]; then
  head -c 100000 "$demo" > "$tmp/trunc.gguf"
  expect 1 "trunc.gguf" -- info "$tmp/trunc.gguf"
  printf 'too short' > "$tmp/short.txt"
  expect 1 "too short.*short.txt" -- analyze --model "$demo" --calib "$tmp/short.txt" --project "$tmp/p.h5"
  expect 1 "W9A16.*W4A16" -- analyze --model "$demo" --calib "$tmp/short.txt" --options W9A16 --project "$tmp/p.h5"
  # A project is never recomputed for the same model and calibration, and is refused for another model.
  small=(--calib "$tmp/calib.txt" --options W4A16 --nsamples 2 --seqlen 32 --batch-size 2 --project "$tmp/small.h5" --quiet)
  head -c 20000 "$(dirname "$demo")/austen/emma.txt" > "$tmp/calib.txt"
  expect 0 "saved" -- analyze --model "$demo" "${small[@]}"
  expect 0 "nothing to do" -- analyze --model "$demo" "${small[@]}"
  expect 0 "lm_head was not scored; recomputing" -- analyze --model "$demo" "${small[@]}" --quant-lm-head
  expect 1 "small.h5: its scores belong to another model" -- allocate --project "$tmp/small.h5" --avg-bits 4 \
    --model "$golden/model/tiny_llama"
  head -c 300 "$golden/deltaloss/tokens.json" > "$tmp/broken.h5"
  expect 1 "broken.h5" -- allocate --project "$tmp/broken.h5" --avg-bits 3
else
  echo "FAIL: demo model missing at $demo (run scripts/fetch-demo-model.sh)"; failures=$((failures + 1))
fi

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
