#pragma once
// Thin, checked wrappers over the HDF5 C API for the project file: owned handles, datasets of
// strings and numbers, scalar attributes. Every failure throws srs::Error naming the file,
// the object and HDF5's own reason (its automatic stderr printing is switched off).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace srs::h5 {

// Owns an HDF5 identifier and closes it with the matching H5?close.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Id() { reset(); }
  Id(Id&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  hid_t get() const { return id_; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

// Silences HDF5's automatic error printing while alive and restores it afterwards.
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The descriptions on HDF5's current error stack, innermost last ("" when empty).
std::string error_stack();

// Which HDF5 class a dataset or attribute must have.
enum class Kind { integer, real, string };

// Writing. `file` names the file in error messages; `loc` is a file or group.
Id create_group(hid_t loc, const std::string& name, const std::string& file);
void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values, const std::string& file);
void write_i64(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const int64_t* data,
               const std::string& file);
void write_i32(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const int32_t* data,
               const std::string& file);
void write_u8(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const uint8_t* data,
              const std::string& file);
void write_f64(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
               const std::string& file);
void attr_string(hid_t loc, const std::string& name, const std::string& value, const std::string& file);
void attr_i64(hid_t loc, const std::string& name, int64_t value, const std::string& file);
void attr_u64(hid_t loc, const std::string& name, uint64_t value, const std::string& file);

// Reading. `path` is the full object path inside the file, used for lookup and messages.
// open_dataset checks existence, class and rank; dims() gives the shape.
Id open_dataset(hid_t file_id, const std::string& path, Kind kind, int rank, const std::string& file);
std::vector<hsize_t> dims(hid_t dataset);
std::vector<std::string> read_strings(hid_t dataset, const std::string& path, const std::string& file);
std::vector<int64_t> read_i64(hid_t dataset, const std::string& path, const std::string& file);
std::vector<double> read_f64(hid_t dataset, const std::string& path, const std::string& file);
std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& name, const std::string& file);
int64_t read_attr_i64(hid_t loc, const std::string& obj, const std::string& name, const std::string& file);
uint64_t read_attr_u64(hid_t loc, const std::string& obj, const std::string& name, const std::string& file);

}  // namespace srs::h5
