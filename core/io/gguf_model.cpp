#include "io/gguf_model.h"

#include <limits>
#include <utility>

#include "io/gguf_file.h"
#include "io/gguf_weights.h"
#include "util/error.h"

namespace srs {

namespace {

Architecture parse_architecture(const GgufFile& f, const std::string& arch) {
  if (arch == "llama") return Architecture::Llama;
  if (arch == "qwen2") return Architecture::Qwen2;
  if (arch == "qwen3") return Architecture::Qwen3;
  throw Error(f.path() + ": architecture '" + arch +
              "' (metadata key 'general.architecture') is not supported; supported: llama, qwen2, qwen3.");
}

int64_t positive_int(const GgufFile& f, const std::string& key) {
  const int64_t v = f.get_int(key);
  if (v <= 0) {
    throw Error(f.path() + ": metadata key '" + key + "' is " + std::to_string(v) +
                "; it must be positive. The model file is corrupt.");
  }
  return v;
}

RopeScaling rope_scaling(const GgufFile& f, const std::string& p) {
  RopeScaling r;
  const std::string type_key = p + "rope.scaling.type";
  const std::string type = f.get_string_or(type_key, "");
  if (type.empty() || type == "none") {
    // Older converters wrote only a linear factor.
    const double linear = f.get_float_or(p + "rope.scale_linear", 1.0);
    if (linear != 1.0) {
      r.type = RopeScaling::Type::Linear;
      r.factor = linear;
    }
    return r;
  }
  if (type != "linear") {
    throw Error(f.path() + ": RoPE scaling '" + type + "' (metadata key '" + type_key +
                "') is not supported; supported: none, linear.");
  }
  r.type = RopeScaling::Type::Linear;
  r.factor = f.get_float(p + "rope.scaling.factor");
  r.original_max_position_embeddings =
      f.get_int_or(p + "rope.scaling.original_context_length", r.original_max_position_embeddings);
  return r;
}

// Special-token ids outside the vocabulary are dropped, as llama.cpp does ("bad special token").
int64_t token_id(const GgufFile& f, const std::string& key, size_t n_tokens) {
  const int64_t id = f.get_int_or(key, -1);
  return id >= 0 && static_cast<uint64_t>(id) < n_tokens ? id : -1;
}

void check_length(const GgufFile& f, const std::string& key, size_t got, size_t n_tokens) {
  if (got != n_tokens) {
    throw Error(f.path() + ": metadata key '" + key + "' has " + std::to_string(got) + " entries but " +
                "'tokenizer.ggml.tokens' has " + std::to_string(n_tokens) + ". The model file is corrupt.");
  }
}

}  // namespace

ModelConfig gguf_model_config(const GgufFile& f) {
  const std::string arch = f.get_string("general.architecture");
  ModelConfig c;
  c.architecture = parse_architecture(f, arch);
  const std::string p = arch + ".";
  c.max_position_embeddings = positive_int(f, p + "context_length");
  c.hidden_size = positive_int(f, p + "embedding_length");
  c.num_hidden_layers = positive_int(f, p + "block_count");
  c.intermediate_size = positive_int(f, p + "feed_forward_length");
  c.num_attention_heads = positive_int(f, p + "attention.head_count");
  c.num_key_value_heads = f.has(p + "attention.head_count_kv") ? positive_int(f, p + "attention.head_count_kv")
                                                                 : c.num_attention_heads;
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    throw Error(f.path() + ": " + std::to_string(c.num_attention_heads) + " attention heads ('" + p +
                "attention.head_count') do not divide into " + std::to_string(c.num_key_value_heads) +
                " key/value heads ('" + p + "attention.head_count_kv'). The model file is corrupt.");
  }
  c.rms_norm_eps = f.get_float(p + "attention.layer_norm_rms_epsilon");
  c.rope_theta = f.get_float_or(p + "rope.freq_base", 10000.0);
  // Qwen3 states its head size (key_length); llama states the rotary size, which is the head size.
  if (f.has(p + "attention.key_length")) {
    c.head_dim = positive_int(f, p + "attention.key_length");
  } else if (f.has(p + "rope.dimension_count")) {
    c.head_dim = positive_int(f, p + "rope.dimension_count");
  } else {
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  c.rope_scaling = rope_scaling(f, p);

  if (f.has(p + "vocab_size")) {
    c.vocab_size = positive_int(f, p + "vocab_size");
  } else if (const GgufKv* tokens = f.find("tokenizer.ggml.tokens"); tokens && tokens->type == GgufValueType::Array) {
    c.vocab_size = static_cast<int64_t>(tokens->count);
  } else if (const GgufTensorInfo* embd = f.find_tensor("token_embd.weight"); embd && embd->ne.size() == 2) {
    c.vocab_size = embd->ne[1];
  } else {
    throw Error(f.path() + ": cannot tell the vocabulary size: no '" + p +
                "vocab_size', no 'tokenizer.ggml.tokens' and no 2-D 'token_embd.weight'.");
  }
  c.tie_word_embeddings = f.find_tensor("output.weight") == nullptr;
  c.attention_bias = c.architecture == Architecture::Qwen2 || f.find_tensor("blk.0.attn_q.bias") != nullptr;
  c.qk_norm = c.architecture == Architecture::Qwen3;
  return c;
}

TokenizerData gguf_tokenizer_data(const GgufFile& f) {
  TokenizerData t;
  if (!f.has("tokenizer.ggml.model")) return t;  // a weights-only file; the caller decides if that is enough
  t.model = f.get_string("tokenizer.ggml.model");
  t.pre = f.get_string_or("tokenizer.ggml.pre", "");
  t.tokens = f.get_string_array("tokenizer.ggml.tokens");
  const size_t n = t.tokens.size();
  if (f.has("tokenizer.ggml.scores")) {
    t.scores = f.get_f32_array("tokenizer.ggml.scores");
    check_length(f, "tokenizer.ggml.scores", t.scores.size(), n);
  }
  if (f.has("tokenizer.ggml.token_type")) {
    const std::vector<int64_t> types = f.get_int_array("tokenizer.ggml.token_type");
    check_length(f, "tokenizer.ggml.token_type", types.size(), n);
    t.token_types.reserve(n);
    for (int64_t v : types) {
      if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
        throw Error(f.path() + ": metadata key 'tokenizer.ggml.token_type' holds " + std::to_string(v) +
                    ", outside the token type range. The model file is corrupt.");
      }
      t.token_types.push_back(static_cast<int32_t>(v));
    }
  }
  if (f.has("tokenizer.ggml.merges")) t.merges = f.get_string_array("tokenizer.ggml.merges");
  t.bos_id = token_id(f, "tokenizer.ggml.bos_token_id", n);
  t.eos_id = token_id(f, "tokenizer.ggml.eos_token_id", n);
  t.unk_id = token_id(f, "tokenizer.ggml.unknown_token_id", n);
  t.pad_id = token_id(f, "tokenizer.ggml.padding_token_id", n);
  // Defaults as llama.cpp's vocabulary loader: SentencePiece models add BOS and a space prefix.
  const bool spm = t.model == "llama";
  t.add_bos = f.get_bool_or("tokenizer.ggml.add_bos_token", spm);
  t.add_eos = f.get_bool_or("tokenizer.ggml.add_eos_token", false);
  t.add_space_prefix = f.get_bool_or("tokenizer.ggml.add_space_prefix", spm);
  return t;
}

GgufModel open_gguf_model(const std::string& path) {
  auto file = std::make_shared<const GgufFile>(path);
  GgufModel m;
  m.architecture_key = file->get_string("general.architecture");
  m.config = gguf_model_config(*file);
  m.tokenizer = gguf_tokenizer_data(*file);
  m.config.bos_token_id = m.tokenizer.bos_id;
  m.config.eos_token_id = m.tokenizer.eos_id;
  if (!file->find_tensor("token_embd.weight")) {
    throw Error(path + ": tensor 'token_embd.weight' is missing; the file holds no complete model.");
  }
  m.weights = std::make_unique<GgufWeightSource>(file, m.architecture_key, m.config.num_attention_heads,
                                                 m.config.num_key_value_heads);
  return m;
}

}  // namespace srs
