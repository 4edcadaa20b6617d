#pragma once
// A small but complete model for tests that run the whole analyze path (the studio's GUI
// tests): an HF folder with config.json, model.safetensors (deterministic random weights) and
// SmolLM2's tokenizer.json from tests/golden, plus calibration text made of deterministic
// pseudo-words. Written into a caller's temporary folder; nothing is downloaded.
#include <string>

namespace srs::test {

struct TinyStudioModel {
  std::string model_dir;   // the HF folder
  std::string calib_file;  // a .txt of enough text for 16 x 64 token windows
  int blocks = 0;
  int linear_layers = 0;   // quantizable Linear layers (7 per block)
};

// `blocks` decoder blocks of width 32. Throws when the folder cannot be written.
TinyStudioModel write_tiny_studio_model(const std::string& dir, int blocks = 3);

}  // namespace srs::test
