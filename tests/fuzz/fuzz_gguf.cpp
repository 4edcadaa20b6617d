// libFuzzer target for the GGUF reader: parse arbitrary bytes from memory, read every
// metadata value, build the model config, tokenizer data and HF weight view, and decode every
// tensor. srs::Error is the expected outcome for bad input; anything else (a crash, a sanitizer
// report, another exception type) is a bug.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "io/gguf_dequant.h"
#include "io/gguf_file.h"
#include "io/gguf_model.h"
#include "io/gguf_weights.h"
#include "util/error.h"

namespace {

void read_metadata(const srs::GgufFile& f) {
  for (const srs::GgufKv& kv : f.metadata()) {
    try {
      (void)f.value(kv.key);
      if (kv.type == srs::GgufValueType::Array) {
        switch (kv.elem_type) {
          case srs::GgufValueType::String: (void)f.get_string_array(kv.key); break;
          case srs::GgufValueType::F32: (void)f.get_f32_array(kv.key); break;
          default: (void)f.get_int_array(kv.key); break;
        }
      } else {
        (void)f.get_int(kv.key);
      }
    } catch (const srs::Error&) {
    }
  }
}

void decode_tensors(const srs::GgufFile& f) {
  std::vector<float> buf;
  for (const srs::GgufTensorInfo& t : f.tensors()) {
    if (!srs::can_dequantize(t.type)) continue;
    buf.resize(static_cast<size_t>(t.numel));
    f.read_f32(t, buf.data());
  }
}

void model_view(const std::shared_ptr<const srs::GgufFile>& f) {
  try {
    const srs::ModelConfig c = srs::gguf_model_config(*f);
    (void)srs::gguf_tokenizer_data(*f);
    srs::GgufWeightSource w(f, f->get_string("general.architecture"), c.num_attention_heads,
                            c.num_key_value_heads);
    std::vector<float> buf;
    for (const std::string& name : w.names()) {
      if (!srs::can_dequantize(w.gguf_tensor(name).type)) continue;
      buf.resize(static_cast<size_t>(srs::numel(w.shape(name))));
      w.read_f32(name, buf.data());
    }
  } catch (const srs::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::shared_ptr<const srs::GgufFile> f;
  try {
    f = std::make_shared<const srs::GgufFile>(data, size, "fuzz.gguf");
  } catch (const srs::Error&) {
    return 0;
  }
  read_metadata(*f);
  decode_tensors(*f);  // every tensor passed the range checks, so decoding must not throw
  model_view(f);
  return 0;
}
