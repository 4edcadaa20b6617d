#include "project/project_seal.h"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "util/error.h"

namespace srs {

namespace {

constexpr const char* kMagic = "SignRound Studio project\n";

struct Contents {
  uint64_t length = 0;  // bytes after the user block
  uint64_t hash = 0;
};

// FNV-1a 64 over everything after the user block, streamed.
Contents hash_contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the project file; check the path");
  in.seekg(static_cast<std::streamoff>(kProjectUserBlock));
  Contents c;
  c.hash = 0xcbf29ce484222325ULL;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<size_t>(in.gcount());
    for (size_t i = 0; i < n; ++i) {
      c.hash ^= static_cast<unsigned char>(buf[i]);
      c.hash *= 0x100000001b3ULL;
    }
    c.length += n;
  }
  if (in.bad()) throw Error(path + ": read failed");
  return c;
}

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw Error(path + ": " + what);
}

}  // namespace

std::string project_seal(const std::string& path) {
  const Contents c = hash_contents(path);
  char text[128];
  std::snprintf(text, sizeof text, "%slength %" PRIu64 "\nfnv1a64 %016" PRIx64 "\n", kMagic, c.length, c.hash);
  std::string header(text);
  header.resize(kProjectUserBlock, '\0');
  return header;
}

void verify_project_seal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the project file; check the path");
  std::string header(kProjectUserBlock, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header.size()));
  const auto got = static_cast<size_t>(in.gcount());
  const std::string magic = kMagic;
  if (got < magic.size() || header.compare(0, magic.size(), magic) != 0)
    bad(path, "not a SignRound Studio project file (its header is missing or damaged)");
  if (got < kProjectUserBlock) bad(path, "the file is truncated inside its header");
  uint64_t length = 0, hash = 0;
  if (std::sscanf(header.c_str() + magic.size(), "length %" SCNu64 "\nfnv1a64 %" SCNx64, &length, &hash) != 2)
    bad(path, "the project header is damaged (no length and checksum)");
  in.close();
  const Contents c = hash_contents(path);
  if (c.length < length)
    bad(path, "the file is truncated: " + std::to_string(c.length) + " of " + std::to_string(length) +
                  " bytes after the header; restore it from a backup");
  if (c.length > length)
    bad(path, "the file has " + std::to_string(c.length - length) +
                  " unexpected bytes at its end: it is damaged, or was edited with another HDF5 tool (then reseal it)");
  if (c.hash != hash)
    bad(path, "the contents do not match their checksum: the file is corrupt, or was edited with another "
              "HDF5 tool (then reseal it)");
}

void reseal_project(const std::string& path) {
  const std::string header = project_seal(path);
  std::fstream f(path, std::ios::binary | std::ios::in | std::ios::out);
  if (!f) throw Error(path + ": cannot open the project file for writing");
  f.write(header.data(), static_cast<std::streamsize>(header.size()));
  f.flush();
  if (!f) throw Error(path + ": cannot rewrite the project header");
}

}  // namespace srs
