#pragma once
// Block-by-block execution over many windows: each block is fetched once and runs every
// window's hidden state, in batches. This is how inputs of block i are captured for
// sensitivity analysis and tuning, and how low-memory evaluation streams a large model.
#include <ATen/ATen.h>

#include <functional>

#include "model/decoder_model.h"

namespace srs {

// Called after each batch: the block just run and how many windows it has done so far.
using BlockStepFn = std::function<void(int64_t block, int64_t windows_done)>;

// Runs hidden [n, seq, hidden] through blocks [first, last) in place, without gradients.
// `step` (optional) runs after every batch and may throw (e.g. srs::Cancelled).
void run_blocks(DecoderModel& model, at::Tensor& hidden, int64_t first, int64_t last, int64_t batch_size,
                const BlockStepFn& step = {});

// The hidden states entering block `block` for the windows `token_ids` [n, seq]:
// [n, seq, hidden] in the model's dtype and on its device, without gradients.
// Block 0's input is the embedding; block num_blocks() gives the input of the final norm.
at::Tensor capture_block_inputs(DecoderModel& model, const at::Tensor& token_ids, int64_t block, int64_t batch_size);

// Replays captured inputs [n, seq, hidden] through `block` in batches and returns its
// outputs. Runs under the caller's grad mode, so the outputs can be differentiated.
at::Tensor replay_block(DecoderModel& model, const DecoderBlock& block, const at::Tensor& inputs, int64_t batch_size);

}  // namespace srs
