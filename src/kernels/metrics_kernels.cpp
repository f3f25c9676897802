// Kernels of the `evaluate` job (truth chunk, predictions chunk; both 1 x rows).
//
//   regression_moments (y, ŷ)              -> [1 x 5: rows, Σ(y−ŷ)², Σ|y−ŷ|, mean y, Σ(y−ȳ)²]
//   regression_merge (a, b, ...)           -> the same for the union of the rows (Chan's update)
//   classification_pairs (y, p) {row_begin, truth, predictions}
//                                          -> [2 x rows: y; p], after checking y ∈ {0, 1}, p ∈ [0, 1]
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/row_folds.hpp"
#include "tessera/ml/metrics.hpp"

namespace tessera {
namespace {

Eigen::MatrixXd pack(const RegressionMoments& m) {
  Eigen::MatrixXd out(1, 5);
  out << m.rows, m.sse, m.sae, m.mean_y, m.m2_y;
  return out;
}

RegressionMoments unpack(const Eigen::MatrixXd& v) { return {v(0, 0), v(0, 1), v(0, 2), v(0, 3), v(0, 4)}; }

Value regression_moments(const KernelContext& ctx) {
  return Value::of(pack(RegressionMoments::of(ctx.input(0)[0].row(0).transpose(), ctx.input(1)[0].row(0).transpose())));
}

Value regression_merge(const KernelContext& ctx) {
  RegressionMoments total = unpack(ctx.input(0)[0]);
  for (std::size_t i = 1; i < ctx.inputs.size(); ++i) total.merge(unpack(ctx.input(i)[0]));
  return Value::of(pack(total));
}

Value classification_pairs(const KernelContext& ctx) {
  const Eigen::MatrixXd& y = ctx.input(0)[0];
  const Eigen::MatrixXd& p = ctx.input(1)[0];
  const std::int64_t row_begin = ctx.params.integer("row_begin");
  require_binary(y, ctx.params.text("truth"), row_begin, "classification metrics need");
  for (Eigen::Index i = 0; i < p.cols(); ++i)
    if (!(p(0, i) >= 0 && p(0, i) <= 1))
      throw InputError(fmt::format("{} row {} is {}: classification metrics need the probability of class 1, in [0, 1]",
                                   ctx.params.text("predictions"), row_begin + i, p(0, i)));
  Eigen::MatrixXd pairs(2, y.cols());
  pairs << y, p;
  return Value::of(std::move(pairs));
}

}  // namespace

void register_metrics_kernels(KernelRegistry& registry) {
  registry.add("regression_moments", regression_moments);
  registry.add("regression_merge", regression_merge);
  registry.add("classification_pairs", classification_pairs);
}

}  // namespace tessera
