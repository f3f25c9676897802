#pragma once
/// @file
/// A thin checked layer over the HDF5 C API: RAII handles, every call checked, HDF5's error
/// stack turned into the exception text (HDF5 never prints on its own), and errors that name the
/// file and dataset.
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::hdf5 {

/// Stops HDF5 printing its error stack; call on each thread that uses HDF5.
void silence_errors_on_this_thread();

/// Owns one HDF5 identifier (file, dataset, dataspace, type, property list).
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle();
  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

/// Throws IoError "<what>: <HDF5's innermost message>" when `id` is negative; returns it otherwise.
hid_t check(hid_t id, const std::string& what);
void check_status(herr_t status, const std::string& what);

/// Opens an existing HDF5 file read-only. InputError when it is missing, a directory,
/// unreadable, or not HDF5.
Handle open_for_reading(const std::string& path);

/// Shape, element type and chunking of a dataset.
struct DatasetInfo {
  std::string name;
  std::vector<std::uint64_t> dims;
  std::vector<std::uint64_t> chunk;  ///< empty when not chunked
  std::string type;                  ///< e.g. "float64", "int32", "string", "compound"
  bool numeric = false;
};

/// InputError "<file>: no dataset '<name>'" when it does not exist.
DatasetInfo describe(hid_t file, const std::string& file_name, const std::string& dataset);
/// Every dataset in the file, depth first, with its path.
std::vector<DatasetInfo> list_datasets(hid_t file, const std::string& file_name);

/// Reads row ranges of one 1-D or 2-D numeric dataset, converted to float64, row-major.
class RowReader {
 public:
  /// InputError for a dataset that is not 1-D or 2-D.
  RowReader(hid_t file, const std::string& dataset);
  /// Reads rows [row_begin, row_end) into `out` (rows x cols); InputError when the dataset has
  /// fewer rows (it changed since the job was planned).
  void read(std::uint64_t row_begin, std::uint64_t row_end, double* out) const;
  std::uint64_t rows() const { return dims_[0]; }
  std::uint64_t cols() const { return dims_[1]; }

 private:
  std::string name_;
  Handle dataset_, space_;
  int rank_ = 0;
  std::uint64_t dims_[2] = {0, 1};
};

/// Reads rows [row_begin, row_end) of a 1-D or 2-D numeric dataset, converted to float64, into
/// `out` (row-major: rows x cols).
void read_rows(hid_t file, const std::string& dataset, std::uint64_t row_begin, std::uint64_t row_end, double* out);
/// Reads a whole numeric dataset as float64.
std::vector<double> read_all(hid_t file, const std::string& dataset);

/// A new group of `file` (datasets written to it with the functions below, as to a file).
Handle create_group(hid_t file, const std::string& name);

/// Writes a row-major rows x cols float64 dataset (cols = 0: a 1-D dataset of `rows`).
void write_matrix(hid_t file, const std::string& name, const double* data, std::uint64_t rows, std::uint64_t cols);
/// An array of any rank, row-major (C order, as numpy's).
void write_array(hid_t file, const std::string& name, const double* data, const std::vector<std::uint64_t>& dims);
void write_scalar(hid_t file, const std::string& name, double value);
/// Counts (rows, ranks, confusion matrices) as 64-bit integers, not floats.
void write_integer(hid_t file, const std::string& name, std::int64_t value);
void write_integers(hid_t file, const std::string& name, const std::int64_t* data, std::uint64_t rows, std::uint64_t cols);
/// Strings are written as variable-length UTF-8.
void write_strings(hid_t file, const std::string& name, const std::vector<std::string>& values);
/// A scalar string dataset.
void write_string(hid_t file, const std::string& name, const std::string& value);
/// The strings of attribute `attribute` on `dataset` (fixed or variable length); empty if absent.
std::vector<std::string> read_string_attribute(hid_t file, const std::string& dataset, const std::string& attribute);
/// Creates a rows x cols float64 dataset (cols = 0: 1-D of `rows`) whose storage is allocated now, contiguous and unfilled,
/// and returns its byte offset in the file: workers then write their row blocks straight into the
/// file with pwrite, in parallel, and rank 0 never carries bulk data.
std::uint64_t create_contiguous(hid_t file, const std::string& name, std::uint64_t rows, std::uint64_t cols);

/// A process-wide cache of files opened for reading, for the thread that runs kernels; reading
/// chunk after chunk of one file should not reopen it each time.
hid_t cached_file(const std::string& path);
void close_cached_files();

}  // namespace tessera::hdf5
