#include "project/h5_io.h"

#include "util/error.h"

namespace srs::h5 {

namespace {

// A corrupt header could claim any shape; refuse before allocating.
constexpr hsize_t kMaxElements = hsize_t{1} << 28;

[[noreturn]] void fail(const std::string& file, const std::string& what) {
  const std::string stack = error_stack();
  throw Error(file + ": " + what + (stack.empty() ? "" : " (HDF5: " + stack + ")") +
              "; the project file is damaged or was not written by SignRound Studio");
}

template <typename T>
T check(T id, const std::string& file, const std::string& what) {
  if (id < 0) fail(file, what);
  return id;
}

herr_t collect(unsigned n, const H5E_error2_t* err, void* data) {
  auto* out = static_cast<std::string*>(data);
  if (err->desc && *err->desc) {
    if (!out->empty()) *out += "; ";
    *out += err->desc;
  }
  return n >= 3 ? -1 : 0;  // the innermost few say enough
}

Id string_type(const std::string& file) {
  Id t(check(H5Tcopy(H5T_C_S1), file, "cannot create a string type"), H5Tclose);
  check(H5Tset_size(t.get(), H5T_VARIABLE), file, "cannot create a string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), file, "cannot create a string type");
  return t;
}

hsize_t count(const std::vector<hsize_t>& dims) {
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

void write_numeric(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, hid_t file_type,
                   hid_t mem_type, const void* data, const std::string& file) {
  const std::string what = "cannot write dataset " + name;
  Id space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), file, what), H5Sclose);
  Id dcpl(check(H5Pcreate(H5P_DATASET_CREATE), file, what), H5Pclose);
  const hsize_t n = count(dims);
  if (n > 0) {  // one chunk with a Fletcher-32 checksum, so flipped bits are caught on read
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data()), file, what);
    check(H5Pset_fletcher32(dcpl.get()), file, what);
  }
  Id ds(check(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), file,
              what),
        H5Dclose);
  if (n > 0) check(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, what);
}

Id open_attr(hid_t loc, const std::string& obj, const std::string& name, H5T_class_t cls, const std::string& file) {
  const std::string at = "attribute " + name + " of " + obj;
  const htri_t exists = H5Aexists_by_name(loc, obj.c_str(), name.c_str(), H5P_DEFAULT);
  if (exists <= 0) fail(file, at + " is missing");
  Id attr(check(H5Aopen_by_name(loc, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), file, "cannot open " + at),
          H5Aclose);
  Id type(check(H5Aget_type(attr.get()), file, "cannot read the type of " + at), H5Tclose);
  if (H5Tget_class(type.get()) != cls) fail(file, at + " has the wrong type");
  Id space(check(H5Aget_space(attr.get()), file, "cannot read the shape of " + at), H5Sclose);
  if (H5Sget_simple_extent_type(space.get()) != H5S_SCALAR) fail(file, at + " is not a single value");
  return attr;
}

}  // namespace

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrors::~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

std::string error_stack() {
  std::string out;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &out);
  return out;
}

Id create_group(hid_t loc, const std::string& name, const std::string& file) {
  return Id(check(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file,
                  "cannot create group " + name),
            H5Gclose);
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values,
                   const std::string& file) {
  const std::string what = "cannot write dataset " + name;
  Id type = string_type(file);
  const hsize_t n = values.size();
  Id space(check(H5Screate_simple(1, &n, nullptr), file, what), H5Sclose);
  Id ds(check(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), file,
              what),
        H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  if (n > 0) check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), file, what);
}

void write_i64(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const int64_t* data,
               const std::string& file) {
  write_numeric(loc, name, dims, H5T_STD_I64LE, H5T_NATIVE_INT64, data, file);
}
void write_i32(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const int32_t* data,
               const std::string& file) {
  write_numeric(loc, name, dims, H5T_STD_I32LE, H5T_NATIVE_INT32, data, file);
}
void write_u8(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const uint8_t* data,
              const std::string& file) {
  write_numeric(loc, name, dims, H5T_STD_U8LE, H5T_NATIVE_UINT8, data, file);
}
void write_f64(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data,
               const std::string& file) {
  write_numeric(loc, name, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, file);
}

void attr_string(hid_t loc, const std::string& name, const std::string& value, const std::string& file) {
  const std::string what = "cannot write attribute " + name;
  Id type = string_type(file);
  Id space(check(H5Screate(H5S_SCALAR), file, what), H5Sclose);
  Id attr(check(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), file, what),
          H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &p), file, what);
}

void attr_i64(hid_t loc, const std::string& name, int64_t value, const std::string& file) {
  const std::string what = "cannot write attribute " + name;
  Id space(check(H5Screate(H5S_SCALAR), file, what), H5Sclose);
  Id attr(check(H5Acreate2(loc, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), file, what),
          H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value), file, what);
}

void attr_u64(hid_t loc, const std::string& name, uint64_t value, const std::string& file) {
  const std::string what = "cannot write attribute " + name;
  Id space(check(H5Screate(H5S_SCALAR), file, what), H5Sclose);
  Id attr(check(H5Acreate2(loc, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), file, what),
          H5Aclose);
  check(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), file, what);
}

Id open_dataset(hid_t file_id, const std::string& path, Kind kind, int rank, const std::string& file) {
  // Check each link on the way, since H5Lexists fails on a missing parent group.
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (H5Lexists(file_id, prefix.c_str(), H5P_DEFAULT) <= 0) fail(file, prefix + " is missing");
    if (slash == std::string::npos) break;
  }
  Id ds(check(H5Dopen2(file_id, path.c_str(), H5P_DEFAULT), file, "cannot open dataset " + path), H5Dclose);
  Id type(check(H5Dget_type(ds.get()), file, "cannot read the type of " + path), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  const bool ok = (kind == Kind::integer && cls == H5T_INTEGER) || (kind == Kind::real && cls == H5T_FLOAT) ||
                  (kind == Kind::string && cls == H5T_STRING && H5Tis_variable_str(type.get()) > 0);
  if (!ok)
    fail(file, "dataset " + path + " should hold " +
                   (kind == Kind::integer ? "integers" : kind == Kind::real ? "floating-point numbers"
                                                                            : "variable-length strings"));
  Id space(check(H5Dget_space(ds.get()), file, "cannot read the shape of " + path), H5Sclose);
  const int r = H5Sget_simple_extent_ndims(space.get());
  if (r != rank)
    fail(file, "dataset " + path + " has " + std::to_string(r) + " dimensions, expected " + std::to_string(rank));
  if (count(dims(ds.get())) > kMaxElements) fail(file, "dataset " + path + " claims an implausible size");
  return ds;
}

std::vector<hsize_t> dims(hid_t dataset) {
  Id space(H5Dget_space(dataset), H5Sclose);
  const int r = space.get() >= 0 ? H5Sget_simple_extent_ndims(space.get()) : -1;
  std::vector<hsize_t> d(r > 0 ? r : 0);
  if (r > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  return d;
}

std::vector<std::string> read_strings(hid_t dataset, const std::string& path, const std::string& file) {
  const hsize_t n = count(dims(dataset));
  std::vector<std::string> out;
  if (n == 0) return out;
  Id type = string_type(file);
  std::vector<char*> buf(n, nullptr);
  check(H5Dread(dataset, type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), file, "cannot read " + path);
  out.reserve(n);
  for (char* p : buf) out.emplace_back(p ? p : "");
  Id space(H5Dget_space(dataset), H5Sclose);
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buf.data());
  return out;
}

std::vector<int64_t> read_i64(hid_t dataset, const std::string& path, const std::string& file) {
  std::vector<int64_t> out(count(dims(dataset)));
  if (!out.empty())
    check(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), file, "cannot read " + path);
  return out;
}

std::vector<double> read_f64(hid_t dataset, const std::string& path, const std::string& file) {
  std::vector<double> out(count(dims(dataset)));
  if (!out.empty())
    check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), file, "cannot read " + path);
  return out;
}

std::string read_attr_string(hid_t loc, const std::string& obj, const std::string& name, const std::string& file) {
  Id attr = open_attr(loc, obj, name, H5T_STRING, file);
  Id ftype(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tis_variable_str(ftype.get()) <= 0) fail(file, "attribute " + name + " of " + obj + " is not a variable-length string");
  Id type = string_type(file);
  char* p = nullptr;
  check(H5Aread(attr.get(), type.get(), &p), file, "cannot read attribute " + name + " of " + obj);
  std::string out = p ? p : "";
  if (p) H5free_memory(p);
  return out;
}

int64_t read_attr_i64(hid_t loc, const std::string& obj, const std::string& name, const std::string& file) {
  Id attr = open_attr(loc, obj, name, H5T_INTEGER, file);
  int64_t v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), file, "cannot read attribute " + name + " of " + obj);
  return v;
}

uint64_t read_attr_u64(hid_t loc, const std::string& obj, const std::string& name, const std::string& file) {
  Id attr = open_attr(loc, obj, name, H5T_INTEGER, file);
  uint64_t v = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &v), file, "cannot read attribute " + name + " of " + obj);
  return v;
}

}  // namespace srs::h5
