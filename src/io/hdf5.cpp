#include "tessera/io/hdf5.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "tessera/error.hpp"

namespace tessera::hdf5 {
namespace {

/// The innermost (most specific) description on HDF5's error stack.
std::string hdf5_message() {
  std::string message;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        if (n == 0 && err->desc) *static_cast<std::string*>(data) = err->desc;
        return 0;
      },
      &message);
  H5Eclear2(H5E_DEFAULT);
  return message.empty() ? "HDF5 error" : message;
}

std::string type_name(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  switch (cls) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(size * 8);
    case H5T_FLOAT: return "float" + std::to_string(size * 8);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ENUM: return "enum";
    case H5T_ARRAY: return "array";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_VLEN: return "vlen";
    case H5T_BITFIELD: return "bitfield";
    default: return "unknown";
  }
}

}  // namespace

void silence_errors_on_this_thread() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) H5Idec_ref(id_);
    id_ = other.id_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

Handle::~Handle() {
  if (id_ >= 0) H5Idec_ref(id_);
}

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError(what + ": " + hdf5_message());
  return id;
}

void check_status(herr_t status, const std::string& what) {
  if (status < 0) throw IoError(what + ": " + hdf5_message());
}

Handle open_for_reading(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path + ": no such file");
  if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory, not an HDF5 file");
  if (::access(path.c_str(), R_OK) != 0) throw InputError(path + ": cannot be read (permission denied)");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw InputError(path + ": cannot be opened as HDF5: " + hdf5_message());
  return Handle(id);
}

DatasetInfo describe(hid_t file, const std::string& file_name, const std::string& dataset) {
  if (H5Lexists(file, dataset.c_str(), H5P_DEFAULT) <= 0 || H5Oexists_by_name(file, dataset.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw InputError(file_name + ": no dataset '" + dataset + "'");
  }
  Handle d(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT));
  if (!d) throw InputError(file_name + ": '" + dataset + "' is not a dataset");
  DatasetInfo info;
  info.name = dataset;
  Handle space(check(H5Dget_space(d.id()), file_name + ":" + dataset));
  const int rank = H5Sget_simple_extent_ndims(space.id());
  info.dims.resize(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), reinterpret_cast<hsize_t*>(info.dims.data()), nullptr);
  Handle type(check(H5Dget_type(d.id()), file_name + ":" + dataset));
  info.type = type_name(type.id());
  const H5T_class_t cls = H5Tget_class(type.id());
  info.numeric = cls == H5T_INTEGER || cls == H5T_FLOAT;
  Handle plist(check(H5Dget_create_plist(d.id()), file_name + ":" + dataset));
  if (H5Pget_layout(plist.id()) == H5D_CHUNKED && rank > 0) {
    info.chunk.resize(static_cast<std::size_t>(rank));
    H5Pget_chunk(plist.id(), rank, reinterpret_cast<hsize_t*>(info.chunk.data()));
  }
  return info;
}

std::vector<DatasetInfo> list_datasets(hid_t file) {
  std::vector<std::string> names;
  H5Ovisit(
      file, H5_INDEX_NAME, H5_ITER_INC,
      [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  std::vector<DatasetInfo> out;
  for (const auto& n : names) out.push_back(describe(file, "", n));
  return out;
}

RowReader::RowReader(hid_t file, const std::string& dataset)
    : name_(dataset),
      dataset_(check(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), "opening dataset '" + dataset + "'")),
      space_(check(H5Dget_space(dataset_.id()), "dataspace of '" + dataset + "'")) {
  rank_ = H5Sget_simple_extent_ndims(space_.id());
  hsize_t dims[2] = {0, 1};
  H5Sget_simple_extent_dims(space_.id(), dims, nullptr);
  dims_[0] = dims[0];
  dims_[1] = rank_ == 2 ? dims[1] : 1;
}

void RowReader::read(std::uint64_t row_begin, std::uint64_t row_end, double* out) const {
  const hsize_t start[2] = {row_begin, 0};
  const hsize_t count[2] = {row_end - row_begin, dims_[1]};
  check_status(H5Sselect_hyperslab(space_.id(), H5S_SELECT_SET, start, nullptr, count, nullptr),
               "selecting rows of '" + name_ + "'");
  Handle memory(check(H5Screate_simple(rank_, count, nullptr), "memory space"));
  check_status(H5Dread(dataset_.id(), H5T_NATIVE_DOUBLE, memory.id(), space_.id(), H5P_DEFAULT, out),
               "reading rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) + ") of '" + name_ + "'");
}

void read_rows(hid_t file, const std::string& dataset, std::uint64_t row_begin, std::uint64_t row_end, double* out) {
  RowReader(file, dataset).read(row_begin, row_end, out);
}

std::vector<double> read_all(hid_t file, const std::string& dataset) {
  Handle d(check(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), "opening dataset '" + dataset + "'"));
  Handle space(check(H5Dget_space(d.id()), "dataspace of '" + dataset + "'"));
  std::vector<double> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id())));
  check_status(H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading '" + dataset + "'");
  return out;
}

void write_matrix(hid_t file, const std::string& name, const double* data, std::uint64_t rows, std::uint64_t cols) {
  const hsize_t dims[2] = {rows, cols};
  Handle space(check(H5Screate_simple(cols == 0 ? 1 : 2, dims, nullptr), "dataspace for '" + name + "'"));
  Handle d(check(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "creating dataset '" + name + "'"));
  check_status(H5Dwrite(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing '" + name + "'");
}

void write_scalar(hid_t file, const std::string& name, double value) {
  Handle space(check(H5Screate(H5S_SCALAR), "scalar space"));
  Handle d(check(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "creating dataset '" + name + "'"));
  check_status(H5Dwrite(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), "writing '" + name + "'");
}

void write_strings(hid_t file, const std::string& name, const std::vector<std::string>& values) {
  Handle type(check(H5Tcopy(H5T_C_S1), "string type"));
  check_status(H5Tset_size(type.id(), H5T_VARIABLE), "string type");
  const hsize_t dims[1] = {values.size()};
  Handle space(check(H5Screate_simple(1, dims, nullptr), "dataspace for '" + name + "'"));
  Handle d(check(H5Dcreate2(file, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "creating dataset '" + name + "'"));
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  check_status(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), "writing '" + name + "'");
}

void write_string(hid_t file, const std::string& name, const std::string& value) {
  Handle type(check(H5Tcopy(H5T_C_S1), "string type"));
  check_status(H5Tset_size(type.id(), H5T_VARIABLE), "string type");
  Handle space(check(H5Screate(H5S_SCALAR), "scalar space"));
  Handle d(check(H5Dcreate2(file, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "creating dataset '" + name + "'"));
  const char* pointer = value.c_str();
  check_status(H5Dwrite(d.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer), "writing '" + name + "'");
}

std::vector<std::string> read_string_attribute(hid_t file, const std::string& dataset, const std::string& attribute) {
  if (H5Aexists_by_name(file, dataset.c_str(), attribute.c_str(), H5P_DEFAULT) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return {};
  }
  const std::string what = dataset + " attribute '" + attribute + "'";
  Handle a(check(H5Aopen_by_name(file, dataset.c_str(), attribute.c_str(), H5P_DEFAULT, H5P_DEFAULT), what));
  Handle type(check(H5Aget_type(a.id()), what));
  if (H5Tget_class(type.id()) != H5T_STRING) return {};
  Handle space(check(H5Aget_space(a.id()), what));
  const auto count = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.id()));
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.id()) > 0) {
    Handle mem(check(H5Tcopy(H5T_C_S1), what));
    check_status(H5Tset_size(mem.id(), H5T_VARIABLE), what);
    check_status(H5Tset_cset(mem.id(), H5Tget_cset(type.id())), what);  // h5py writes UTF-8
    std::vector<char*> pointers(count);
    check_status(H5Aread(a.id(), mem.id(), pointers.data()), "reading " + what);
    for (char* p : pointers) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, pointers.data());
  } else {
    const std::size_t size = H5Tget_size(type.id());
    std::vector<char> buffer(count * size);
    check_status(H5Aread(a.id(), type.id(), buffer.data()), "reading " + what);
    for (std::size_t i = 0; i < count; ++i) {
      std::string s(buffer.data() + i * size, size);
      out.push_back(s.substr(0, s.find('\0')));
    }
  }
  return out;
}

std::uint64_t create_contiguous(hid_t file, const std::string& name, std::uint64_t rows, std::uint64_t cols) {
  const hsize_t dims[2] = {rows, cols};
  Handle space(check(H5Screate_simple(cols == 0 ? 1 : 2, dims, nullptr), "dataspace for '" + name + "'"));
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
  check_status(H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS), "contiguous layout");
  check_status(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY), "early allocation");
  check_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER), "no fill");
  Handle d(check(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                 "creating dataset '" + name + "'"));
  const haddr_t offset = H5Dget_offset(d.id());
  if (offset == HADDR_UNDEF) throw IoError("dataset '" + name + "' has no storage offset");
  return offset;
}

namespace {
std::mutex cache_mutex;
std::map<std::string, Handle>& cache() {
  static std::map<std::string, Handle> files;
  return files;
}
}  // namespace

hid_t cached_file(const std::string& path) {
  std::lock_guard lock(cache_mutex);
  auto& files = cache();
  auto it = files.find(path);
  if (it == files.end()) it = files.emplace(path, open_for_reading(path)).first;
  return it->second.id();
}

void close_cached_files() {
  std::lock_guard lock(cache_mutex);
  cache().clear();
}

}  // namespace tessera::hdf5
