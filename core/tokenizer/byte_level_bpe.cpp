#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/unicode.h"

namespace srs {
namespace {

// GPT-2's reversible byte -> printable character table: printable Latin-1 bytes map to
// themselves, the others to U+0100 onwards in byte order.
struct ByteTable {
  uint32_t to_char[256];
  int16_t to_byte[512];  // code point -> byte, or -1
  std::string utf8[256];

  ByteTable() {
    for (auto& b : to_byte) b = -1;
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
      to_char[b] = printable ? static_cast<uint32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<int16_t>(b);
      unicode::append_utf8(utf8[b], to_char[b]);
    }
  }
};

const ByteTable& byte_table() {
  static const ByteTable table;
  return table;
}

}  // namespace

ByteLevelBpe::ByteLevelBpe(BpeModel model, std::vector<SplitRule> rules, bool add_prefix_space)
    : BpeTokenizer(std::move(model)), rules_(std::move(rules)), add_prefix_space_(add_prefix_space) {
  for (int b = 0; b < 256; ++b) byte_token_[b] = lookup(byte_table().utf8[b]);
}

void ByteLevelBpe::encode_segment(std::string_view text, bool /*at_start*/, WordCache& cache,
                                  std::vector<int32_t>& out) const {
  std::string prefixed;
  if (add_prefix_space_ && (text.empty() || text[0] != ' ')) {
    prefixed = " " + std::string(text);
    text = prefixed;
  }
  const ByteTable& table = byte_table();
  std::vector<int32_t> symbols;
  for (std::string_view piece : pre_tokenize(text, rules_)) {
    std::string key(piece);
    auto hit = cache.find(key);
    if (hit == cache.end()) {
      symbols.clear();
      std::string mapped;
      for (unsigned char b : piece) {
        // A byte with no token (an incomplete vocabulary) is dropped, as HF does without unk.
        if (byte_token_[b] >= 0) symbols.push_back(byte_token_[b]);
        else if (model().unk_id >= 0) symbols.push_back(model().unk_id);
        if (model().ignore_merges) mapped += table.utf8[b];
      }
      const int32_t whole = model().ignore_merges ? lookup(mapped) : -1;
      if (whole >= 0) {
        symbols.assign(1, whole);
      } else {
        model().merges.apply(symbols);
      }
      hit = cache.emplace(std::move(key), symbols).first;
    }
    out.insert(out.end(), hit->second.begin(), hit->second.end());
  }
}

std::string ByteLevelBpe::decode_pieces(const std::vector<const std::string*>& pieces) const {
  const ByteTable& table = byte_table();
  std::string bytes;
  std::string piece_bytes;
  for (const std::string* piece : pieces) {
    // A piece whose characters are all in the byte table is bytes; any other piece (an added
    // token with other characters) is taken as it is.
    piece_bytes.clear();
    bool all_mapped = true;
    for (size_t pos = 0; pos < piece->size();) {
      const unicode::Decoded d = unicode::decode_utf8(*piece, pos);
      if (d.cp >= 512 || table.to_byte[d.cp] < 0) {
        all_mapped = false;
        break;
      }
      piece_bytes += static_cast<char>(table.to_byte[d.cp]);
      pos += d.len;
    }
    bytes += all_mapped ? piece_bytes : *piece;
  }
  return unicode::to_valid_utf8_lossy(bytes);
}

}  // namespace srs
