// Kernels for cross-validation.
//
//   fold_gram (X, y) {row_begin, rows, folds, shuffle, seed[, binary_target]}
//       -> one augmented Gram matrix [1 X y]ᵀ[1 X y] per fold, over the chunk's rows in that fold
//          (folds = 0: one, over all rows). With binary_target ("file:dataset"), y must be 0/1.
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/kernels/row_folds.hpp"
#include "tessera/ml/folds.hpp"

namespace tessera {

std::vector<int> row_folds(const Params& params, Eigen::Index chunk_rows) {
  std::vector<int> out(static_cast<std::size_t>(chunk_rows), no_fold);
  if (params.integer("folds") == 0) return out;
  const Folds folds(params.integer("rows"), params.integer("folds"), params.integer("shuffle") != 0,
                    static_cast<std::uint64_t>(params.integer("seed")));
  const std::int64_t row_begin = params.integer("row_begin");
  for (Eigen::Index i = 0; i < chunk_rows; ++i) out[static_cast<std::size_t>(i)] = static_cast<int>(folds.fold_of(row_begin + i));
  return out;
}

void require_binary(const Eigen::Ref<const Eigen::MatrixXd>& yt, const std::string& target, std::int64_t row_begin,
                    const std::string& needs) {
  for (Eigen::Index i = 0; i < yt.cols(); ++i)
    if (yt(0, i) != 0 && yt(0, i) != 1)
      throw InputError(fmt::format("{} row {} is {}: {} a binary target (0 or 1)", target, row_begin + i, yt(0, i), needs));
}

namespace {

Value fold_gram(const KernelContext& ctx) {
  const Eigen::MatrixXd& xt = ctx.input(0)[0];
  const Eigen::MatrixXd& yt = ctx.input(1)[0];
  if (ctx.params.has("binary_target")) require_binary(yt, ctx.params.text("binary_target"), ctx.params.integer("row_begin"), "logistic regression needs");
  const std::int64_t folds = ctx.params.integer("folds");
  if (folds == 0) return Value::of(augmented_gram(xt, yt, true));
  const std::vector<int> fold_of = row_folds(ctx.params, xt.cols());
  std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(folds));
  for (Eigen::Index i = 0; i < xt.cols(); ++i) members[static_cast<std::size_t>(fold_of[static_cast<std::size_t>(i)])].push_back(i);
  const Eigen::Index k = xt.rows() + 2;
  Value out;
  for (const auto& rows : members) {
    if (rows.empty()) {
      out.blocks.push_back(Eigen::MatrixXd::Zero(k, k));
    } else if (rows.back() - rows.front() + 1 == static_cast<Eigen::Index>(rows.size())) {  // contiguous
      const auto m = static_cast<Eigen::Index>(rows.size());
      out.blocks.push_back(augmented_gram(xt.middleCols(rows.front(), m), yt.middleCols(rows.front(), m), true));
    } else {  // shuffled folds: gather the fold's rows first
      Eigen::MatrixXd xb(xt.rows(), static_cast<Eigen::Index>(rows.size())), yb(1, static_cast<Eigen::Index>(rows.size()));
      for (std::size_t j = 0; j < rows.size(); ++j) {
        xb.col(static_cast<Eigen::Index>(j)) = xt.col(rows[j]);
        yb(0, static_cast<Eigen::Index>(j)) = yt(0, rows[j]);
      }
      out.blocks.push_back(augmented_gram(xb, yb, true));
    }
  }
  return out;
}

}  // namespace

void register_cv_kernels(KernelRegistry& registry) { registry.add("fold_gram", fold_gram); }

}  // namespace tessera
