// Kernels for cross-validation.
//
//   fold_gram (X, y) {row_begin, rows, folds, shuffle, seed} -> one augmented Gram matrix per fold,
//                                                              over the chunk's rows in that fold
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/ml/folds.hpp"

namespace tessera {
namespace {

Value fold_gram(const KernelContext& ctx) {
  const Eigen::MatrixXd& xt = ctx.input(0)[0];
  const Eigen::MatrixXd& yt = ctx.input(1)[0];
  const Folds folds(ctx.params.integer("rows"), ctx.params.integer("folds"), ctx.params.integer("shuffle") != 0,
                    static_cast<std::uint64_t>(ctx.params.integer("seed")));
  const std::int64_t row_begin = ctx.params.integer("row_begin");
  std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(folds.count()));
  for (Eigen::Index i = 0; i < xt.cols(); ++i) members[static_cast<std::size_t>(folds.fold_of(row_begin + i))].push_back(i);
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
