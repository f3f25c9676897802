#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "tessera/core/huge_pages.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/io/raw_writer.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/io.hpp"

namespace tessera {
namespace {

/// A NaN or Inf in the user's data is bad input: name the row and column. `transposed` holds
/// rows [first_row, first_row + cols) as columns.
void require_finite(const Eigen::Ref<const Eigen::MatrixXd>& transposed, const std::string& path, const std::string& dataset,
                    std::int64_t first_row) {
  if (transposed.allFinite()) return;
  for (Eigen::Index r = 0; r < transposed.cols(); ++r)
    for (Eigen::Index c = 0; c < transposed.rows(); ++c)
      if (!std::isfinite(transposed(c, r)))
        throw InputError(fmt::format("{}:{} row {} column {} is {}", path, dataset, first_row + r, c,
                                     std::isnan(transposed(c, r)) ? "NaN" : "Inf"));
}

/// A binary target's values as 0 (`classes[0]`) and 1 (`classes[1]`); InputError naming the row of
/// any other value. `transposed` holds rows [first_row, first_row + cols) as columns.
void read_as_classes(Eigen::Ref<Eigen::MatrixXd> transposed, const std::vector<double>& classes, const std::string& path,
                     const std::string& dataset, std::int64_t first_row) {
  for (Eigen::Index r = 0; r < transposed.cols(); ++r) {
    double& v = transposed(0, r);
    if (v == classes[0] || v == classes[1]) {
      v = v == classes[1] ? 1 : 0;
      continue;
    }
    throw InputError(fmt::format("{}:{} row {} is {}, not one of the target's two classes ({} and {})", path, dataset,
                                 first_row + r, v, classes[0], classes[1]));
  }
}

/// Rows [row_begin, row_end) of a dataset, as a cols x rows matrix. They are read a slice at a
/// time and each slice is checked for NaN/Inf while it is still in cache, so the check costs no
/// extra pass over memory.
constexpr std::int64_t slice_rows = 4096;

/// Rows [begin, end) of several 1-D datasets, each one row of the cols x rows result.
ReadRows::Result read_columns_of_datasets(const ReadRows::Params& params) {
  const std::string& joined = *params.column_datasets;
  std::vector<std::string> names;
  for (std::size_t start = 0; start <= joined.size();) {
    const std::size_t stop = std::min(joined.find('\n', start), joined.size());
    names.push_back(joined.substr(start, stop - start));
    start = stop + 1;
  }
  const std::int64_t begin = params.row_begin, end = params.row_end;
  Eigen::MatrixXd transposed(static_cast<Eigen::Index>(names.size()), end - begin);
  Eigen::RowVectorXd slice_values(slice_rows);
  for (std::size_t j = 0; j < names.size(); ++j) {
    const hdf5::RowReader reader(hdf5::cached_file(params.path), names[j]);
    if (reader.cols() != 1)
      throw InputError(fmt::format("{}:{} has {} columns, but the job was planned for 1 (was the file rewritten during the job?)",
                                   params.path, names[j], reader.cols()));
    for (std::int64_t slice = begin; slice < end; slice += slice_rows) {
      const std::int64_t slice_end = std::min(end, slice + slice_rows);
      auto values = slice_values.head(slice_end - slice);
      reader.read(static_cast<std::uint64_t>(slice), static_cast<std::uint64_t>(slice_end), values.data());
      require_finite(values, params.path, names[j], slice);
      transposed.row(static_cast<Eigen::Index>(j)).segment(slice - begin, slice_end - slice) = values;
    }
  }
  return {std::move(transposed)};
}

/// Rows [begin, end) of the chosen columns of a 2-D dataset; a NaN or Inf is named by its column in the file.
ReadRows::Result read_chosen_columns(const ReadRows::Params& params) {
  const std::vector<double>& chosen = *params.columns;
  const hdf5::RowReader reader(hdf5::cached_file(params.path), params.dataset);
  for (double c : chosen)
    if (c >= static_cast<double>(reader.cols()))
      throw InputError(fmt::format("{}:{} has {} columns, but the job chose column {} (was the file rewritten during the job?)",
                                   params.path, params.dataset, reader.cols(), c));
  const std::int64_t begin = params.row_begin, end = params.row_end;
  Eigen::MatrixXd transposed(static_cast<Eigen::Index>(chosen.size()), end - begin);
  Eigen::MatrixXd all(static_cast<Eigen::Index>(reader.cols()), slice_rows);
  for (std::int64_t slice = begin; slice < end; slice += slice_rows) {
    const std::int64_t slice_end = std::min(end, slice + slice_rows);
    auto rows = all.leftCols(slice_end - slice);
    reader.read(static_cast<std::uint64_t>(slice), static_cast<std::uint64_t>(slice_end), rows.data());
    for (std::size_t j = 0; j < chosen.size(); ++j) {
      const auto c = static_cast<Eigen::Index>(chosen[j]);
      if (!rows.row(c).allFinite())
        for (Eigen::Index r = 0; r < rows.cols(); ++r)
          if (!std::isfinite(rows(c, r)))
            throw InputError(fmt::format("{}:{} row {} column {} is {}", params.path, params.dataset, slice + r, c,
                                         std::isnan(rows(c, r)) ? "NaN" : "Inf"));
      transposed.row(static_cast<Eigen::Index>(j)).segment(slice - begin, slice_end - slice) = rows.row(c);
    }
  }
  return {std::move(transposed)};
}

ReadRows::Result read_rows(const ReadRows::Params& params, const KernelInputs&) {
  if (params.column_datasets) return read_columns_of_datasets(params);
  if (params.columns) return read_chosen_columns(params);
  const auto& path = params.path;
  const auto& dataset = params.dataset;
  const std::int64_t begin = params.row_begin, end = params.row_end;
  const std::int64_t cols = params.cols;
  // HDF5 rows are row-major; a column-major cols x rows matrix has the same layout, so the read
  // fills it directly.
  const hdf5::RowReader reader(hdf5::cached_file(path), dataset);
  // The buffer is sized from the plan; the file may have been rewritten since.
  if (static_cast<std::int64_t>(reader.cols()) != cols)
    throw InputError(fmt::format("{}:{} has {} columns, but the job was planned for {} (was the file rewritten during the job?)",
                                 path, dataset, reader.cols(), cols));
  Eigen::MatrixXd transposed(cols, end - begin);
  advise_huge_pages(transposed.data(), static_cast<std::size_t>(transposed.size()) * sizeof(double));
  for (std::int64_t slice = begin; slice < end; slice += slice_rows) {
    const std::int64_t slice_end = std::min(end, slice + slice_rows);
    auto columns = transposed.middleCols(slice - begin, slice_end - slice);
    reader.read(static_cast<std::uint64_t>(slice), static_cast<std::uint64_t>(slice_end), columns.data());
    require_finite(columns, path, dataset, slice);
    if (params.classes) read_as_classes(columns, *params.classes, path, dataset, slice);
  }
  return {std::move(transposed)};
}

ReadAll::Result read_all(const ReadAll::Params& params, const KernelInputs&) {
  const auto& path = params.path;
  const auto& dataset = params.dataset;
  const std::int64_t rows = params.rows, cols = params.cols;
  Eigen::MatrixXd transposed(cols, rows);
  advise_huge_pages(transposed.data(), static_cast<std::size_t>(transposed.size()) * sizeof(double));
  const auto data = hdf5::read_all(hdf5::cached_file(path), dataset);
  if (data.size() != static_cast<std::size_t>(transposed.size()))
    throw InputError(fmt::format("{}:{} holds {} values, but the job was planned for {} x {} (was the file rewritten during the job?)",
                                 path, dataset, data.size(), rows, cols));
  std::copy(data.begin(), data.end(), transposed.data());
  require_finite(transposed, path, dataset, 0);
  return {std::move(transposed)};
}

NoFields write_rows(const WriteRows::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& transposed = in.matrix(0);  // cols x rows: row-major rows x cols in memory
  const auto row_bytes = static_cast<std::uint64_t>(transposed.rows()) * sizeof(double);
  RawWriter out(params.path);
  out.write_at(static_cast<std::uint64_t>(params.offset) + static_cast<std::uint64_t>(params.row_begin) * row_bytes,
               transposed.data(), static_cast<std::size_t>(transposed.size()) * sizeof(double));
  out.finish();
  return {};
}

}  // namespace

void register_io_kernels(KernelRegistry& registry) {
  add_kernel<ReadRows>(registry, read_rows);
  add_kernel<ReadAll>(registry, read_all);
  add_kernel<WriteRows>(registry, write_rows);
}

}  // namespace tessera
