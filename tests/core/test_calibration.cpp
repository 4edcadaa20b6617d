#include <gtest/gtest.h>

#include <set>

#include "byte_tokenizer.h"
#include "data/calibration.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

std::string make_files() {
  const std::string dir = srs::test::temp_dir();
  std::string a, b;
  for (int i = 0; i < 100; ++i) a += static_cast<char>('a' + i % 26);  // 100 bytes -> 6 windows of 16
  for (int i = 0; i < 40; ++i) b += static_cast<char>('A' + i % 26);   // 40 bytes -> 2 windows
  srs::write_file_atomic(dir + "/a.txt", a);
  srs::write_file_atomic(dir + "/b.jsonl", "{\"text\": \"" + b + "\"}\n{\"text\": \"too short\"}\n\n");
  srs::write_file_atomic(dir + "/ignored.bin", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  return dir;
}

}  // namespace

TEST(Calibration, WindowsAreSeededFullLengthAndFromTheText) {
  const std::string dir = make_files();
  srs::test::ByteTokenizer tok;
  srs::CalibrationSpec s{{dir}, 8, 16, 7};
  const auto set = srs::build_calibration_set(s, tok);
  ASSERT_EQ(set.samples.size(), 8u);  // all 6 + 2 windows; "too short" dropped
  std::set<std::vector<int32_t>> distinct;
  for (const auto& w : set.samples) {
    ASSERT_EQ(w.size(), 16u);
    EXPECT_NE(w[0], 256) << "no BOS inside calibration windows";
    distinct.insert(w);
  }
  EXPECT_EQ(distinct.size(), 8u);
  EXPECT_EQ(srs::build_calibration_set(s, tok).token_hash, set.token_hash);  // same seed, same windows
  s.seed = 8;
  s.nsamples = 4;
  const auto other = srs::build_calibration_set(s, tok);
  EXPECT_NE(other.token_hash, set.token_hash);
}

TEST(Calibration, TooLittleTextIsAClearError) {
  const std::string dir = make_files();
  srs::test::ByteTokenizer tok;
  try {
    srs::build_calibration_set({{dir}, 9, 16, 0}, tok);
    FAIL();
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("too short"), std::string::npos) << msg;
    EXPECT_NE(msg.find("8 windows"), std::string::npos) << msg;
    EXPECT_NE(msg.find("a.txt"), std::string::npos) << msg;
  }
}

TEST(Calibration, BadInputs) {
  srs::test::ByteTokenizer tok;
  EXPECT_THROW(srs::build_calibration_set({{"/no/such/file.txt"}, 1, 16, 0}, tok), srs::Error);
  const std::string dir = srs::test::temp_dir();
  srs::write_file_atomic(dir + "/bad.jsonl", "{\"text\": 1}\n");
  try {
    srs::build_calibration_set({{dir + "/bad.jsonl"}, 1, 4, 0}, tok);
    FAIL();
  } catch (const srs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("line 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(srs::build_calibration_set({{dir}, 0, 4, 0}, tok), srs::Error);
}
