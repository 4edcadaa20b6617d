#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>

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

// A full disk, emulated with a file-size limit: write() fails with EFBIG exactly as it
// would fail with ENOSPC, and the original file must survive untouched.
TEST(AtomicFile, FullDiskIsAClearErrorAndKeepsOriginal) {
  const std::string path = srs::test::temp_dir() + "/big.bin";
  srs::write_file_atomic(path, "original");
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGXFSZ, &ignore, &previous);
  struct rlimit small = old;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    srs::AtomicFile f(path);
    f.write(std::string(1 << 20, 'x'));
    f.commit();
  } catch (const srs::Error& e) {
    message = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &old);
  sigaction(SIGXFSZ, &previous, nullptr);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("original file is unchanged"), std::string::npos) << message;
  EXPECT_EQ(srs::read_file(path), "original");
}
