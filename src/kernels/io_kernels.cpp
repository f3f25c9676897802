#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/builtin.hpp"

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

/// Rows [row_begin, row_end) of a dataset, as a cols x rows matrix. They are read a slice at a
/// time and each slice is checked for NaN/Inf while it is still in cache, so the check costs no
/// extra pass over memory.
Value read_rows(const KernelContext& ctx) {
  constexpr std::int64_t slice_rows = 4096;
  const auto& path = ctx.params.text("path");
  const auto& dataset = ctx.params.text("dataset");
  const std::int64_t begin = ctx.params.integer("row_begin"), end = ctx.params.integer("row_end");
  const std::int64_t cols = ctx.params.integer("cols");
  // HDF5 rows are row-major; a column-major cols x rows matrix has the same layout, so the read
  // fills it directly.
  Eigen::MatrixXd transposed(cols, end - begin);
  const hdf5::RowReader reader(hdf5::cached_file(path), dataset);
  for (std::int64_t slice = begin; slice < end; slice += slice_rows) {
    const std::int64_t slice_end = std::min(end, slice + slice_rows);
    auto columns = transposed.middleCols(slice - begin, slice_end - slice);
    reader.read(static_cast<std::uint64_t>(slice), static_cast<std::uint64_t>(slice_end), columns.data());
    require_finite(columns, path, dataset, slice);
  }
  return Value::of(std::move(transposed));
}

Value read_all(const KernelContext& ctx) {
  const auto& path = ctx.params.text("path");
  const auto& dataset = ctx.params.text("dataset");
  const std::int64_t rows = ctx.params.integer("rows"), cols = ctx.params.integer("cols");
  Eigen::MatrixXd transposed(cols, rows);
  const auto data = hdf5::read_all(hdf5::cached_file(path), dataset);
  std::copy(data.begin(), data.end(), transposed.data());
  require_finite(transposed, path, dataset, 0);
  return Value::of(std::move(transposed));
}

Value write_rows(const KernelContext& ctx) {
  const auto& path = ctx.params.text("path");
  const Eigen::MatrixXd& transposed = ctx.input(0)[0];  // cols x rows: row-major rows x cols in memory
  const auto row_bytes = static_cast<std::int64_t>(transposed.rows()) * 8;
  const off_t offset = static_cast<off_t>(ctx.params.integer("offset") + ctx.params.integer("row_begin") * row_bytes);
  const int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0) throw IoError(fmt::format("{}: cannot open for writing rows: {}", path, std::strerror(errno)));
  const auto* bytes = reinterpret_cast<const char*>(transposed.data());
  std::size_t left = static_cast<std::size_t>(transposed.size()) * sizeof(double);
  off_t at = offset;
  while (left > 0) {
    const ssize_t n = ::pwrite(fd, bytes, left, at);
    if (n <= 0) {
      ::close(fd);
      throw IoError(fmt::format("{}: writing rows failed: {}", path, std::strerror(errno)));
    }
    bytes += n;
    left -= static_cast<std::size_t>(n);
    at += n;
  }
  if (::close(fd) != 0) throw IoError(fmt::format("{}: closing after writing rows failed", path));
  return Value{};
}

}  // namespace

void register_io_kernels(KernelRegistry& registry) {
  registry.add("read_rows", read_rows, Lane::io);
  registry.add("read_all", read_all, Lane::io);
  registry.add("write_rows", write_rows, Lane::io);
}

}  // namespace tessera
