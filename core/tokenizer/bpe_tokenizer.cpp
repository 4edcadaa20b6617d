#include "tokenizer/bpe_tokenizer.h"

#include "tokenizer/nfc.h"
#include "util/error.h"

namespace srs {

BpeTokenizer::BpeTokenizer(BpeModel model) : model_(std::move(model)), matcher_(model_.added) {
  const size_t n = model_.tokens.size();
  ids_.reserve(n);
  // The first of duplicate entries wins, so that lookups are stable.
  for (size_t i = 0; i < n; ++i) ids_.emplace(model_.tokens[i], static_cast<int32_t>(i));
  decode_text_.resize(n);
  special_.assign(n, false);
  for (size_t i = 0; i < n; ++i) decode_text_[i] = &model_.tokens[i];
  for (const AddedToken& t : matcher_.tokens()) {
    if (t.id < 0 || static_cast<size_t>(t.id) >= n)
      throw Error("tokenizer: added token \"" + t.content + "\" has id " + std::to_string(t.id) +
                  " outside the vocabulary of " + std::to_string(n) + " tokens");
    decode_text_[t.id] = &t.content;
    special_[t.id] = t.special;
  }
}

int32_t BpeTokenizer::lookup(const std::string& piece) const {
  auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

const std::string& BpeTokenizer::token_text(int32_t id) const {
  if (id < 0 || id >= vocab_size())
    throw Error("tokenizer: token id " + std::to_string(id) + " is outside the vocabulary of " +
                std::to_string(vocab_size()) + " tokens");
  return model_.tokens[id];
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_special_tokens) const {
  std::vector<int32_t> out;
  if (add_special_tokens) out = model_.prefix_ids;
  WordCache cache;
  for (const TextSegment& seg : matcher_.split(text)) {
    if (seg.token >= 0) {
      out.push_back(seg.token);
    } else if (model_.nfc) {
      encode_segment(unicode::to_nfc(seg.text), seg.text.data() == text.data(), cache, out);
    } else {
      encode_segment(seg.text, seg.text.data() == text.data(), cache, out);
    }
  }
  if (add_special_tokens) out.insert(out.end(), model_.suffix_ids.begin(), model_.suffix_ids.end());
  return out;
}

std::string BpeTokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<const std::string*> pieces;
  pieces.reserve(ids.size());
  for (int32_t id : ids) {
    if (id < 0 || id >= vocab_size())
      throw Error("tokenizer: cannot decode token id " + std::to_string(id) + ": the vocabulary has " +
                  std::to_string(vocab_size()) + " tokens");
    if (skip_special_tokens && special_[id]) continue;
    pieces.push_back(decode_text_[id]);
  }
  return decode_pieces(pieces);
}

}  // namespace srs
