// Corrupt, truncated and unsupported GGUF input: each case is an srs::Error whose message names
// the file and the key or tensor at fault, never a crash or an out-of-bounds read.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/gguf_file.h"
#include "test_gguf_builder.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

using srs::GgufFile;
using srs::test::GgufBuilder;

namespace {

// Writes `bytes` to a temp file, parses it, and checks the error names the file and `parts`.
void expect_parse_error(const std::string& bytes, const std::vector<std::string>& parts) {
  const std::string path = srs::test::temp_dir() + "/bad.gguf";
  srs::test::write_bytes(path, bytes);
  try {
    GgufFile f(path);
    ADD_FAILURE() << "parsed without error; expected one naming " << (parts.empty() ? "" : parts[0]);
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << "missing '" << p << "' in: " << msg;
  }
}

GgufBuilder valid_builder() {
  GgufBuilder b;
  b.kv_string("general.architecture", "llama");
  b.f32_tensor("blk.0.attn_norm.weight", {8});
  return b;
}

template <class T>
std::string patched(std::string bytes, size_t at, T value) {
  std::memcpy(&bytes[at], &value, sizeof(T));
  return bytes;
}

std::string u8_array(uint64_t count) {
  std::string v;
  GgufBuilder::put<uint32_t>(v, 0);
  GgufBuilder::put<uint64_t>(v, count);
  return v;
}

}  // namespace

TEST(GgufBadInput, ValidBuilderOutputParses) {
  // The baseline every case below corrupts: without the corruption it must parse.
  const std::string path = valid_builder().write(srs::test::temp_dir() + "/ok.gguf");
  GgufFile f(path);
  EXPECT_EQ(f.tensors().size(), 1u);
}

TEST(GgufBadInput, TruncatedAtManyPoints) {
  const std::string golden = srs::test::golden("gguf/tiny_qwen3.gguf");
  SRS_REQUIRE_FILE(golden, "run /work/refvenv/bin/python scripts/gen_gguf_golden.py");
  const std::string full = srs::read_file(golden);
  GgufFile whole(golden);
  // Header fields.
  for (size_t cut : {size_t{0}, size_t{3}, size_t{6}, size_t{12}, size_t{20}}) {
    expect_parse_error(full.substr(0, cut), {"header"});
  }
  // Inside the token list: the error names the key.
  const std::string key = "tokenizer.ggml.tokens";
  const size_t key_at = full.find(key);
  ASSERT_NE(key_at, std::string::npos);
  expect_parse_error(full.substr(0, key_at + key.size() + 2), {key});   // in the type tag
  expect_parse_error(full.substr(0, key_at + key.size() + 4 + 7), {key});   // in the array header
  expect_parse_error(full.substr(0, key_at + key.size() + 4 + 12 + 30), {key});  // in the strings
  // Inside a tensor info, after its name: the error names the tensor.
  const std::string tname = "blk.0.attn_q.weight";
  const size_t t_at = full.find(tname);
  ASSERT_NE(t_at, std::string::npos);
  ASSERT_LT(t_at, whole.data_offset());
  expect_parse_error(full.substr(0, t_at + tname.size() + 6), {tname});
  // Inside the data: the last tensor's bytes run past the end.
  const srs::GgufTensorInfo& last = whole.tensors().back();
  const size_t last_end = whole.data_offset() + last.offset + last.nbytes;
  expect_parse_error(full.substr(0, last_end - 1), {last.name, "past the end"});
  expect_parse_error(full.substr(0, whole.data_offset()), {"past the end"});
}

TEST(GgufBadInput, BadMagic) {
  std::string bytes = valid_builder().bytes();
  bytes[3] = 'X';
  expect_parse_error(bytes, {"not a GGUF file"});
}

TEST(GgufBadInput, UnsupportedVersions) {
  GgufBuilder b = valid_builder();
  b.version = 1;
  expect_parse_error(b.bytes(), {"version 1", "not supported"});
  b.version = 4;
  expect_parse_error(b.bytes(), {"version 4", "not supported"});
  b.version = 0x03000000;  // a big-endian file read as little-endian
  expect_parse_error(b.bytes(), {"big-endian"});
}

TEST(GgufBadInput, AbsurdCounts) {
  const std::string ok = valid_builder().bytes();
  // Entries are read one by one; the error comes at the first that does not fit and shows the count.
  expect_parse_error(patched<uint64_t>(ok, 8, uint64_t{1} << 60), {"#1 of 1152921504606846976"});
  expect_parse_error(patched<uint64_t>(ok, 16, uint64_t{1} << 60), {"of 1152921504606846976"});
  GgufBuilder b;
  b.kv_raw("huge.array", 9, u8_array(uint64_t{1} << 62));
  expect_parse_error(b.bytes(), {"huge.array", "array count"});
  std::string long_string;
  GgufBuilder::put<uint64_t>(long_string, uint64_t{1} << 40);
  GgufBuilder c;
  c.kv_raw("long.string", 8, long_string);
  expect_parse_error(c.bytes(), {"long.string", "string value"});
  std::string many_strings;
  GgufBuilder::put<uint32_t>(many_strings, 8);
  GgufBuilder::put<uint64_t>(many_strings, uint64_t{1} << 58);
  GgufBuilder d;
  d.kv_raw("many.strings", 9, many_strings);
  expect_parse_error(d.bytes(), {"many.strings", "string array count"});
}

TEST(GgufBadInput, BadValueTypes) {
  GgufBuilder b;
  b.kv_raw("bad.type", 13, "\x01");
  expect_parse_error(b.bytes(), {"bad.type", "value type 13"});
  std::string arr;
  GgufBuilder::put<uint32_t>(arr, 77);
  GgufBuilder::put<uint64_t>(arr, 1);
  GgufBuilder c;
  c.kv_raw("bad.elem", 9, arr);
  expect_parse_error(c.bytes(), {"bad.elem", "element type 77"});
}

TEST(GgufBadInput, NestingTooDeep) {
  // 12 levels of [ [ ... [] ] ], each holding one array.
  std::string v;
  for (int d = 0; d < 12; ++d) {
    GgufBuilder::put<uint32_t>(v, 9);
    GgufBuilder::put<uint64_t>(v, 1);
  }
  GgufBuilder::put<uint32_t>(v, 0);
  GgufBuilder::put<uint64_t>(v, 0);
  GgufBuilder b;
  b.kv_raw("deep", 9, v);
  expect_parse_error(b.bytes(), {"deep", "nested deeper"});
}

TEST(GgufBadInput, DuplicateKeyAndTensor) {
  GgufBuilder b = valid_builder();
  b.kv_u32("general.alignment", 32).kv_u32("general.alignment", 32);
  expect_parse_error(b.bytes(), {"general.alignment", "twice"});
  GgufBuilder c = valid_builder();
  c.f32_tensor("blk.0.attn_norm.weight", {8});
  expect_parse_error(c.bytes(), {"blk.0.attn_norm.weight", "twice"});
}

TEST(GgufBadInput, BadAlignment) {
  GgufBuilder b = valid_builder();
  b.kv_u32("general.alignment", 48);
  expect_parse_error(b.bytes(), {"general.alignment", "power of two"});
  GgufBuilder c = valid_builder();
  c.kv_u32("general.alignment", 0);
  expect_parse_error(c.bytes(), {"general.alignment", "power of two"});
  GgufBuilder d = valid_builder();
  d.kv_string("general.alignment", "32");
  expect_parse_error(d.bytes(), {"general.alignment", "expected u32"});
}

TEST(GgufBadInput, UnknownGgmlType) {
  GgufBuilder b;
  b.tensor("weird.weight", {4}, 99, std::string(16, '\0'));
  expect_parse_error(b.bytes(), {"weird.weight", "unknown ggml type id 99"});
  GgufBuilder c;
  c.tensor("retired.weight", {32}, 4 /* Q4_2, removed from ggml */, std::string(20, '\0'));
  expect_parse_error(c.bytes(), {"retired.weight", "unknown ggml type id 4"});
}

TEST(GgufBadInput, TensorDataOutOfRange) {
  GgufBuilder b;
  b.tensor("far.weight", {8}, 0, std::string(32, '\0'), 1 << 20);
  expect_parse_error(b.bytes(), {"far.weight", "past the end"});
  GgufBuilder c;
  c.tensor("wrap.weight", {8}, 0, std::string(32, '\0'), int64_t{0x7fffffffffffffe0});
  expect_parse_error(c.bytes(), {"wrap.weight", "past the end"});
  GgufBuilder empty;  // no bytes, but its offset must still lie in the file (found by fuzz_gguf)
  empty.tensor("empty.weight", {0}, 0, "", 1 << 20);
  expect_parse_error(empty.bytes(), {"empty.weight", "past the end"});
}

TEST(GgufBadInput, MisalignedOffset) {
  GgufBuilder b;
  b.tensor("odd.weight", {2}, 0, std::string(8, '\0'), 8);
  expect_parse_error(b.bytes(), {"odd.weight", "not a multiple of the alignment 32"});
}

TEST(GgufBadInput, BadShapes) {
  GgufBuilder overflow;
  overflow.tensor("big.weight", {int64_t{1} << 40, int64_t{1} << 40}, 0, "");
  expect_parse_error(overflow.bytes(), {"big.weight", "overflows"});
  GgufBuilder negative;
  negative.tensor("neg.weight", {-4}, 0, "");
  expect_parse_error(negative.bytes(), {"neg.weight", "negative"});
  GgufBuilder dims;
  dims.tensor("five.weight", {1, 1, 1, 1, 1}, 0, std::string(4, '\0'));
  expect_parse_error(dims.bytes(), {"five.weight", "5 dimensions"});
  GgufBuilder block;
  block.tensor("q.weight", {48, 2}, 2 /* Q4_0 */, std::string(64, '\0'));
  expect_parse_error(block.bytes(), {"q.weight", "48", "Q4_0 block size 32"});
}

TEST(GgufBadInput, MissingFile) {
  const std::string path = srs::test::temp_dir() + "/absent.gguf";
  try {
    GgufFile f(path);
    ADD_FAILURE() << "no error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

// Regression from fuzz_gguf: a tensor of 2^62+ F32 elements whose byte count wrapped to 0
// passed the range check and then asked for an impossible allocation.
TEST(GgufBadInput, ByteSizeOverflowIsRefused) {
  const std::string path = srs::test::golden("gguf/regressions/nbytes-overflow.gguf");
  try {
    GgufFile f(path);
    ADD_FAILURE() << "parsed without error";
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("overflows"), std::string::npos) << e.what();
  }
}
