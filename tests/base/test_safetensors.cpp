#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "io/safetensors.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;
using srs::DType;

namespace {

uint32_t bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

std::vector<float> read_all(const srs::WeightSource& src, const std::string& name) {
  std::vector<float> v(static_cast<size_t>(srs::numel(src.shape(name))));
  src.read_f32(name, v.data());
  return v;
}

// A file made of a raw header string and `data_bytes` zero bytes of data.
std::string raw_file(const std::string& header, size_t data_bytes, int64_t declared_len = -1) {
  const std::string path = srs::test::temp_dir() + "/t.safetensors";
  std::ofstream out(path, std::ios::binary);
  uint64_t n = declared_len >= 0 ? static_cast<uint64_t>(declared_len) : header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << std::string(data_bytes, '\0');
  return path;
}

// Expects srs::Error whose message contains every fragment.
void expect_error(const std::string& path, std::initializer_list<const char*> fragments) {
  try {
    srs::SafetensorsFile f(path);
    FAIL() << "expected srs::Error for " << path;
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    for (const char* frag : fragments) EXPECT_NE(msg.find(frag), std::string::npos) << "missing '" << frag << "' in: " << msg;
  }
}

}  // namespace

// Every dtype, written by the reference library; the reference float32 conversion is in a
// second file. Conversion of these types to float32 is exact, so bits must match.
TEST(Safetensors, ReadsEveryDtypeLikeTheReference) {
  auto got = srs::open_safetensors(srs::test::golden("safetensors/mixed.safetensors"));
  auto want = srs::open_safetensors(srs::test::golden("safetensors/mixed_as_f32.safetensors"));
  ASSERT_EQ(got->names(), want->names());
  for (const auto& name : want->names()) {
    ASSERT_EQ(got->shape(name), want->shape(name)) << name;
    const auto a = read_all(*got, name), b = read_all(*want, name);
    for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(bits(a[i]), bits(b[i])) << name << "[" << i << "]";
  }
  EXPECT_EQ(got->stored_type("bf16"), "BF16");
  EXPECT_EQ(got->stored_type("f8_e4m3"), "F8_E4M3");
  srs::SafetensorsFile f(srs::test::golden("safetensors/mixed.safetensors"));
  EXPECT_EQ(f.metadata().at("source"), "gen_safetensors_golden.py");
}

TEST(Safetensors, WriteThenReadRoundTrips) {
  const std::string dir = srs::test::temp_dir();
  std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -1e-3f};
  std::vector<uint16_t> b = {srs::f32_to_f16(0.5f), srs::f32_to_f16(-3.0f)};
  std::vector<int32_t> c = {1, -2, 3};
  srs::write_safetensors(dir + "/x.safetensors", {{"a", DType::F32, {2, 3}, a.data(), 24},
                                                  {"b", DType::F16, {2}, b.data(), 4},
                                                  {"c", DType::I32, {3}, c.data(), 12}});
  srs::SafetensorsFile f(dir + "/x.safetensors");
  EXPECT_EQ(f.metadata().at("format"), "pt");
  EXPECT_EQ(f.header_size() % 8, 0u);
  auto src = srs::open_safetensors(dir + "/x.safetensors");
  EXPECT_EQ(read_all(*src, "a"), a);
  EXPECT_EQ(read_all(*src, "b"), (std::vector<float>{0.5f, -3.0f}));
  EXPECT_EQ(read_all(*src, "c"), (std::vector<float>{1, -2, 3}));
}

TEST(Safetensors, ShardedFolderRoundTrips) {
  const std::string dir = srs::test::temp_dir();
  std::vector<std::vector<float>> data;
  std::vector<srs::SafetensorsTensor> tensors;
  for (int i = 0; i < 5; ++i) data.push_back(std::vector<float>(100, static_cast<float>(i)));
  for (int i = 0; i < 5; ++i)
    tensors.push_back({"layer" + std::to_string(i) + ".weight", DType::F32, {10, 10}, data[i].data(), 400});
  const auto files = srs::write_safetensors_sharded(dir, tensors, 900);
  ASSERT_EQ(files.size(), 4u);  // 3 shards of <= 2 tensors, plus the index
  EXPECT_TRUE(fs::exists(dir + "/model-00001-of-00003.safetensors"));
  const auto index = nlohmann::json::parse(srs::read_file(dir + "/model.safetensors.index.json"));
  EXPECT_EQ(index["metadata"]["total_size"], 2000);
  auto src = srs::open_safetensors(dir);
  ASSERT_EQ(src->names().size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(read_all(*src, "layer" + std::to_string(i) + ".weight"), data[i]);

  const std::string single = srs::test::temp_dir();
  srs::write_safetensors_sharded(single, tensors, 1 << 20);
  EXPECT_TRUE(fs::exists(single + "/model.safetensors"));
  EXPECT_EQ(srs::open_safetensors(single)->names().size(), 5u);
}

TEST(Safetensors, WriterRejectsSizeMismatchAndLeavesNothing) {
  const std::string dir = srs::test::temp_dir();
  std::vector<float> a(4);
  EXPECT_THROW(srs::write_safetensors(dir + "/x.safetensors", {{"a", DType::F32, {5}, a.data(), 16}}), srs::Error);
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(Safetensors, F16ConversionRoundsHalfToEven) {
  EXPECT_EQ(srs::f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(srs::f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(srs::f32_to_f16(65520.0f), 0x7c00);                   // halfway to the next step rounds up to inf
  EXPECT_EQ(srs::f32_to_f16(1.0f + 1.0f / 2048), 0x3c00);         // tie, even mantissa stays
  EXPECT_EQ(srs::f32_to_f16(1.0f + 3.0f / 2048), 0x3c02);         // tie, odd mantissa rounds up
  EXPECT_EQ(srs::f32_to_f16(5.960464477539063e-08f), 0x0001);     // smallest subnormal
  EXPECT_EQ(srs::f32_to_f16(2.98023223876953125e-08f), 0x0000);   // tie to even: zero
  EXPECT_EQ(srs::f32_to_f16(-0.0f), 0x8000);
  for (uint32_t h = 0; h < 0x7c00; ++h) ASSERT_EQ(srs::f32_to_f16(srs::f16_to_f32(static_cast<uint16_t>(h))), h);
}

TEST(SafetensorsBadInput, TruncatedFile) {
  const std::string path = srs::test::temp_dir() + "/t.safetensors";
  std::ofstream(path, std::ios::binary) << "abc";
  expect_error(path, {"shorter than the 8-byte header length"});
}

TEST(SafetensorsBadInput, HeaderLengthPastEnd) {
  expect_error(raw_file("{}", 0, 1000), {"runs past the end", "truncated"});
}

TEST(SafetensorsBadInput, InvalidJson) {
  expect_error(raw_file("{\"a\": [1, 2", 0), {"not valid JSON"});
}

TEST(SafetensorsBadInput, UnknownDtype) {
  expect_error(raw_file(R"({"w":{"dtype":"F13","shape":[1],"data_offsets":[0,4]}})", 4), {"tensor 'w'", "unknown dtype 'F13'"});
}

TEST(SafetensorsBadInput, OffsetsOutOfRange) {
  expect_error(raw_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8),
               {"tensor 'w'", "past the data section"});
}

TEST(SafetensorsBadInput, OverlappingTensors) {
  expect_error(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
               {"'a'", "'b'", "overlap"});
}

TEST(SafetensorsBadInput, ShapeDoesNotMatchByteRange) {
  expect_error(raw_file(R"({"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]}})", 8), {"tensor 'w'", "does not match"});
}

TEST(SafetensorsBadInput, DuplicateTensorName) {
  expect_error(raw_file(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", 2),
               {"'w'", "twice"});
}

TEST(SafetensorsBadInput, MetadataValueNotString) {
  expect_error(raw_file(R"({"__metadata__":{"format":1}})", 0), {"__metadata__", "format"});
}

TEST(SafetensorsBadInput, MissingTensorNamesFileAndTensor) {
  auto src = srs::open_safetensors(srs::test::golden("safetensors/mixed.safetensors"));
  try {
    src->shape("model.norm.weight");
    FAIL();
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("mixed.safetensors"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("model.norm.weight"), std::string::npos);
  }
}

TEST(SafetensorsBadInput, IndexNamingMissingShard) {
  const std::string dir = srs::test::temp_dir();
  srs::write_file_atomic(dir + "/model.safetensors.index.json", R"({"weight_map":{"w":"model-00001-of-00002.safetensors"}})");
  try {
    srs::open_safetensors(dir);
    FAIL();
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("model-00001-of-00002.safetensors"), std::string::npos) << e.what();
  }
}
