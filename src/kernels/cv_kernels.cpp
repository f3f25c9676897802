// Kernels for cross-validation; contracts in kernels/cross_validation.hpp.
#include <algorithm>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/cross_validation.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/stats/folds.hpp"
#include "tessera/stats/stratified_folds.hpp"

namespace tessera {
namespace {

/// Each row's fold from its class and its rank among that class's rows (those before the chunk,
/// then the chunk's own in order).
std::vector<int> stratified_row_folds(const FoldAssignment& assignment, const Eigen::MatrixXd& y) {
  const std::size_t classes = assignment.strata.size();
  const auto width = static_cast<std::size_t>(assignment.folds + 1);
  std::vector<std::vector<std::int64_t>> bounds(classes);
  std::vector<std::int64_t> rank(classes);
  for (std::size_t c = 0; c < classes; ++c) {
    for (std::size_t f = 0; f < width; ++f) bounds[c].push_back(static_cast<std::int64_t>(assignment.strata_bounds[c * width + f]));
    rank[c] = static_cast<std::int64_t>(assignment.strata_before[c]);
  }
  const StratifiedFolds folds(std::move(bounds), assignment.shuffle, static_cast<std::uint64_t>(assignment.seed));
  std::vector<int> out(static_cast<std::size_t>(y.cols()));
  for (Eigen::Index i = 0; i < y.cols(); ++i) {
    const auto it = std::find(assignment.strata.begin(), assignment.strata.end(), y(0, i));
    if (it == assignment.strata.end())
      throw Error(fmt::format("stratified folds: the value {} is not one of the classes counted before", y(0, i)));
    const auto c = static_cast<std::size_t>(it - assignment.strata.begin());
    out[static_cast<std::size_t>(i)] = static_cast<int>(folds.fold_of(c, rank[c]++));
  }
  return out;
}

}  // namespace

std::vector<int> row_folds(const FoldAssignment& assignment, std::int64_t row_begin, const Eigen::MatrixXd& y) {
  const Eigen::Index chunk_rows = y.cols();
  std::vector<int> out(static_cast<std::size_t>(chunk_rows), no_fold);
  if (assignment.folds == 0) return out;
  if (!assignment.strata.empty()) return stratified_row_folds(assignment, y);
  const Folds folds(assignment.rows, assignment.folds, assignment.shuffle, static_cast<std::uint64_t>(assignment.seed));
  for (Eigen::Index i = 0; i < chunk_rows; ++i) out[static_cast<std::size_t>(i)] = static_cast<int>(folds.fold_of(row_begin + i));
  return out;
}

namespace {

FoldGram::Result fold_gram(const FoldGram::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  FoldGram::Result out;
  if (params.folds.folds == 0) {
    out.grams.push_back(augmented_gram(xt, yt, true));
    return out;
  }
  const std::vector<int> fold_of = row_folds(params.folds, params.row_begin, yt);
  std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(params.folds.folds));
  for (Eigen::Index i = 0; i < xt.cols(); ++i) members[static_cast<std::size_t>(fold_of[static_cast<std::size_t>(i)])].push_back(i);
  const Eigen::Index k = xt.rows() + 2;
  for (const auto& rows : members) {
    if (rows.empty()) {
      out.grams.push_back(Eigen::MatrixXd::Zero(k, k));
    } else if (rows.back() - rows.front() + 1 == static_cast<Eigen::Index>(rows.size())) {  // contiguous
      const auto m = static_cast<Eigen::Index>(rows.size());
      out.grams.push_back(augmented_gram(xt.middleCols(rows.front(), m), yt.middleCols(rows.front(), m), true));
    } else {  // shuffled folds: gather the fold's rows first
      Eigen::MatrixXd xb(xt.rows(), static_cast<Eigen::Index>(rows.size())), yb(1, static_cast<Eigen::Index>(rows.size()));
      for (std::size_t j = 0; j < rows.size(); ++j) {
        xb.col(static_cast<Eigen::Index>(j)) = xt.col(rows[j]);
        yb(0, static_cast<Eigen::Index>(j)) = yt(0, rows[j]);
      }
      out.grams.push_back(augmented_gram(xb, yb, true));
    }
  }
  return out;
}

}  // namespace

void register_cv_kernels(KernelRegistry& registry) { add_kernel<FoldGram>(registry, fold_gram); }

}  // namespace tessera
