// Tokenizers from an HF tokenizer.json (model type BPE).
#include <filesystem>

#include <nlohmann/json.hpp>

#include "tokenizer/bpe_tokenizer.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {
namespace {

using nlohmann::json;
const std::string kMetaSpace = "\xE2\x96\x81";

class JsonLoader {
 public:
  explicit JsonLoader(std::string path) : path_(std::move(path)) {}

  std::unique_ptr<Tokenizer> load() {
    const std::string text = read_file(path_);
    try {
      root_ = json::parse(text);
    } catch (const json::exception& e) {
      fail(std::string("is not valid JSON (") + e.what() + ")");
    }
    try {
      return build();
    } catch (const json::exception& e) {
      fail(std::string("has an unexpected structure (") + e.what() + ")");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("tokenizer file " + path_ + " " + what);
  }
  [[noreturn]] void unsupported(const std::string& feature) const {
    fail("uses " + feature + ", which is not supported (supported: BPE models with ByteLevel, Split, Digits or "
         "Metaspace pre-tokenizers, NFC and Prepend/Replace normalizers, TemplateProcessing)");
  }
  static std::string type_of(const json& j) { return j.is_object() ? j.value("type", std::string()) : std::string(); }
  // The object itself, or the members of a Sequence (key "pretokenizers", "normalizers", ...).
  static std::vector<json> flatten(const json& j, const char* list_key) {
    if (j.is_null()) return {};
    if (type_of(j) == "Sequence") {
      std::vector<json> out;
      for (const json& item : j.at(list_key)) {
        for (json& inner : flatten(item, list_key)) out.push_back(std::move(inner));
      }
      return out;
    }
    return {j};
  }

  std::unique_ptr<Tokenizer> build();
  void read_vocab(const json& model);
  void read_merges(const json& model);
  void read_added_tokens();
  void read_post_processor();
  void read_bos_eos_from_config();

  std::string path_;
  json root_;
  BpeModel m_;
  std::unordered_map<std::string, int32_t> ids_;
};

void JsonLoader::read_vocab(const json& model) {
  const json& vocab = model.at("vocab");
  if (!vocab.is_object()) fail("has a model.vocab that is not an object of token -> id");
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) max_id = std::max<int64_t>(max_id, it.value().get<int64_t>());
  const json added = root_.value("added_tokens", json::array());
  for (const json& t : added) max_id = std::max<int64_t>(max_id, t.at("id").get<int64_t>());
  // Ids must be dense, so the largest one is bounded by the number of entries (checked before
  // allocating, so that a corrupt id cannot ask for terabytes).
  if (max_id >= static_cast<int64_t>(vocab.size() + added.size()))
    fail("has token id " + std::to_string(max_id) + " but only " + std::to_string(vocab.size() + added.size()) +
         " vocabulary and added-token entries; ids must run from 0 without gaps");
  m_.tokens.assign(static_cast<size_t>(max_id + 1), std::string());
  std::vector<bool> seen(m_.tokens.size(), false);
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const int64_t id = it.value().get<int64_t>();
    if (id < 0) fail("has a negative id for token \"" + it.key() + "\" in model.vocab");
    m_.tokens[id] = it.key();
    seen[id] = true;
    ids_.emplace(it.key(), static_cast<int32_t>(id));
  }
  for (const json& t : added) {
    const int64_t id = t.at("id").get<int64_t>();
    if (id < 0) fail("has an added token with a negative id");
    if (!seen[id]) m_.tokens[id] = t.at("content").get<std::string>();
    seen[id] = true;
  }
  for (size_t i = 0; i < seen.size(); ++i)
    if (!seen[i]) fail("has no token with id " + std::to_string(i) + " (model.vocab and added_tokens leave a gap)");
}

void JsonLoader::read_merges(const json& model) {
  const json& merges = model.value("merges", json::array());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const json& item = merges[rank];
    std::string left, right;
    if (item.is_string()) {
      const std::string s = item.get<std::string>();
      const size_t space = s.find(' ');
      if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos)
        fail("has merge " + std::to_string(rank) + " \"" + s + "\" that is not two tokens separated by a space");
      left = s.substr(0, space);
      right = s.substr(space + 1);
    } else if (item.is_array() && item.size() == 2) {
      left = item[0].get<std::string>();
      right = item[1].get<std::string>();
    } else {
      fail("has merge " + std::to_string(rank) + " that is neither \"a b\" nor [\"a\", \"b\"]");
    }
    const auto l = ids_.find(left), r = ids_.find(right), merged = ids_.find(left + right);
    if (l == ids_.end() || r == ids_.end() || merged == ids_.end())
      fail("has merge " + std::to_string(rank) + " (\"" + left + "\", \"" + right +
           "\") referencing a token that is not in model.vocab");
    m_.merges.add(l->second, r->second, static_cast<double>(rank), merged->second);
  }
}

void JsonLoader::read_added_tokens() {
  for (const json& t : root_.value("added_tokens", json::array())) {
    AddedToken a;
    a.content = t.at("content").get<std::string>();
    a.id = t.at("id").get<int32_t>();
    a.special = t.value("special", false);
    a.lstrip = t.value("lstrip", false);
    a.rstrip = t.value("rstrip", false);
    if (t.value("single_word", false)) unsupported("single_word added token \"" + a.content + "\"");
    m_.added.push_back(std::move(a));
  }
}

void JsonLoader::read_post_processor() {
  for (const json& p : flatten(root_.value("post_processor", json()), "processors")) {
    const std::string type = type_of(p);
    if (type == "ByteLevel") continue;  // only adjusts offsets
    if (type != "TemplateProcessing") unsupported("post_processor " + type);
    bool after_sequence = false;
    for (const json& item : p.at("single")) {
      if (item.contains("Sequence")) {
        after_sequence = true;
        continue;
      }
      const std::string name = item.at("SpecialToken").at("id").get<std::string>();
      const json& special = p.at("special_tokens").at(name);
      for (const json& id : special.at("ids")) {
        const int64_t v = id.get<int64_t>();
        if (v < 0 || v >= static_cast<int64_t>(m_.tokens.size()))
          fail("has post_processor special token \"" + name + "\" with id " + std::to_string(v) + " outside the vocabulary");
        (after_sequence ? m_.suffix_ids : m_.prefix_ids).push_back(static_cast<int32_t>(v));
      }
    }
  }
  if (!m_.prefix_ids.empty()) m_.bos_id = m_.prefix_ids.front();
  if (!m_.suffix_ids.empty()) m_.eos_id = m_.suffix_ids.front();
}

// BOS/EOS the template does not add are only named in tokenizer_config.json, when it is there.
void JsonLoader::read_bos_eos_from_config() {
  const std::string config = (std::filesystem::path(path_).parent_path() / "tokenizer_config.json").string();
  if (!std::filesystem::exists(config)) return;
  json c;
  try {
    c = json::parse(read_file(config));
  } catch (const json::exception& e) {
    throw Error("tokenizer config " + config + " is not valid JSON (" + e.what() + ")");
  }
  const auto id_of = [&](const char* key) -> int64_t {
    if (!c.contains(key) || c[key].is_null()) return -1;
    const std::string content = c[key].is_object() ? c[key].value("content", std::string()) : c[key].get<std::string>();
    auto it = ids_.find(content);
    if (it != ids_.end()) return it->second;
    for (const AddedToken& a : m_.added)
      if (a.content == content) return a.id;
    return -1;
  };
  if (m_.bos_id < 0) m_.bos_id = id_of("bos_token");
  if (m_.eos_id < 0) m_.eos_id = id_of("eos_token");
}

std::unique_ptr<Tokenizer> JsonLoader::build() {
  if (!root_.is_object()) fail("is not a JSON object");
  const json& model = root_.at("model");
  const std::string model_type = type_of(model);
  if (model_type != "BPE") unsupported("model type \"" + model_type + "\" (only BPE)");
  if (!model.value("dropout", json()).is_null()) unsupported("BPE dropout");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    const json v = model.value(key, json());
    if (!v.is_null() && !v.get<std::string>().empty()) unsupported(std::string("model.") + key);
  }
  read_vocab(model);
  read_merges(model);
  read_added_tokens();
  m_.ignore_merges = model.value("ignore_merges", false);
  const json unk = model.value("unk_token", json());
  if (!unk.is_null()) {
    auto it = ids_.find(unk.get<std::string>());
    if (it == ids_.end()) fail("has model.unk_token \"" + unk.get<std::string>() + "\" that is not in model.vocab");
    m_.unk_id = it->second;
  }
  read_post_processor();
  read_bos_eos_from_config();

  // Normalizer: none, NFC (Qwen2), or the LLaMA-2 legacy Prepend("▁") + Replace(" ", "▁").
  bool prepend = false, replace = false;
  for (const json& n : flatten(root_.value("normalizer", json()), "normalizers")) {
    const std::string type = type_of(n);
    if (type == "Prepend" && n.at("prepend") == kMetaSpace) {
      prepend = true;
    } else if (type == "Replace" && n.at("pattern").value("String", std::string()) == " " && n.at("content") == kMetaSpace) {
      replace = true;
    } else if (type == "NFC") {
      m_.nfc = true;
    } else {
      unsupported("normalizer " + type);
    }
  }
  // Pre-tokenizers: ByteLevel / Split / Digits (byte-level) or Metaspace (SentencePiece).
  std::vector<SplitRule> rules;
  bool byte_level = false, add_prefix_space = false, metaspace = false;
  SentencePieceBpe::Options spm;
  spm.prefix = prepend ? SentencePieceBpe::Prefix::kEverySegment : SentencePieceBpe::Prefix::kNever;
  for (const json& p : flatten(root_.value("pre_tokenizer", json()), "pretokenizers")) {
    const std::string type = type_of(p);
    if (type == "ByteLevel") {
      byte_level = true;
      add_prefix_space = p.value("add_prefix_space", false);
      if (p.value("use_regex", true)) rules.push_back(SplitRule::kGpt2);
    } else if (type == "Split") {
      SplitRule rule;
      const std::string regex = p.at("pattern").value("Regex", std::string());
      if (!split_rule_for_regex(regex, &rule)) unsupported("Split pre-tokenizer pattern " + p.at("pattern").dump());
      if (p.value("behavior", std::string()) != "Isolated" || p.value("invert", false))
        unsupported("Split pre-tokenizer behavior " + p.value("behavior", std::string()) + " (only Isolated)");
      rules.push_back(rule);
    } else if (type == "Digits") {
      rules.push_back(p.value("individual_digits", false) ? SplitRule::kDigitsIndividual : SplitRule::kDigitsContiguous);
    } else if (type == "Metaspace") {
      metaspace = true;
      if (p.value("replacement", kMetaSpace) != kMetaSpace) unsupported("Metaspace replacement other than \"▁\"");
      std::string scheme = p.value("prepend_scheme", std::string());
      if (scheme.empty()) scheme = p.value("add_prefix_space", true) ? "always" : "never";
      if (scheme == "always") spm.prefix = SentencePieceBpe::Prefix::kAlways;
      else if (scheme == "first") spm.prefix = SentencePieceBpe::Prefix::kFirst;
      else if (scheme == "never") spm.prefix = SentencePieceBpe::Prefix::kNever;
      else unsupported("Metaspace prepend_scheme \"" + scheme + "\"");
      spm.split_words = p.value("split", true);
    } else {
      unsupported("pre_tokenizer " + type);
    }
  }
  const bool sentencepiece = metaspace || replace;
  if (byte_level == sentencepiece)
    unsupported(byte_level ? "both a ByteLevel pre-tokenizer and a SentencePiece normalizer"
                           : "neither a ByteLevel pre-tokenizer nor a SentencePiece (Metaspace or Replace \"▁\") "
                             "normalizer, so its text encoding is unknown,");
  if (prepend && !replace) unsupported("a Prepend normalizer without Replace(\" \", \"▁\")");

  const std::vector<json> decoders = flatten(root_.value("decoder", json()), "decoders");
  if (byte_level) {
    if (decoders.size() != 1 || type_of(decoders[0]) != "ByteLevel")
      unsupported("a decoder other than ByteLevel with a ByteLevel pre-tokenizer");
    return std::make_unique<ByteLevelBpe>(std::move(m_), std::move(rules), add_prefix_space);
  }
  if (!rules.empty()) unsupported("Split or Digits pre-tokenizers with a SentencePiece model");
  spm.byte_fallback = model.value("byte_fallback", false);
  spm.fuse_unk = model.value("fuse_unk", false);
  spm.strip_leading_spaces = 0;
  spm.decode_byte_tokens = false;
  bool replaces = false;
  for (const json& d : decoders) {
    const std::string type = type_of(d);
    if (type == "Replace" && d.at("pattern").value("String", std::string()) == kMetaSpace && d.at("content") == " ") {
      replaces = true;
    } else if (type == "ByteFallback") {
      spm.decode_byte_tokens = true;
    } else if (type == "Fuse") {
      // decode_pieces always joins the pieces into one string
    } else if (type == "Strip" && d.value("content", std::string()) == " " && d.value("stop", 0) == 0) {
      spm.strip_leading_spaces = d.value("start", 0);
    } else if (type == "Metaspace") {
      replaces = true;
      std::string scheme = d.value("prepend_scheme", std::string());
      if (scheme.empty()) scheme = d.value("add_prefix_space", true) ? "always" : "never";
      spm.strip_leading_spaces = scheme == "never" ? 0 : 1;
    } else {
      unsupported("decoder " + type + " with a SentencePiece model");
    }
  }
  if (!replaces) unsupported("a SentencePiece model whose decoder does not turn \"▁\" back into spaces");
  return std::make_unique<SentencePieceBpe>(std::move(m_), spm);
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_json(const std::string& path) {
  return JsonLoader(path).load();
}

}  // namespace srs
