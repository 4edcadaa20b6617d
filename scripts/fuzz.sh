#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, libraries instrumented too) and runs
# each for SECONDS (default 300) on its corpus in tests/fuzz/corpus/<name>. Inputs that add
# coverage are merged into the corpus; a crash leaves its input in build-fuzz/ and fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-300}"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSRS_WITH_GUI=OFF -DSRS_WITH_HDF5=OFF -DSRS_WITH_BENCH=OFF -DBUILD_TESTING=OFF -DSRS_WITH_FUZZ=ON >/dev/null
targets=$(cd "$root/tests/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
cmake --build "$root/build-fuzz" --target $targets
status=0
for t in $targets; do
  name="${t#fuzz_}"
  mkdir -p "$root/tests/fuzz/corpus/$name"
  echo "== $t for ${seconds}s"
  found="$root/build-fuzz/found-$name"
  mkdir -p "$found"
  # New inputs land in $found; afterwards only those that add coverage join the corpus.
  if ! (cd "$root/build-fuzz" && "./tests/fuzz/$t" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    "$found" "$root/tests/fuzz/corpus/$name" > "$root/build-fuzz/$t.log" 2>&1); then
    echo "$t FOUND A CRASH: see build-fuzz/$t.log and the crash-* file in build-fuzz/"
    status=1
  fi
  grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" "$root/build-fuzz/$t.log"
  (cd "$root/build-fuzz" && "./tests/fuzz/$t" -merge=1 "$root/tests/fuzz/corpus/$name" "$found" 2>&1 | tail -n 1)
done
exit $status
