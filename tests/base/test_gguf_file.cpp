// The GGUF parser on files written by gguf-py's GGUFWriter (scripts/gen_gguf_golden.py):
// every metadata value type, nested arrays, a custom alignment, version 2, typed accessors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "io/gguf_file.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

using srs::GgmlType;
using srs::GgufFile;
using srs::GgufValueType;

namespace {

const std::string kFixtureHow = "run /work/refvenv/bin/python scripts/gen_gguf_golden.py";

// Expects `fn` to throw srs::Error whose message contains every one of `parts`.
template <class Fn>
void expect_error(Fn fn, const std::vector<std::string>& parts) {
  try {
    fn();
    ADD_FAILURE() << "no srs::Error thrown";
  } catch (const srs::Error& e) {
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(GgufFile, ReadsEveryScalarType) {
  const std::string path = srs::test::golden("gguf/metadata.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.get_string("general.architecture"), "metadata");
  EXPECT_EQ(f.value("t.u8").type, GgufValueType::U8);
  EXPECT_EQ(f.value("t.u8").u, 200u);
  EXPECT_EQ(f.value("t.i8").i, -100);
  EXPECT_EQ(f.value("t.u16").u, 60000u);
  EXPECT_EQ(f.value("t.i16").i, -30000);
  EXPECT_EQ(f.get_u32("t.u32"), 4000000000u);
  EXPECT_EQ(f.value("t.i32").i, -2000000000);
  EXPECT_EQ(f.get_f32("t.f32"), 0.1f);
  EXPECT_TRUE(f.get_bool("t.bool_true"));
  EXPECT_FALSE(f.get_bool("t.bool_false"));
  EXPECT_EQ(f.get_string("t.string"), "h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c");
  EXPECT_EQ(f.get_string("t.empty_string"), "");
  EXPECT_EQ(f.value("t.u64").u, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(f.get_int("t.i64"), -9223372036854775807LL);
  EXPECT_EQ(f.get_float("t.f64"), 2.718281828459045);
  EXPECT_EQ(f.get_float("t.f32"), static_cast<double>(0.1f));
  // get_int widens every integer type.
  EXPECT_EQ(f.get_int("t.u8"), 200);
  EXPECT_EQ(f.get_int("t.i16"), -30000);
  EXPECT_EQ(f.get_int("t.u32"), 4000000000LL);
}

TEST(GgufFile, ReadsArraysOfEveryType) {
  const std::string path = srs::test::golden("gguf/metadata.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  EXPECT_EQ(f.get_int_array("t.arr_u8"), (std::vector<int64_t>{0, 1, 255}));
  EXPECT_EQ(f.get_int_array("t.arr_i8"), (std::vector<int64_t>{-128, 0, 127}));
  EXPECT_EQ(f.get_int_array("t.arr_u16"), (std::vector<int64_t>{0, 65535}));
  EXPECT_EQ(f.get_int_array("t.arr_i16"), (std::vector<int64_t>{-32768, 32767}));
  EXPECT_EQ(f.get_int_array("t.arr_u32"), (std::vector<int64_t>{1, 4294967295LL}));
  EXPECT_EQ(f.get_int_array("t.arr_i32"), (std::vector<int64_t>{-5, 7, 11}));
  EXPECT_EQ(f.get_int_array("t.arr_u64"), (std::vector<int64_t>{0, std::numeric_limits<int64_t>::max()}));
  EXPECT_EQ(f.get_int_array("t.arr_i64"), (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 42}));
  EXPECT_EQ(f.get_f32_array("t.arr_f32"), (std::vector<float>{1.5f, -0.25f, 3.0e38f}));
  EXPECT_EQ(f.get_string_array("t.arr_string"), (std::vector<std::string>{"a", "", "b c"}));

  const srs::GgufValue b = f.value("t.arr_bool");
  ASSERT_EQ(b.elem_type, GgufValueType::Bool);
  ASSERT_EQ(b.elems.size(), 3u);
  EXPECT_EQ(b.elems[0].u, 1u);
  EXPECT_EQ(b.elems[1].u, 0u);
  EXPECT_EQ(b.elems[2].u, 1u);
  const srs::GgufValue d = f.value("t.arr_f64");
  ASSERT_EQ(d.elems.size(), 2u);
  EXPECT_EQ(d.elems[0].f, 0.5);
  EXPECT_EQ(d.elems[1].f, -1e300);

  const srs::GgufKv* kv = f.find("t.arr_string");
  ASSERT_NE(kv, nullptr);
  EXPECT_EQ(kv->type, GgufValueType::Array);
  EXPECT_EQ(kv->elem_type, GgufValueType::String);
  EXPECT_EQ(kv->count, 3u);
}

TEST(GgufFile, ReadsNestedArrays) {
  const std::string path = srs::test::golden("gguf/metadata.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  const srs::GgufValue n = f.value("t.nested_i32");
  ASSERT_EQ(n.elem_type, GgufValueType::Array);
  ASSERT_EQ(n.elems.size(), 2u);
  ASSERT_EQ(n.elems[1].elem_type, GgufValueType::I32);
  ASSERT_EQ(n.elems[1].elems.size(), 3u);
  EXPECT_EQ(n.elems[0].elems[1].i, 2);
  EXPECT_EQ(n.elems[1].elems[2].i, 5);

  const srs::GgufValue s = f.value("t.nested_string");
  ASSERT_EQ(s.elems.size(), 2u);
  ASSERT_EQ(s.elems[1].elems.size(), 2u);
  EXPECT_EQ(s.elems[0].elems[0].s, "x");
  EXPECT_EQ(s.elems[1].elems[1].s, "z");

  const srs::GgufValue t = f.value("t.nested3");  // [[[1], [2, 3]], [[4]]]
  ASSERT_EQ(t.elems.size(), 2u);
  ASSERT_EQ(t.elems[0].elems.size(), 2u);
  EXPECT_EQ(t.elems[0].elems[1].elems[1].i, 3);
  EXPECT_EQ(t.elems[1].elems[0].elems[0].i, 4);
  // A nested array is not an array of integers.
  expect_error([&] { f.get_int_array("t.nested_i32"); }, {path, "t.nested_i32", "array of array"});
}

TEST(GgufFile, HonoursCustomAlignment) {
  const std::string path = srs::test::golden("gguf/metadata.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  EXPECT_EQ(f.alignment(), 64u);
  EXPECT_EQ(f.data_offset() % 64, 0u);
  ASSERT_EQ(f.tensors().size(), 2u);
  const srs::GgufTensorInfo& second = f.tensor("second");
  EXPECT_EQ(second.offset, 64u);  // 5 floats padded to 64 bytes
  EXPECT_EQ(second.ne, (std::vector<int64_t>{3}));
  std::vector<float> v(3);
  f.read_f32(second, v.data());
  EXPECT_EQ(v, (std::vector<float>{0.0f, -2.0f, -4.0f}));
  std::vector<float> w(5);
  f.read_f32(f.tensor("first"), w.data());
  EXPECT_EQ(w, (std::vector<float>{0, 1, 2, 3, 4}));
}

TEST(GgufFile, ReadsVersion2) {
  const std::string path = srs::test::golden("gguf/v2.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  const std::string v3_path = srs::test::golden("gguf/types/Q8_0.gguf");
  GgufFile v2(path);
  GgufFile v3(v3_path);
  EXPECT_EQ(v2.version(), 2u);
  ASSERT_EQ(v2.tensors().size(), v3.tensors().size());
  for (size_t i = 0; i < v2.tensors().size(); ++i) {
    const auto& a = v2.tensors()[i];
    const auto& b = v3.tensors()[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.ne, b.ne);
    EXPECT_EQ(a.type, GgmlType::Q8_0);
    std::vector<float> x(static_cast<size_t>(a.numel)), y(static_cast<size_t>(b.numel));
    v2.read_f32(a, x.data());
    v3.read_f32(b, y.data());
    EXPECT_EQ(0, std::memcmp(x.data(), y.data(), x.size() * sizeof(float)));
  }
}

TEST(GgufFile, TensorInfosKeepGgmlOrder) {
  const std::string path = srs::test::golden("gguf/types/Q4_K.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  ASSERT_EQ(f.tensors().size(), 3u);
  const srs::GgufTensorInfo& c = f.tensor("c");  // numpy shape (2, 1, 256)
  EXPECT_EQ(c.ne, (std::vector<int64_t>{256, 1, 2}));
  EXPECT_EQ(c.type, GgmlType::Q4_K);
  EXPECT_EQ(c.numel, 512);
  EXPECT_EQ(c.nbytes, 2u * 144u);
  EXPECT_EQ(c.n_rows(), 2);
  EXPECT_EQ(f.find_tensor("missing"), nullptr);
  expect_error([&] { f.tensor("missing"); }, {path, "missing"});
}

TEST(GgufFile, TypedAccessorsNameFileAndKey) {
  const std::string path = srs::test::golden("gguf/metadata.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile f(path);
  expect_error([&] { f.get_string("no.such.key"); }, {path, "no.such.key", "missing"});
  expect_error([&] { f.get_u32("t.string"); }, {path, "t.string", "string", "expected u32"});
  expect_error([&] { f.get_f32("t.f64"); }, {path, "t.f64", "f64", "expected f32"});
  expect_error([&] { f.get_string("t.u32"); }, {path, "t.u32", "expected string"});
  expect_error([&] { f.get_bool("t.u8"); }, {path, "t.u8", "expected bool"});
  expect_error([&] { f.get_int("t.f32"); }, {path, "t.f32", "expected an integer"});
  expect_error([&] { f.get_int("t.u64"); }, {path, "t.u64", "too large"});
  expect_error([&] { f.get_float("t.string"); }, {path, "t.string", "expected f32 or f64"});
  expect_error([&] { f.get_string_array("t.arr_i32"); }, {path, "t.arr_i32", "array of i32", "array of string"});
  expect_error([&] { f.get_f32_array("t.arr_f64"); }, {path, "t.arr_f64", "array of f32"});
  expect_error([&] { f.get_int_array("t.arr_string"); }, {path, "t.arr_string", "array of integers"});
  // Fallbacks apply to absent keys only; a present key of the wrong type still throws.
  EXPECT_EQ(f.get_int_or("no.such.key", 7), 7);
  EXPECT_EQ(f.get_string_or("no.such.key", "x"), "x");
  EXPECT_EQ(f.get_float_or("no.such.key", 0.5), 0.5);
  EXPECT_TRUE(f.get_bool_or("no.such.key", true));
  expect_error([&] { f.get_int_or("t.string", 7); }, {path, "t.string"});
}

TEST(GgufFile, ParsesFromMemory) {
  const std::string path = srs::test::golden("gguf/types/Q5_1.gguf");
  SRS_REQUIRE_FILE(path, kFixtureHow);
  GgufFile on_disk(path);
  const std::string bytes = srs::read_file(path);
  GgufFile in_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "memory.gguf");
  EXPECT_EQ(in_memory.path(), "memory.gguf");
  ASSERT_EQ(in_memory.tensors().size(), on_disk.tensors().size());
  EXPECT_EQ(in_memory.data_offset(), on_disk.data_offset());
}
