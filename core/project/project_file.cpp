#include "project/project_file.h"

#include <cstdint>

#include "project/h5_io.h"
#include "project/project_seal.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace srs {

namespace {

constexpr const char* kFormat = "SignRound Studio project";

void check_consistent(const Project& p, const std::string& path) {
  p.table.validate(path);
  if (p.option_json.size() != p.table.options.size())
    throw Error(path + ": " + std::to_string(p.option_json.size()) + " option descriptions for " +
                std::to_string(p.table.options.size()) + " options");
  for (const auto& plan : p.plans) {
    QuantPlan copy = plan;
    evaluate_plan(p.table, copy);  // throws for a plan of another table
  }
}

[[noreturn]] void bad(const std::string& file, const std::string& what) {
  throw Error(file + ": " + what + "; the project file is damaged or was not written by SignRound Studio");
}

std::string shape_text(const std::vector<hsize_t>& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

void expect_shape(hid_t ds, const std::string& name, const std::vector<hsize_t>& want, const std::string& meaning,
                  const std::string& file) {
  const auto got = h5::dims(ds);
  if (got != want)
    bad(file, "dataset " + name + " has shape " + shape_text(got) + ", expected " + shape_text(want) + " (" +
                  meaning + ")");
}

}  // namespace

void write_project(const std::string& path, const Project& p) {
  check_consistent(p, path);
  const h5::QuietErrors quiet;
  AtomicFile out(path);
  {
    const std::string& f = path;
    h5::Id fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
    if (fcpl.get() < 0 || H5Pset_userblock(fcpl.get(), kProjectUserBlock) < 0)
      throw Error(path + ": cannot set up the project file (HDF5: " + h5::error_stack() + ")");
    h5::Id file(H5Fcreate(out.temp_path().c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), H5Fclose);
    if (file.get() < 0) throw Error(path + ": cannot create the project file (HDF5: " + h5::error_stack() + ")");
    const hid_t root = file.get();
    h5::attr_string(root, "format", kFormat, f);
    h5::attr_i64(root, "schema_version", kProjectSchemaVersion, f);

    h5::Id model = h5::create_group(root, "model", f);
    h5::attr_string(model.get(), "path", p.model.path, f);
    h5::attr_u64(model.get(), "file_size", p.model.file_size, f);
    h5::attr_string(model.get(), "header_hash", p.model.header_hash, f);

    h5::Id calib = h5::create_group(root, "calibration", f);
    h5::write_strings(calib.get(), "files", p.calibration.files, f);
    h5::attr_i64(calib.get(), "nsamples", p.calibration.nsamples, f);
    h5::attr_i64(calib.get(), "seqlen", p.calibration.seqlen, f);
    h5::attr_i64(calib.get(), "seed", p.calibration.seed, f);
    h5::attr_i64(calib.get(), "batch_size", p.calibration.batch_size, f);
    h5::attr_string(calib.get(), "token_hash", p.calibration.token_hash, f);

    const auto& t = p.table;
    const hsize_t L = t.layers.size(), K = t.options.size(), P = p.plans.size();
    h5::Id options = h5::create_group(root, "options", f);
    h5::write_strings(options.get(), "name", t.options, f);
    std::vector<std::string> json;
    for (const auto& j : p.option_json) json.push_back(j.dump());
    h5::write_strings(options.get(), "json", json, f);

    h5::Id layers = h5::create_group(root, "layers", f);
    std::vector<std::string> names, kinds;
    std::vector<int32_t> block;
    std::vector<int64_t> params, bits, bits_plain;
    std::vector<double> score;
    for (const auto& l : t.layers) {
      names.push_back(l.name);
      kinds.push_back(to_string(l.kind));
      block.push_back(l.block);
      params.push_back(l.params);
      score.insert(score.end(), l.score.begin(), l.score.end());
      bits.insert(bits.end(), l.bits.begin(), l.bits.end());
      bits_plain.insert(bits_plain.end(), l.bits_no_overhead.begin(), l.bits_no_overhead.end());
    }
    h5::write_strings(layers.get(), "name", names, f);
    h5::write_strings(layers.get(), "kind", kinds, f);
    h5::write_i32(layers.get(), "block", {L}, block.data(), f);
    h5::write_i64(layers.get(), "params", {L}, params.data(), f);
    h5::write_f64(layers.get(), "score", {L, K}, score.data(), f);
    h5::write_i64(layers.get(), "bits", {L, K}, bits.data(), f);
    h5::write_i64(layers.get(), "bits_no_overhead", {L, K}, bits_plain.data(), f);

    h5::Id plans = h5::create_group(root, "plans", f);
    std::vector<std::string> plan_names;
    std::vector<double> target;
    std::vector<uint8_t> overhead, locked;
    std::vector<int64_t> budget;
    std::vector<int32_t> choice;
    for (const auto& plan : p.plans) {
      plan_names.push_back(plan.name);
      target.push_back(plan.target_avg_bits);
      overhead.push_back(plan.count_overhead ? 1 : 0);
      budget.push_back(plan.budget_bits);
      choice.insert(choice.end(), plan.choice.begin(), plan.choice.end());
      if (plan.locked.empty())
        locked.insert(locked.end(), L, 0);
      else
        locked.insert(locked.end(), plan.locked.begin(), plan.locked.end());
    }
    h5::write_strings(plans.get(), "name", plan_names, f);
    h5::write_f64(plans.get(), "target_avg_bits", {P}, target.data(), f);
    h5::write_u8(plans.get(), "count_overhead", {P}, overhead.data(), f);
    h5::write_i64(plans.get(), "budget_bits", {P}, budget.data(), f);
    h5::write_i32(plans.get(), "choice", {P, L}, choice.data(), f);
    h5::write_u8(plans.get(), "locked", {P, L}, locked.data(), f);
    // Close everything before the rename, so the renamed file is complete.
    plans.reset();
    layers.reset();
    options.reset();
    calib.reset();
    model.reset();
    if (H5Fclose(file.get()) < 0) throw Error(path + ": cannot finish the project file (HDF5: " + h5::error_stack() + ")");
    file = h5::Id();
  }
  // The seal goes into the user block through the temp file's own descriptor (still at offset 0).
  out.write(project_seal(out.temp_path()));
  out.commit();
}

Project read_project(const std::string& path) {
  const h5::QuietErrors quiet;
  const std::string& f = path;
  verify_project_seal(path);  // before HDF5 parses anything
  if (H5Fis_hdf5(path.c_str()) <= 0) bad(f, "no HDF5 superblock after the header");
  h5::Id file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.get() < 0) bad(f, "cannot open as HDF5 (truncated or corrupt; HDF5: " + h5::error_stack() + ")");
  const hid_t root = file.get();

  const std::string format = h5::read_attr_string(root, "/", "format", f);
  if (format != kFormat) bad(f, "format attribute is \"" + format + "\", not \"" + kFormat + "\"");
  const int64_t version = h5::read_attr_i64(root, "/", "schema_version", f);
  if (version != kProjectSchemaVersion)
    throw Error(path + ": project schema version " + std::to_string(version) + "; this build reads version " +
                std::to_string(kProjectSchemaVersion) + (version > kProjectSchemaVersion ? ": update SignRound Studio" : ""));

  Project p;
  p.model.path = h5::read_attr_string(root, "/model", "path", f);
  p.model.file_size = h5::read_attr_u64(root, "/model", "file_size", f);
  p.model.header_hash = h5::read_attr_string(root, "/model", "header_hash", f);
  {
    h5::Id ds = h5::open_dataset(root, "/calibration/files", h5::Kind::string, 1, f);
    p.calibration.files = h5::read_strings(ds.get(), "/calibration/files", f);
  }
  p.calibration.nsamples = h5::read_attr_i64(root, "/calibration", "nsamples", f);
  p.calibration.seqlen = h5::read_attr_i64(root, "/calibration", "seqlen", f);
  p.calibration.seed = h5::read_attr_i64(root, "/calibration", "seed", f);
  p.calibration.batch_size = h5::read_attr_i64(root, "/calibration", "batch_size", f);
  p.calibration.token_hash = h5::read_attr_string(root, "/calibration", "token_hash", f);

  auto strings = [&](const std::string& name, std::vector<hsize_t>* shape, const std::string& meaning) {
    h5::Id ds = h5::open_dataset(root, name, h5::Kind::string, 1, f);
    if (shape) expect_shape(ds.get(), name, *shape, meaning, f);
    return h5::read_strings(ds.get(), name, f);
  };
  auto integers = [&](const std::string& name, const std::vector<hsize_t>& shape, const std::string& meaning) {
    h5::Id ds = h5::open_dataset(root, name, h5::Kind::integer, static_cast<int>(shape.size()), f);
    expect_shape(ds.get(), name, shape, meaning, f);
    return h5::read_i64(ds.get(), name, f);
  };
  auto reals = [&](const std::string& name, const std::vector<hsize_t>& shape, const std::string& meaning) {
    h5::Id ds = h5::open_dataset(root, name, h5::Kind::real, static_cast<int>(shape.size()), f);
    expect_shape(ds.get(), name, shape, meaning, f);
    return h5::read_f64(ds.get(), name, f);
  };

  // Sizes come from the name lists; every other dataset must agree with them.
  auto& t = p.table;
  t.options = strings("/options/name", nullptr, "");
  const hsize_t K = t.options.size();
  std::vector<hsize_t> k_shape = {K};
  const auto json = strings("/options/json", &k_shape, "one per option");
  for (size_t k = 0; k < K; ++k) {
    try {
      p.option_json.push_back(nlohmann::json::parse(json[k]));
    } catch (const nlohmann::json::exception& e) {
      bad(f, "/options/json of option " + t.options[k] + " is not valid JSON: " + e.what());
    }
  }
  const auto names = strings("/layers/name", nullptr, "");
  const hsize_t L = names.size();
  std::vector<hsize_t> l_shape = {L};
  const auto kinds = strings("/layers/kind", &l_shape, "one per layer");
  const auto block = integers("/layers/block", {L}, "one per layer");
  const auto params = integers("/layers/params", {L}, "one per layer");
  const auto score = reals("/layers/score", {L, K}, "layers x options");
  const auto bits = integers("/layers/bits", {L, K}, "layers x options");
  const auto bits_plain = integers("/layers/bits_no_overhead", {L, K}, "layers x options");
  for (hsize_t i = 0; i < L; ++i) {
    LayerSensitivity l;
    l.name = names[i];
    l.kind = parse_layer_kind(kinds[i], path + ": /layers/kind of layer \"" + names[i] + "\"");
    if (block[i] < -1 || block[i] > INT32_MAX) bad(f, "/layers/block of layer \"" + names[i] + "\" is out of range");
    l.block = static_cast<int>(block[i]);
    l.params = params[i];
    l.score.assign(score.begin() + i * K, score.begin() + (i + 1) * K);
    l.bits.assign(bits.begin() + i * K, bits.begin() + (i + 1) * K);
    l.bits_no_overhead.assign(bits_plain.begin() + i * K, bits_plain.begin() + (i + 1) * K);
    t.layers.push_back(std::move(l));
  }
  t.validate(path);

  const auto plan_names = strings("/plans/name", nullptr, "");
  const hsize_t P = plan_names.size();
  const auto target = reals("/plans/target_avg_bits", {P}, "one per plan");
  const auto overhead = integers("/plans/count_overhead", {P}, "one per plan");
  const auto budget = integers("/plans/budget_bits", {P}, "one per plan");
  const auto choice = integers("/plans/choice", {P, L}, "plans x layers");
  const auto locked = integers("/plans/locked", {P, L}, "plans x layers");
  for (hsize_t j = 0; j < P; ++j) {
    QuantPlan plan;
    plan.name = plan_names[j];
    plan.target_avg_bits = target[j];
    plan.count_overhead = overhead[j] != 0;
    plan.budget_bits = budget[j];
    for (hsize_t i = 0; i < L; ++i) {
      const int64_t c = choice[j * L + i], lk = locked[j * L + i];
      if (c < -1 || c >= static_cast<int64_t>(K))
        bad(f, "plan \"" + plan.name + "\" gives layer \"" + names[i] + "\" option index " + std::to_string(c) +
                   ", outside the " + std::to_string(K) + " options");
      if (lk != 0 && lk != 1) bad(f, "plan \"" + plan.name + "\" has a lock flag other than 0 or 1");
      plan.choice.push_back(static_cast<int>(c));
      plan.locked.push_back(static_cast<uint8_t>(lk));
    }
    evaluate_plan(t, plan);
    p.plans.push_back(std::move(plan));
  }
  return p;
}

}  // namespace srs
