#include "model/block_runner.h"

#include "util/error.h"

namespace srs {

namespace {

void check_batch_size(int64_t batch_size) {
  if (batch_size < 1) throw Error("batch size must be at least 1, got " + std::to_string(batch_size));
}

}  // namespace

void run_blocks(DecoderModel& model, at::Tensor& hidden, int64_t first, int64_t last, int64_t batch_size,
                const BlockStepFn& step) {
  check_batch_size(batch_size);
  at::NoGradGuard no_grad;
  const int64_t n = hidden.size(0);
  const RopeTables rope = model.rope(hidden.size(1));
  for (int64_t i = first; i < last; ++i) {
    const std::shared_ptr<DecoderBlock> block = model.block(i);  // freed at the end of the iteration in low_memory mode
    for (int64_t b = 0; b < n; b += batch_size) {
      const int64_t rows = std::min(batch_size, n - b);
      at::Tensor slice = hidden.narrow(0, b, rows);
      slice.copy_(block->forward(slice, rope));
      if (step) step(i, b + rows);
    }
  }
}

at::Tensor capture_block_inputs(DecoderModel& model, const at::Tensor& token_ids, int64_t block, int64_t batch_size) {
  if (block < 0 || block > model.num_blocks())
    throw Error("block " + std::to_string(block) + " does not exist; the model has " +
                std::to_string(model.num_blocks()));
  at::NoGradGuard no_grad;
  at::Tensor hidden = model.embed(token_ids);
  run_blocks(model, hidden, 0, block, batch_size);
  return hidden;
}

at::Tensor replay_block(DecoderModel& model, const DecoderBlock& block, const at::Tensor& inputs, int64_t batch_size) {
  check_batch_size(batch_size);
  const RopeTables rope = model.rope(inputs.size(1));
  std::vector<at::Tensor> outputs;
  for (int64_t b = 0; b < inputs.size(0); b += batch_size)
    outputs.push_back(block.forward(inputs.narrow(0, b, std::min(batch_size, inputs.size(0) - b)), rope));
  return at::cat(outputs, 0);
}

}  // namespace srs
