#include "tessera/io/hdf5.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "tessera/core/trace.hpp"
#include "tessera/error.hpp"
#include "tessera/io/atomic_file.hpp"

namespace tessera::hdf5 {
namespace {

/// The most specific description on HDF5's error stack; when a system call failed underneath,
/// the system's own message ("No space left on device").
std::string hdf5_message() {
  struct Found {
    std::string specific, system;
  } found;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,  // upward: the innermost entry comes first
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        auto& f = *static_cast<Found*>(data);
        if (!err->desc) return 0;
        const std::string desc = err->desc;
        if (n == 0) f.specific = desc;
        const std::string marker = "error message = '";
        if (const auto at = desc.find(marker); at != std::string::npos && f.system.empty()) {
          const auto begin = at + marker.size();
          f.system = desc.substr(begin, desc.find('\'', begin) - begin);
        }
        return 0;
      },
      &found);
  H5Eclear2(H5E_DEFAULT);
  if (!found.system.empty()) return found.system;
  return found.specific.empty() ? "HDF5 error" : found.specific;
}

/// A dataspace's number of dimensions, checked: IoError when HDF5 cannot tell.
int check_rank(int rank, const std::string& what) {
  if (rank < 0) throw IoError(what + ": cannot read its shape: " + hdf5_message());
  return rank;
}

/// A variable-length UTF-8 string type (h5py reads it as str with .asstr()).
Handle utf8_string_type() {
  Handle type(check(H5Tcopy(H5T_C_S1), "string type"));
  check_status(H5Tset_size(type.id(), H5T_VARIABLE), "string type");
  check_status(H5Tset_cset(type.id(), H5T_CSET_UTF8), "string type");
  return type;
}

bool is_integer_enum(hid_t type) {
  const Handle base(H5Tget_super(type));
  return base && H5Tget_class(base.id()) == H5T_INTEGER;
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
    case H5T_ENUM: {
      const Handle base(H5Tget_super(type));
      return base ? "enum of " + type_name(base.id()) : "enum";
    }
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

Handle create_group(hid_t file, const std::string& name) {
  return Handle(check(H5Gcreate2(file, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group " + name));
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
  const std::string what = file_name + ":" + dataset;
  DatasetInfo info;
  info.name = dataset;
  Handle space(check(H5Dget_space(d.id()), what));
  const int rank = check_rank(H5Sget_simple_extent_ndims(space.id()), what);
  info.dims.resize(static_cast<std::size_t>(rank));
  if (rank > 0)
    check_status(H5Sget_simple_extent_dims(space.id(), reinterpret_cast<hsize_t*>(info.dims.data()), nullptr), what);
  Handle type(check(H5Dget_type(d.id()), what));
  const H5T_class_t cls = H5Tget_class(type.id());
  if (cls == H5T_NO_CLASS) throw IoError(what + ": cannot read its type: " + hdf5_message());
  info.type = type_name(type.id());
  // An enum of integers (h5py stores booleans so) is read as its integer values, which HDF5 converts.
  info.numeric = cls == H5T_INTEGER || cls == H5T_FLOAT || (cls == H5T_ENUM && is_integer_enum(type.id()));
  Handle plist(check(H5Dget_create_plist(d.id()), what));
  const H5D_layout_t layout = H5Pget_layout(plist.id());
  if (layout < 0) throw IoError(what + ": cannot read its layout: " + hdf5_message());
  if (layout == H5D_CHUNKED && rank > 0) {
    info.chunk.resize(static_cast<std::size_t>(rank));
    if (H5Pget_chunk(plist.id(), rank, reinterpret_cast<hsize_t*>(info.chunk.data())) != rank)
      throw IoError(what + ": cannot read its chunking: " + hdf5_message());
  }
  return info;
}

std::vector<DatasetInfo> list_datasets(hid_t file, const std::string& file_name) {
  std::vector<std::string> names;
  check_status(H5Ovisit(
                   file, H5_INDEX_NAME, H5_ITER_INC,
                   [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
                     if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(name);
                     return 0;
                   },
                   &names),
               file_name + ": listing its datasets");
  std::vector<DatasetInfo> out;
  for (const auto& n : names) out.push_back(describe(file, file_name, n));
  return out;
}

RowReader::RowReader(hid_t file, const std::string& dataset)
    : name_(dataset),
      dataset_(check(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), "opening dataset '" + dataset + "'")),
      space_(check(H5Dget_space(dataset_.id()), "dataspace of '" + dataset + "'")) {
  rank_ = check_rank(H5Sget_simple_extent_ndims(space_.id()), "dataspace of '" + dataset + "'");
  // Checked before the dimensions are read into a two-element array.
  if (rank_ < 1 || rank_ > 2)
    throw InputError(fmt::format("'{}' is {}-D; rows can be read from 1-D and 2-D datasets only", dataset, rank_));
  hsize_t dims[2] = {0, 1};
  check_status(H5Sget_simple_extent_dims(space_.id(), dims, nullptr), "dataspace of '" + dataset + "'");
  dims_[0] = dims[0];
  dims_[1] = rank_ == 2 ? dims[1] : 1;
}

void RowReader::read(std::uint64_t row_begin, std::uint64_t row_end, double* out) const {
  if (row_begin > row_end || row_end > dims_[0])
    throw InputError(fmt::format("'{}' has {} rows, fewer than the {} planned (was the file rewritten during the job?)", name_,
                                 dims_[0], row_end));
  const hsize_t start[2] = {row_begin, 0};
  const hsize_t count[2] = {row_end - row_begin, dims_[1]};
  check_status(H5Sselect_hyperslab(space_.id(), H5S_SELECT_SET, start, nullptr, count, nullptr),
               "selecting rows of '" + name_ + "'");
  Handle memory(check(H5Screate_simple(rank_, count, nullptr), "memory space"));
  trace::Span span(trace::Kind::hdf5_read, "H5Dread");
  span.event.bytes_out = (row_end - row_begin) * dims_[1] * sizeof(double);
  trace::Recorder::instance().count_hdf5_read(span.event.bytes_out);
  check_status(H5Dread(dataset_.id(), H5T_NATIVE_DOUBLE, memory.id(), space_.id(), H5P_DEFAULT, out),
               "reading rows [" + std::to_string(row_begin) + ", " + std::to_string(row_end) + ") of '" + name_ + "'");
}

void read_rows(hid_t file, const std::string& dataset, std::uint64_t row_begin, std::uint64_t row_end, double* out) {
  RowReader(file, dataset).read(row_begin, row_end, out);
}

std::vector<double> read_all(hid_t file, const std::string& dataset) {
  Handle d(check(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), "opening dataset '" + dataset + "'"));
  Handle space(check(H5Dget_space(d.id()), "dataspace of '" + dataset + "'"));
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points < 0) throw IoError("dataspace of '" + dataset + "': " + hdf5_message());
  std::vector<double> out(static_cast<std::size_t>(points));
  trace::Span span(trace::Kind::hdf5_read, "H5Dread");
  span.event.bytes_out = out.size() * sizeof(double);
  trace::Recorder::instance().count_hdf5_read(span.event.bytes_out);
  check_status(H5Dread(d.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading '" + dataset + "'");
  return out;
}

namespace {

/// "results/out.h5: writing 'coef'": the file as the user named it (not its temporary name).
std::string writing(hid_t file, const std::string& name) {
  char buffer[4096] = {};
  const ssize_t length = H5Fget_name(file, buffer, sizeof(buffer));
  const std::string path = length > 0 ? final_name_of(buffer) : std::string("HDF5 file");
  return path + ": writing '" + name + "'";
}

/// Dataset properties without modification times in the object header: a result file's bytes
/// then depend on the results alone, so a resumed run's file is identical to an uninterrupted one's.
Handle timeless_dataset_properties() {
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
  check_status(H5Pset_obj_track_times(dcpl.id(), false), "dataset time tracking");
  return dcpl;
}

/// One dataset of `file_type`, written whole from `data` in `memory_type`; a scalar when rank is 0.
void write_dataset(hid_t file, const std::string& name, hid_t file_type, hid_t memory_type, int rank, const hsize_t* dims,
                   const void* data) {
  Handle space(rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr));
  check(space.id(), writing(file, name));
  const Handle dcpl = timeless_dataset_properties();
  Handle d(check(H5Dcreate2(file, name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT), writing(file, name)));
  check_status(H5Dwrite(d.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), writing(file, name));
}

}  // namespace

void write_matrix(hid_t file, const std::string& name, const double* data, std::uint64_t rows, std::uint64_t cols) {
  const hsize_t dims[2] = {rows, cols};
  write_dataset(file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, cols == 0 ? 1 : 2, dims, data);
}

void write_array(hid_t file, const std::string& name, const double* data, const std::vector<std::uint64_t>& dims) {
  const std::vector<hsize_t> extent(dims.begin(), dims.end());
  write_dataset(file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, static_cast<int>(extent.size()), extent.data(), data);
}

void write_scalar(hid_t file, const std::string& name, double value) {
  write_dataset(file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 0, nullptr, &value);
}

void write_integer(hid_t file, const std::string& name, std::int64_t value) {
  write_dataset(file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 0, nullptr, &value);
}

void write_integers(hid_t file, const std::string& name, const std::int64_t* data, std::uint64_t rows, std::uint64_t cols) {
  const hsize_t dims[2] = {rows, cols};
  write_dataset(file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, cols == 0 ? 1 : 2, dims, data);
}

void write_strings(hid_t file, const std::string& name, const std::vector<std::string>& values) {
  Handle type = utf8_string_type();
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  const hsize_t dims[1] = {values.size()};
  write_dataset(file, name, type.id(), type.id(), 1, dims, pointers.data());
}

void write_string(hid_t file, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  const char* pointer = value.c_str();
  write_dataset(file, name, type.id(), type.id(), 0, nullptr, &pointer);
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
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points < 0) throw IoError(what + ": " + hdf5_message());
  const auto count = static_cast<std::size_t>(points);
  std::vector<std::string> out;
  if (H5Tis_variable_str(type.id()) > 0) {
    Handle mem(check(H5Tcopy(H5T_C_S1), what));
    check_status(H5Tset_size(mem.id(), H5T_VARIABLE), what);
    const H5T_cset_t cset = H5Tget_cset(type.id());  // h5py writes UTF-8
    if (cset < 0) throw IoError(what + ": " + hdf5_message());
    check_status(H5Tset_cset(mem.id(), cset), what);
    std::vector<char*> pointers(count);
    check_status(H5Aread(a.id(), mem.id(), pointers.data()), "reading " + what);
    for (char* p : pointers) out.emplace_back(p ? p : "");
    check_status(H5Dvlen_reclaim(mem.id(), space.id(), H5P_DEFAULT, pointers.data()), what);
  } else {
    const std::size_t size = H5Tget_size(type.id());
    if (size == 0) throw IoError(what + ": " + hdf5_message());
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
  Handle dcpl = timeless_dataset_properties();
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
