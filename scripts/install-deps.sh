#!/usr/bin/env bash
# Installs every system package SignRound Studio needs to build, test and benchmark.
# Idempotent: apt-get skips what is already installed. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3 python3-pip
  clang libclang-rt-dev               # libFuzzer targets (tests/fuzz)
  libtorch-dev libopenblas0-openmp   # LibTorch 1.13 (CPU); OpenMP OpenBLAS, else matmul runs on reference BLAS
  nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  libhdf5-dev
  qt6-base-dev qt6-svg-dev libqcustomplot-dev xvfb xauth   # qt6-svg-dev: chart export as SVG
)

if [ "${SRS_NO_GUI:-0}" = 1 ]; then
  packages=("${packages[@]/qt6-base-dev}")
  packages=("${packages[@]/libqcustomplot-dev}")
  packages=("${packages[@]/qt6-svg-dev}")
fi

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  [ -n "$p" ] || continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
