// HDF5 project file: round trip, atomic replacement, and every way a file can be bad.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "project/h5_io.h"
#include "project/project_check.h"
#include "project/project_file.h"
#include "project/project_seal.h"
#include "test_paths.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace {

// A score no other number in the file shares, to find its bytes on disk.
constexpr double kMarker = 0.123456789012345;

srs::Project sample_project() {
  srs::Project p;
  p.model = {"/models/SmolLM2-135M-Instruct.Q4_1.gguf", 97000000, "sha256:abc123"};
  p.calibration = {{"wikitext-2-raw-v1/test.txt", "austen/emma.txt"}, 128, 2048, 42, 8, "sha256:tok999"};
  p.table.options = {"W2A16", "W4A16", "W8A16"};
  p.option_json = {{{"bits", 2}, {"group_size", 128}, {"sym", true}, {"data_type", "int"}},
                   {{"bits", 4}, {"group_size", 128}, {"sym", true}, {"data_type", "int"}},
                   {{"bits", 8}, {"group_size", 128}, {"sym", true}, {"data_type", "int"}}};
  const char* kinds[] = {"q", "k", "v", "o", "gate", "up", "down"};
  const char* names[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                         "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
  for (int b = 0; b < 2; ++b)
    for (int j = 0; j < 7; ++j) {
      srs::LayerSensitivity l;
      l.name = "model.layers." + std::to_string(b) + "." + names[j];
      l.block = b;
      l.kind = srs::parse_layer_kind(kinds[j], "test");
      l.params = 576 * 192 * (j + 1);
      for (int bits : {2, 4, 8}) {
        l.score.push_back(1.0 / bits / (b * 7 + j + 1));
        l.bits.push_back(bits * l.params + l.params / 128 * (16 + bits));
        l.bits_no_overhead.push_back(bits * l.params);
      }
      p.table.layers.push_back(l);
    }
  p.table.layers[5].score[1] = kMarker;
  srs::LayerSensitivity head;
  head.name = "lm_head";
  head.kind = srs::LayerKind::lm_head;
  head.params = 576 * 49152;
  head.score = {3.0, 2.0, 1.0};
  head.bits = {2 * head.params, 4 * head.params, 8 * head.params};
  head.bits_no_overhead = head.bits;
  p.table.layers.push_back(head);

  srs::QuantPlan a;
  a.name = "deltaloss 3.0";
  a.choice.assign(p.table.layers.size(), 0);
  a.choice[3] = 2;
  a.choice.back() = -1;
  a.locked.assign(p.table.layers.size(), 0);
  a.locked[3] = 1;
  a.target_avg_bits = 3.0;
  a.budget_bits = 123456789;
  srs::QuantPlan b = a;
  b.name = "first blocks W4A16 (ünïcode)";
  b.count_overhead = false;
  b.choice.assign(p.table.layers.size(), 1);
  p.plans = {a, b};
  return p;
}

std::string write_sample(const std::string& name) {
  const std::string path = srs::test::temp_dir() + "/" + name;
  srs::write_project(path, sample_project());
  return path;
}

void expect_bad(const std::string& path, const std::string& needle) {
  try {
    srs::read_project(path);
    ADD_FAILURE() << path << " was accepted";
  } catch (const srs::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(needle), std::string::npos) << msg;
  }
}

// Edits a written file with the HDF5 API directly (as h5py would), then reseals it, to build
// files whose shapes or values disagree.
template <typename Fn>
void edit(const std::string& path, Fn fn) {
  {
    const srs::h5::QuietErrors quiet;
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    fn(f);
    H5Fclose(f);
  }
  srs::reseal_project(path);
}

}  // namespace

TEST(ProjectFile, RoundTripKeepsEverything) {
  const srs::Project p = sample_project();
  const std::string path = write_sample("round.srsproj");
  const srs::Project q = srs::read_project(path);
  EXPECT_EQ(q.model.path, p.model.path);
  EXPECT_EQ(q.model.file_size, p.model.file_size);
  EXPECT_EQ(q.model.header_hash, p.model.header_hash);
  EXPECT_EQ(q.calibration.files, p.calibration.files);
  EXPECT_EQ(q.calibration.nsamples, 128);
  EXPECT_EQ(q.calibration.seqlen, 2048);
  EXPECT_EQ(q.calibration.seed, 42);
  EXPECT_EQ(q.calibration.batch_size, 8);
  EXPECT_EQ(q.calibration.token_hash, p.calibration.token_hash);
  EXPECT_EQ(q.table.options, p.table.options);
  EXPECT_EQ(q.option_json, p.option_json);
  ASSERT_EQ(q.table.layers.size(), p.table.layers.size());
  for (size_t i = 0; i < p.table.layers.size(); ++i) {
    const auto &x = p.table.layers[i], &y = q.table.layers[i];
    EXPECT_EQ(y.name, x.name);
    EXPECT_EQ(y.block, x.block);
    EXPECT_EQ(y.kind, x.kind);
    EXPECT_EQ(y.params, x.params);
    EXPECT_EQ(y.score, x.score);  // bit-exact doubles
    EXPECT_EQ(y.bits, x.bits);
    EXPECT_EQ(y.bits_no_overhead, x.bits_no_overhead);
  }
  ASSERT_EQ(q.plans.size(), 2u);
  for (size_t j = 0; j < 2; ++j) {
    EXPECT_EQ(q.plans[j].name, p.plans[j].name);
    EXPECT_EQ(q.plans[j].choice, p.plans[j].choice);
    EXPECT_EQ(q.plans[j].locked, p.plans[j].locked);
    EXPECT_EQ(q.plans[j].target_avg_bits, p.plans[j].target_avg_bits);
    EXPECT_EQ(q.plans[j].count_overhead, p.plans[j].count_overhead);
    EXPECT_EQ(q.plans[j].budget_bits, p.plans[j].budget_bits);
    srs::QuantPlan expect = p.plans[j];
    srs::evaluate_plan(p.table, expect);
    EXPECT_EQ(q.plans[j].avg_bits, expect.avg_bits);
    EXPECT_EQ(q.plans[j].predicted_loss, expect.predicted_loss);
  }
}

TEST(ProjectFile, EmptyProjectRoundTrips) {
  srs::Project p;
  p.table.options = {"W4A16"};
  p.option_json = {{{"bits", 4}}};
  const std::string path = srs::test::temp_dir() + "/empty.srsproj";
  srs::write_project(path, p);
  const auto q = srs::read_project(path);
  EXPECT_TRUE(q.table.layers.empty());
  EXPECT_TRUE(q.plans.empty());
  EXPECT_TRUE(q.calibration.files.empty());
  EXPECT_EQ(q.table.options, p.table.options);
}

TEST(ProjectFile, WriteReplacesAtomicallyAndRefusesInconsistentProjects) {
  const std::string path = write_sample("atomic.srsproj");
  srs::Project p = sample_project();
  p.plans[0].choice.pop_back();  // a plan for another table
  EXPECT_THROW(srs::write_project(path, p), srs::Error);
  EXPECT_NO_THROW(srs::read_project(path));  // the old file is intact
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    files += e.path().filename().string().rfind("atomic.srsproj", 0) == 0;
  EXPECT_EQ(files, 1);
  p = sample_project();
  p.option_json.pop_back();
  EXPECT_THROW(srs::write_project(path, p), srs::Error);
}

TEST(ProjectFile, TruncatedFilesAreErrors) {
  const std::string path = write_sample("whole.srsproj");
  const std::string bytes = srs::read_file(path);
  const std::string cut = srs::test::temp_dir() + "/cut.srsproj";
  for (size_t len : {size_t{0}, size_t{7}, size_t{100}, bytes.size() / 4, bytes.size() / 2, bytes.size() * 3 / 4,
                     bytes.size() - 1}) {
    srs::write_file_atomic(cut, bytes.substr(0, len));
    SCOPED_TRACE("length " + std::to_string(len));
    expect_bad(cut, len < srs::kProjectUserBlock ? (len < 25 ? "not a SignRound Studio project" : "header")
                                                 : "truncated");
  }
  expect_bad(srs::test::temp_dir() + "/missing.srsproj", "cannot open");
}

TEST(ProjectFile, CorruptFilesAreErrors) {
  const std::string path = write_sample("corrupt.srsproj");
  const std::string bytes = srs::read_file(path);
  // A damaged header: not a project file at all.
  std::string sig = bytes;
  sig[1] = 'X';
  const std::string sig_path = srs::test::temp_dir() + "/sig.srsproj";
  srs::write_file_atomic(sig_path, sig);
  expect_bad(sig_path, "not a SignRound Studio project file");
  // A damaged HDF5 superblock behind a valid seal.
  std::string superblock = bytes;
  superblock[srs::kProjectUserBlock + 1] = 'X';
  const std::string sb_path = srs::test::temp_dir() + "/superblock.srsproj";
  srs::write_file_atomic(sb_path, superblock);
  expect_bad(sb_path, "checksum");
  srs::reseal_project(sb_path);
  expect_bad(sb_path, "no HDF5 superblock");
  // A flipped bit in the score data: caught by the seal, and once resealed (an edit with
  // another tool) by the dataset's Fletcher-32 checksum.
  unsigned char marker[sizeof kMarker];
  std::memcpy(marker, &kMarker, sizeof kMarker);
  const size_t at = bytes.find(std::string(reinterpret_cast<char*>(marker), sizeof marker));
  ASSERT_NE(at, std::string::npos) << "score bytes not found in the file";
  std::string flipped = bytes;
  flipped[at + 3] = static_cast<char>(flipped[at + 3] ^ 0x10);
  const std::string flip_path = srs::test::temp_dir() + "/flip.srsproj";
  srs::write_file_atomic(flip_path, flipped);
  expect_bad(flip_path, "checksum");
  srs::reseal_project(flip_path);
  expect_bad(flip_path, "/layers/score");
  // Bytes appended to a complete file.
  const std::string long_path = srs::test::temp_dir() + "/long.srsproj";
  srs::write_file_atomic(long_path, bytes + "junk");
  expect_bad(long_path, "unexpected bytes");
}

// HDF5 itself may crash on damaged metadata; the seal must catch every damaged byte first.
TEST(ProjectFile, RandomDamageIsAlwaysAnError) {
  const std::string path = write_sample("random.srsproj");
  const std::string bytes = srs::read_file(path);
  const size_t header_text = bytes.find('\0');  // NUL padding after the header text is not checked
  ASSERT_NE(header_text, std::string::npos);
  std::mt19937 rng(5);
  const std::string damaged = srs::test::temp_dir() + "/damaged.srsproj";
  for (int trial = 0; trial < 100; ++trial) {
    std::string b = bytes;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      size_t at = rng() % (header_text + bytes.size() - srs::kProjectUserBlock);
      if (at >= header_text) at += srs::kProjectUserBlock - header_text;
      b[at] = static_cast<char>(b[at] ^ (1 + rng() % 255));
    }
    srs::write_file_atomic(damaged, b);
    EXPECT_THROW(srs::read_project(damaged), srs::Error) << "trial " << trial;
  }
}

TEST(ProjectFile, EditWithoutResealIsRefused) {
  const std::string path = write_sample("unsealed.srsproj");
  {
    const srs::h5::QuietErrors quiet;
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    srs::h5::attr_string(f, "note", "edited with h5py", "test");
    H5Fclose(f);
  }
  expect_bad(path, "reseal");
  srs::reseal_project(path);
  EXPECT_NO_THROW(srs::read_project(path));
}

TEST(ProjectFile, SchemaVersionAndShapesAreChecked) {
  {
    const std::string path = write_sample("version.srsproj");
    edit(path, [](hid_t f) {
      H5Adelete(f, "schema_version");
      srs::h5::attr_i64(f, "schema_version", 99, "test");
    });
    expect_bad(path, "schema version 99");
  }
  {
    const std::string path = write_sample("shape.srsproj");
    edit(path, [](hid_t f) {
      H5Ldelete(f, "/layers/params", H5P_DEFAULT);
      const int64_t params[3] = {1, 2, 3};
      srs::h5::write_i64(f, "/layers/params", {3}, params, "test");
    });
    expect_bad(path, "/layers/params has shape [3], expected [15]");
  }
  {
    const std::string path = write_sample("plans.srsproj");
    edit(path, [](hid_t f) {
      H5Ldelete(f, "/plans/choice", H5P_DEFAULT);
      std::vector<int32_t> choice(2 * 15, 7);  // option 7 of 3
      srs::h5::write_i32(f, "/plans/choice", {2, 15}, choice.data(), "test");
    });
    expect_bad(path, "option index 7");
  }
  {
    const std::string path = write_sample("missing.srsproj");
    edit(path, [](hid_t f) { H5Ldelete(f, "/layers/score", H5P_DEFAULT); });
    expect_bad(path, "/layers/score is missing");
  }
  {
    const std::string path = write_sample("type.srsproj");
    edit(path, [](hid_t f) {
      H5Ldelete(f, "/layers/kind", H5P_DEFAULT);
      const int64_t kinds[15] = {};
      srs::h5::write_i64(f, "/layers/kind", {15}, kinds, "test");
    });
    expect_bad(path, "/layers/kind should hold variable-length strings");
  }
}

TEST(ProjectCheck, DetectsAnotherModelAndOtherCalibration) {
  const srs::Project p = srs::read_project(write_sample("check.srsproj"));
  const auto same = srs::check_project(p, p.model, p.calibration);
  EXPECT_TRUE(same.up_to_date());
  EXPECT_TRUE(same.changes.empty());

  srs::ModelFingerprint moved = p.model;
  moved.path = "/elsewhere/model.gguf";
  const auto m = srs::check_project(p, moved, p.calibration);
  EXPECT_TRUE(m.up_to_date());
  EXPECT_TRUE(m.model_moved);

  srs::ModelFingerprint other = p.model;
  other.header_hash = "sha256:def456";
  const auto o = srs::check_project(p, other, p.calibration);
  EXPECT_FALSE(o.up_to_date());
  EXPECT_TRUE(o.model_changed);
  EXPECT_FALSE(o.calibration_changed);
  ASSERT_EQ(o.changes.size(), 1u);
  EXPECT_NE(o.changes[0].find("header hash"), std::string::npos);

  srs::CalibrationSettings calib = p.calibration;
  calib.seqlen = 512;
  calib.token_hash = "sha256:tok000";
  const auto c = srs::check_project(p, p.model, calib);
  EXPECT_TRUE(c.calibration_changed);
  EXPECT_FALSE(c.model_changed);
  EXPECT_EQ(c.changes.size(), 2u);

  srs::CalibrationSettings renamed = p.calibration;
  renamed.files = {"/absolute/path/to/the/same/text"};
  const auto r = srs::check_project(p, p.model, renamed);
  EXPECT_TRUE(r.up_to_date()) << "same tokens from another path: the scores still hold";
  EXPECT_EQ(r.changes.size(), 1u) << "but the user is told";
  renamed.token_hash = "sha256:tok000";
  EXPECT_TRUE(srs::check_project(p, p.model, renamed).calibration_changed);
}
