#pragma once
// The project file's seal: HDF5 parsers can crash on corrupt metadata, so a project file
// starts with a 512-byte HDF5 user block (which HDF5 and h5py skip) holding a text header
//   "SignRound Studio project\nlength <bytes after the user block>\nfnv1a64 <16 hex digits>\n"
// padded with NUL bytes. The reader checks length and checksum before HDF5 sees the file, so
// truncated or damaged files are reported instead of parsed.
#include <cstddef>
#include <string>

namespace srs {

constexpr size_t kProjectUserBlock = 512;

// The header for the file at `path`, whose first kProjectUserBlock bytes are reserved.
std::string project_seal(const std::string& path);
// Throws srs::Error naming the file when the header is missing or does not match the contents.
void verify_project_seal(const std::string& path);
// Rewrites the header of a project edited with other HDF5 tools (h5py), so it opens again.
void reseal_project(const std::string& path);

}  // namespace srs
