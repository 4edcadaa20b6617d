// Dequantization against gguf-py: for each ggml type, tests/golden/gguf/types/<TYPE>.gguf holds
// a few tensors and <TYPE>.f32 what gguf.quants.dequantize returns for them, in file order
// (scripts/gen_gguf_golden.py). The comparison is on float bits with zero tolerance: the C++
// decoder performs the same float32 operations in the same order, so any difference is a bug.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>

#include "io/gguf_dequant.h"
#include "io/gguf_file.h"
#include "test_gguf_builder.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

using srs::GgmlType;
using srs::GgufFile;

namespace {

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

class DequantGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(DequantGolden, BitExactWithGgufPy) {
  const std::string type = GetParam();
  const std::string path = srs::test::golden("gguf/types/" + type + ".gguf");
  const std::string ref_path = srs::test::golden("gguf/types/" + type + ".f32");
  SRS_REQUIRE_FILE(path, "run /work/refvenv/bin/python scripts/gen_gguf_golden.py");
  const std::string ref_bytes = srs::read_file(ref_path);
  ASSERT_EQ(ref_bytes.size() % 4, 0u);
  std::vector<float> ref(ref_bytes.size() / 4);
  std::memcpy(ref.data(), ref_bytes.data(), ref_bytes.size());

  GgufFile f(path);
  ASSERT_EQ(f.tensors().size(), 3u);
  size_t at = 0;
  size_t nonzero = 0;
  for (const srs::GgufTensorInfo& t : f.tensors()) {
    EXPECT_STREQ(srs::ggml_type_name(t.type), type.c_str());
    std::vector<float> out(static_cast<size_t>(t.numel));
    f.read_f32(t, out.data());
    ASSERT_LE(at + out.size(), ref.size());
    size_t mismatches = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      if (bits(out[i]) != bits(ref[at + i]) && mismatches++ < 5) {
        ADD_FAILURE() << type << " tensor " << t.name << " element " << i << ": got " << out[i] << " (0x" << std::hex
                      << bits(out[i]) << "), gguf-py " << ref[at + i] << " (0x" << bits(ref[at + i]) << std::dec << ")";
      }
      nonzero += out[i] != 0.0f;
    }
    EXPECT_EQ(mismatches, 0u) << t.name;
    at += out.size();
  }
  EXPECT_EQ(at, ref.size()) << "the reference holds more values than the file's tensors";
  EXPECT_GT(nonzero, ref.size() / 2) << "fixture is degenerate";
}

INSTANTIATE_TEST_SUITE_P(AllTypes, DequantGolden,
                         ::testing::Values("F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K",
                                           "Q3_K", "Q4_K", "Q5_K", "Q6_K"));

}  // namespace

TEST(GgufDequant, Fp16SpecialValuesMatchNumpy) {
  // numpy 2.4: np.array([h], np.uint16).view(np.float16).astype(np.float32).view(np.uint32)
  const std::pair<uint16_t, uint32_t> cases[] = {
      {0x0000, 0x00000000}, {0x8000, 0x80000000}, {0x3c00, 0x3f800000}, {0xc000, 0xc0000000},
      {0x7bff, 0x477fe000}, {0x0001, 0x33800000}, {0x03ff, 0x387fc000}, {0x8001, 0xb3800000},
      {0x0400, 0x38800000}, {0x7c00, 0x7f800000}, {0xfc00, 0xff800000}, {0x7e00, 0x7fc00000},
      {0x7c01, 0x7f802000}, {0xfc01, 0xff802000},
  };
  for (const auto& [h, f] : cases) EXPECT_EQ(bits(srs::fp16_to_f32(h)), f) << std::hex << h;
}

TEST(GgufDequant, Fp16DecodesEveryFiniteHalfExactly) {
  // Every finite half is m * 2^e with an 11-bit m, exactly representable in float and double.
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if ((h & 0x7c00) == 0x7c00) continue;
    const float f = srs::fp16_to_f32(static_cast<uint16_t>(h));
    const int exp = static_cast<int>((h >> 10) & 0x1f);
    const double mant = exp == 0 ? (h & 0x3ff) : (0x400 | (h & 0x3ff));
    const double expect = std::ldexp(mant, (exp == 0 ? 1 : exp) - 25) * ((h & 0x8000) ? -1 : 1);
    ASSERT_EQ(static_cast<double>(f), expect) << std::hex << h;
    if (expect == 0) {
      ASSERT_EQ(std::signbit(f), (h & 0x8000) != 0) << std::hex << h;
    }
  }
}

TEST(GgufDequant, RowsMatchWholeTensor) {
  const std::string path = srs::test::golden("gguf/types/Q6_K.gguf");
  SRS_REQUIRE_FILE(path, "run /work/refvenv/bin/python scripts/gen_gguf_golden.py");
  GgufFile f(path);
  const srs::GgufTensorInfo& t = f.tensor("a");  // 2 rows of 256
  std::vector<float> whole(static_cast<size_t>(t.numel)), row(256);
  f.read_f32(t, whole.data());
  f.read_rows_f32(t, 1, 1, row.data());
  EXPECT_EQ(0, std::memcmp(row.data(), whole.data() + 256, 256 * sizeof(float)));
  EXPECT_THROW(f.read_rows_f32(t, 1, 2, row.data()), srs::Error);
}

TEST(GgufDequant, UndecodableTypeNamesFileTensorAndType) {
  srs::test::GgufBuilder b;
  b.kv_string("general.architecture", "llama");
  b.tensor("blk.0.attn_q.weight", {256, 1}, 16 /* IQ2_XXS */, std::string(66, '\0'));
  const std::string path = b.write(srs::test::temp_dir() + "/iq.gguf");
  GgufFile f(path);  // parsing is fine: the type is known, only decoding is not
  std::vector<float> out(256);
  try {
    f.read_f32(f.tensors()[0], out.data());
    ADD_FAILURE() << "no error";
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("blk.0.attn_q.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("IQ2_XXS"), std::string::npos) << msg;
  }
}

TEST(GgufDequant, DecodesTensOfMegabytesQuickly) {
  // 32 Mi elements of each of two common types from arbitrary bytes (finite scales do not
  // matter for speed). Reported, and bounded loosely since the machine is shared.
  const int64_t n = 32 << 20;
  std::vector<float> out(static_cast<size_t>(n));
  for (GgmlType type : {GgmlType::Q4_1, GgmlType::Q4_K}) {
    const auto& tr = srs::ggml_type_traits(type);
    std::vector<uint8_t> src(static_cast<size_t>(n / tr.block_size * tr.type_size));
    for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 2654435761u >> 13);
    const auto t0 = std::chrono::steady_clock::now();
    srs::dequantize(type, src.data(), n, out.data());
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[ perf     ] %s: %.1f MB of blocks -> %lld floats in %.3f s (%.0f MB/s of blocks)\n", tr.name,
                src.size() / 1e6, static_cast<long long>(n), s, src.size() / 1e6 / s);
    EXPECT_LT(s, 10.0) << tr.name;
  }
}
