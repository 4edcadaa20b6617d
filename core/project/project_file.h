#pragma once
// The HDF5 project file (schema in docs/project-file.md; readable with h5py).
#include <string>

#include "project/project.h"

namespace srs {

constexpr int64_t kProjectSchemaVersion = 1;

// Writes atomically: a temporary file in the same folder, sealed (project_seal.h), renamed
// over `path` once complete.
// Throws srs::Error when the project is inconsistent (plan sizes, option JSON count) or on I/O failure.
void write_project(const std::string& path, const Project& project);

// Opens and validates: the seal (length and checksum, before HDF5 parses the file), schema version, every dataset's type and shape against the others,
// values in range (option indices, lock flags, layer kinds), checksums of the numeric data.
// Throws srs::Error naming the file and what is wrong. Plans come back with their averages
// and predicted loss recomputed from the table.
Project read_project(const std::string& path);

}  // namespace srs
