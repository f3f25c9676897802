#include "tessera/plan/data_source.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/core/did_you_mean.hpp"
#include "tessera/io/hdf5.hpp"

namespace tessera {

MatrixSource open_source(const std::string& path, const std::string& dataset, int want_rank) {
  hdf5::Handle file = hdf5::open_for_reading(path);
  const hdf5::DatasetInfo info = hdf5::describe(file.id(), path, dataset);
  const std::string name = path + ":" + dataset;
  if (!info.numeric)
    throw InputError(fmt::format("{} has non-numeric type {} (integer, float and boolean data are accepted)", name, info.type));
  const auto rank = static_cast<int>(info.dims.size());
  const bool column_vector = rank == 2 && info.dims[1] == 1;
  if (want_rank == 2 && rank != 2)
    throw InputError(fmt::format("{} must be 2-D (rows x columns), but it is {}-D", name, rank));
  if (want_rank == 0 && rank != 1 && rank != 2)
    throw InputError(fmt::format("{} must be 1-D or 2-D, but it is {}-D", name, rank));
  if (want_rank == 1 && rank != 1 && !column_vector)
    throw InputError(fmt::format("{} must be 1-D (or one column), but its shape is {}", name, fmt::join(info.dims, " x ")));
  MatrixSource s{path, dataset, static_cast<std::int64_t>(info.dims.at(0)), rank == 2 ? static_cast<std::int64_t>(info.dims[1]) : 1,
                 info.chunk.empty() ? 0 : static_cast<std::int64_t>(info.chunk[0]), info.type};
  if (s.rows == 0 || s.cols == 0) throw InputError(fmt::format("{} is empty (shape {})", name, fmt::join(info.dims, " x ")));
  return s;
}

void require_finite_sums(const Eigen::Ref<const Eigen::MatrixXd>& xtx, const Eigen::Ref<const Eigen::VectorXd>& xty, double yy,
                         const MatrixSource& x, const MatrixSource& y) {
  const char* advice = "its sums of squares overflow double precision (values above about 1e154 cannot be squared); rescale it";
  for (Eigen::Index j = 0; j < xtx.cols(); ++j)
    if (!std::isfinite(xtx(j, j)) || !xtx.col(j).allFinite())
      throw InputError(fmt::format("{}:{} column {}: {}", x.path, x.dataset, j, advice));
  if (!xty.allFinite() || !std::isfinite(yy)) throw InputError(fmt::format("{}:{}: {}", y.path, y.dataset, advice));
}

void require_finite_gram(const Eigen::MatrixXd& gram, const MatrixSource& x, const MatrixSource& y) {
  const Eigen::Index k = gram.rows(), p = k - 2;
  require_finite_sums(gram.block(1, 1, p, p), gram.col(k - 1).segment(1, p), gram(k - 1, k - 1), x, y);
}

std::vector<RowChunk> row_chunks(std::int64_t rows, std::int64_t chunk_rows) {
  std::vector<RowChunk> chunks;
  for (std::int64_t begin = 0; begin < rows; begin += chunk_rows) chunks.push_back({begin, std::min(rows, begin + chunk_rows)});
  return chunks;
}

MatrixSource open_features(const std::string& path, const std::string& dataset, const FeatureColumns& columns,
                           const std::string& section) {
  if (!columns.datasets.empty()) {
    MatrixSource first = open_source(path, columns.datasets.front(), 1);
    for (const std::string& name : columns.datasets) {
      const MatrixSource s = open_source(path, name, 1);
      if (s.rows != first.rows)
        throw InputError(fmt::format("[{}] features: {}:{} has {} rows but {}:{} has {}; the listed datasets must be of "
                                     "one length",
                                     section, path, name, s.rows, path, first.dataset, first.rows));
    }
    first.dataset = fmt::format("[{}]", fmt::join(columns.datasets, ", "));
    first.cols = static_cast<std::int64_t>(columns.datasets.size());
    first.column_datasets = columns.datasets;
    first.names = columns.datasets;
    return first;
  }
  MatrixSource x = open_source(path, dataset, 2);
  if (columns.names.empty() && columns.indices.empty()) return x;
  const std::string name = path + ":" + dataset;
  std::vector<std::int64_t> chosen = columns.indices;
  if (!columns.names.empty()) {
    hdf5::Handle file = hdf5::open_for_reading(path);
    const std::vector<std::string> known = hdf5::read_string_attribute(file.id(), dataset, "feature_names");
    if (known.size() != static_cast<std::size_t>(x.cols))
      throw InputError(fmt::format("[{}] columns: {} has no feature_names attribute with one name per column: choose its "
                                   "columns by index (0 to {})",
                                   section, name, x.cols - 1));
    for (const std::string& wanted : columns.names) {
      const auto it = std::find(known.begin(), known.end(), wanted);
      if (it == known.end())
        throw InputError(fmt::format("[{}] columns: '{}' is not a column of {}{}", section, wanted, name, did_you_mean(wanted, known)));
      chosen.push_back(it - known.begin());
    }
  }
  std::vector<std::string> all = feature_names(x);
  for (std::size_t j = 0; j < chosen.size(); ++j) {
    const std::int64_t c = chosen[j];
    if (c < 0 || c >= x.cols)
      throw InputError(fmt::format("[{}] columns: {} is not a column of {}, which has {} (numbered from 0)", section, c, name, x.cols));
    if (std::find(chosen.begin(), chosen.begin() + static_cast<std::ptrdiff_t>(j), c) != chosen.begin() + static_cast<std::ptrdiff_t>(j))
      throw InputError(fmt::format("[{}] columns: column {} ({}) of {} is chosen twice", section, c, all[static_cast<std::size_t>(c)], name));
    x.names.push_back(all[static_cast<std::size_t>(c)]);
  }
  x.column_indices = chosen;
  x.cols = static_cast<std::int64_t>(chosen.size());
  return x;
}

std::vector<std::string> feature_names(const MatrixSource& x) {
  if (!x.names.empty()) return x.names;
  std::vector<std::string> names;
  {
    hdf5::Handle file = hdf5::open_for_reading(x.path);
    names = hdf5::read_string_attribute(file.id(), x.dataset, "feature_names");
  }
  if (names.size() != static_cast<std::size_t>(x.cols)) {
    names.clear();
    for (std::int64_t j = 0; j < x.cols; ++j) names.push_back(fmt::format("x{}", j));
  }
  return names;
}

}  // namespace tessera
