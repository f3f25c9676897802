#pragma once
/// @file
/// The datasets a job reads, checked on rank 0 before any task runs: the file opens, the dataset
/// exists, is numeric, non-empty and of the right shape. (NaN/Inf are found by the read tasks,
/// which see the values.)
#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/job/job_spec.hpp"

namespace tessera {

/// A binary target's two values, as the user encoded them (0/1, ±1, a boolean, any two numbers):
/// the tasks read `negative` as 0 and `positive` as 1, the class whose probability is modelled.
struct BinaryClasses {
  double negative = 0, positive = 1;
};

/// A numeric dataset seen as rows x cols (a 1-D dataset is rows x 1).
struct MatrixSource {
  std::string path, dataset;
  std::int64_t rows = 0, cols = 0;
  std::int64_t chunk_rows = 0;  ///< the file's own chunking along rows, 0 if contiguous
  std::string type;
  std::optional<BinaryClasses> classes;  ///< a binary target's, once found (plan/target_classes)
  /// Features gathered from several 1-D datasets of `path`, one column each (`dataset` is then a
  /// name for messages: "[temp, pressure]"), or the chosen columns of the 2-D `dataset`; both
  /// empty: the dataset as it is. `names`: the columns' names, when these choose them.
  std::vector<std::string> column_datasets;
  std::vector<std::int64_t> column_indices;
  std::vector<std::string> names;
};

/// Opens and checks `path`:`dataset`. `want_rank` is 2 for a matrix, 1 for a vector (n or n x 1),
/// 0 for either.
MatrixSource open_source(const std::string& path, const std::string& dataset, int want_rank);

/// The features of `path`: the 2-D `dataset`, or what `columns` chooses (several 1-D datasets of
/// equal length, or some columns of `dataset` by name or index); InputError naming the dataset or
/// column that does not fit. `section` names the job file's table in messages ("data").
MatrixSource open_features(const std::string& path, const std::string& dataset, const FeatureColumns& columns,
                           const std::string& section);

/// The features' names: the listed datasets' or chosen columns' names, else the `feature_names` attribute of the features dataset when it has one name
/// per column, else x0, x1, …
std::vector<std::string> feature_names(const MatrixSource& x);

/// Contiguous row ranges [begin, end) of `chunk_rows` rows (the last may be shorter).
struct RowChunk {
  std::int64_t begin = 0, end = 0;
};
std::vector<RowChunk> row_chunks(std::int64_t rows, std::int64_t chunk_rows);

/// Sums of squares and products can overflow although every value is finite (|x| above about
/// 1e154). InputError naming the first column whose sums are not finite — a column of `x`
/// (0-based), or `y` — unless XᵀX, Xᵀy and yᵀy are all finite.
void require_finite_sums(const Eigen::Ref<const Eigen::MatrixXd>& xtx, const Eigen::Ref<const Eigen::VectorXd>& xty, double yy,
                         const MatrixSource& x, const MatrixSource& y);
/// The same check on an augmented Gram matrix [1 X y]ᵀ[1 X y] (ones column first).
void require_finite_gram(const Eigen::MatrixXd& gram, const MatrixSource& x, const MatrixSource& y);

}  // namespace tessera
