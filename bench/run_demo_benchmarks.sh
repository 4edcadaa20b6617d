#!/usr/bin/env bash
# End-to-end figures on the demo model for docs/benchmarks.md. Each result is a JSON file in
# OUT (default build/bench-results). Needs: a build (scripts/build.sh), the demo model
# (scripts/fetch-demo-model.sh), ../shared/data, and for the side-by-side reference columns a
# Python environment with torch, transformers, auto-round (REF_PY, default /work/refvenv/bin/python)
# plus the demo model as an HF folder (scripts/reference/gguf_to_hf.py -> .cache/demo/hf-fp32).
#
# usage: bench/run_demo_benchmarks.sh [rtn|ablation|analyze|memory|micro]...   (default: all)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${OUT:-$root/build/bench-results}"
mkdir -p "$out"
srs="$root/build/app/signround"
gguf="$root/.cache/demo/SmolLM2-135M-Instruct.Q4_1.gguf"
hf="$root/.cache/demo/hf-fp32"
wiki="$root/../shared/data/wikitext-2-raw-v1/test.txt"
austen="$root/.cache/demo/austen"
ref_py="${REF_PY:-/work/refvenv/bin/python}"
windows="${WINDOWS:-12}"      # WikiText-2 windows of 2048 tokens per RTN figure
# SCHEMES (default "W4A16 W3A16 W2A16G64 MXFP4") picks the RTN schemes.
threads="${THREADS:-$(nproc)}"

rtn() {  # RTN perplexity, ours and auto-round's, same model, text and windows
  for s in ${SCHEMES:-W4A16 W3A16 W2A16G64 MXFP4}; do
    "$srs" quantize --method rtn --scheme "$s" --model "$gguf" --eval-text "$wiki" --max-windows "$windows" \
      --threads "$threads" --quiet --json > "$out/rtn_$s.json"
    "$ref_py" "$root/scripts/reference/rtn_autoround.py" "$hf" "$s" "$wiki" --max-windows "$windows" \
      --threads "$threads" --json 2>/dev/null | tail -n 1 > "$out/rtn_${s}_autoround.json"
  done
}

ablation() {  # DeltaLoss plan vs the naive plans at 3.0 bits from {W2A16, W4A16}
  # 16 calibration windows of ABLATION_SEQLEN tokens (default 1024: at 2 bits, 256-token windows
  # rank the blocks differently; docs/benchmarks.md has both).
  local seqlen="${ABLATION_SEQLEN:-1024}"
  "$srs" analyze --model "$gguf" --calib "$austen" --options W2A16,W4A16 --seqlen "$seqlen" --batch-size 4 \
    --project "$out/ablation_$seqlen.h5" --force --threads "$threads" --quiet --json > "$out/analyze_w2w4_$seqlen.json"
  for strategy in deltaloss first-blocks last-blocks; do
    "$srs" allocate --project "$out/ablation_$seqlen.h5" --avg-bits 3.0 --strategy "$strategy" \
      --out "$out/plan_${strategy}_$seqlen.json" --json > "$out/allocate_${strategy}_$seqlen.json"
    "$srs" quantize --method rtn --model "$gguf" --layer-config "$out/plan_${strategy}_$seqlen.json" --eval-text "$wiki" \
      --max-windows "$windows" --threads "$threads" --quiet --json > "$out/ablation_${strategy}_$seqlen.json"
  done
}

analyze() {  # DeltaLoss for five options on the demo model: time and peak memory
  "$srs" analyze --model "$gguf" --calib "$austen" --options W2A16,W4A16,W8A16,MXFP4,MXFP8 \
    --force --project "$out/demo5.h5" --threads "$threads" --quiet --json > "$out/analyze_5options.json"
}

memory() {  # analyze's peak memory does not grow with depth (streaming one block at a time)
  for n in 8 32; do
    [ -d "$root/.cache/synthetic-$n" ] || "$ref_py" "$root/scripts/make_synthetic_model.py" "$root/.cache/synthetic-$n" \
      --blocks "$n" --tokenizer-from "$hf"
    "$srs" analyze --model "$root/.cache/synthetic-$n" --calib "$austen" --options W4A16 --force \
      --project "$out/synthetic-$n.h5" --threads "$threads" --quiet --json > "$out/memory_$n.json"
  done
}

micro() {  # Google Benchmark: matmul peak, demo forward / block forward+backward, allocator, qdq
  "$root/build/bench/srs_bench" --benchmark_format=json --benchmark_out="$out/micro.json" \
    --benchmark_out_format=json > /dev/null
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(rtn ablation analyze memory micro)
for step in "${steps[@]}"; do
  echo "== $step" >&2
  "$step"
done
echo "results in $out" >&2
