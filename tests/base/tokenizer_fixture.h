#pragma once
// Reading the tokenizer golden files written by scripts/gen_tokenizer_golden.py.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokenizer/tokenizer_data.h"
#include "util/atomic_file.h"

namespace srs::test {

// A GGUF vocabulary dumped as JSON (the keys of TokenizerData).
inline TokenizerData read_tokenizer_data(const std::string& path) {
  const nlohmann::json j = nlohmann::json::parse(read_file(path));
  TokenizerData d;
  d.model = j.at("model").get<std::string>();
  d.pre = j.at("pre").get<std::string>();
  d.tokens = j.at("tokens").get<std::vector<std::string>>();
  d.scores = j.at("scores").get<std::vector<float>>();
  d.token_types = j.at("token_types").get<std::vector<int32_t>>();
  d.merges = j.at("merges").get<std::vector<std::string>>();
  d.bos_id = j.at("bos_id").get<int64_t>();
  d.eos_id = j.at("eos_id").get<int64_t>();
  d.unk_id = j.at("unk_id").get<int64_t>();
  d.pad_id = j.at("pad_id").get<int64_t>();
  d.add_bos = j.at("add_bos").get<bool>();
  d.add_eos = j.at("add_eos").get<bool>();
  d.add_space_prefix = j.at("add_space_prefix").get<bool>();
  return d;
}

struct TokenizerCase {
  std::string text;
  std::vector<int32_t> ids;        // encode(text, add_special_tokens=true)
  std::vector<int32_t> ids_plain;  // encode(text, add_special_tokens=false)
  std::string decoded;             // decode(ids)
  std::string decoded_skip;        // decode(ids, skip_special_tokens=true)
};

// Id sequences whose HF decode is golden (byte tokens that are not valid UTF-8, ...).
struct DecodeCase {
  std::vector<int32_t> ids;
  std::string decoded;       // decode(ids)
  std::string decoded_skip;  // decode(ids, skip_special_tokens=true)
};

struct TokenizerCases {
  std::vector<TokenizerCase> encode;
  std::vector<DecodeCase> decode;
};

inline TokenizerCases read_tokenizer_cases(const std::string& path) {
  const nlohmann::json j = nlohmann::json::parse(read_file(path));
  TokenizerCases cases;
  for (const auto& c : j.at("cases")) {
    cases.encode.push_back({c.at("text").get<std::string>(), c.at("ids").get<std::vector<int32_t>>(),
                            c.at("ids_plain").get<std::vector<int32_t>>(), c.at("decoded").get<std::string>(),
                            c.at("decoded_skip").get<std::string>()});
  }
  for (const auto& c : j.at("decode_cases")) {
    cases.decode.push_back({c.at("ids").get<std::vector<int32_t>>(), c.at("decoded").get<std::string>(),
                            c.at("decoded_skip").get<std::string>()});
  }
  return cases;
}

// Token ids stored as uint16 little-endian.
inline std::vector<int32_t> read_u16_ids(const std::string& path) {
  const std::string bytes = read_file(path);
  std::vector<int32_t> ids(bytes.size() / 2);
  for (size_t i = 0; i < ids.size(); ++i)
    ids[i] = static_cast<unsigned char>(bytes[2 * i]) | (static_cast<unsigned char>(bytes[2 * i + 1]) << 8);
  return ids;
}

}  // namespace srs::test
