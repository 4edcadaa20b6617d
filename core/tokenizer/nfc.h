#pragma once
// Unicode Normalization Form C (HF's NFC normalizer, used by Qwen2's tokenizer.json).
#include <string>
#include <string_view>

namespace srs::unicode {

// Invalid UTF-8 bytes pass through unchanged and block composition across them.
std::string to_nfc(std::string_view text);

}  // namespace srs::unicode
