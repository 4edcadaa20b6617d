// Precompiled header for LibTorch: parsing these headers costs ~20 s per file otherwise.
#pragma once
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/variable.h>
