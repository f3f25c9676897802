// Kernels of the `evaluate` job and of the ROC AUC scoring; contracts in kernels/metrics.hpp.
// Inputs are (truth, predictions or scores), 1 x rows each.
#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/metrics.hpp"

namespace tessera {
namespace {

RegressionMoments regression_moments(const NoFields&, const KernelInputs& in) {
  return RegressionMoments::of(in.matrix(0).row(0).transpose(), in.matrix(1).row(0).transpose());
}

RegressionMoments regression_merge(const NoFields&, const KernelInputs& in) {
  RegressionMoments total = from_value<RegressionMoments>(in[0]);
  total.merge(from_value<RegressionMoments>(in[1]));
  return total;
}

ClassificationCounts classification_counts(const ClassificationCountsOf::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& y = in.matrix(0);
  const Eigen::MatrixXd& p = in.matrix(1);
  ClassificationCounts counts;
  for (Eigen::Index i = 0; i < p.cols(); ++i) {
    if (!(p(0, i) >= 0 && p(0, i) <= 1))
      throw InputError(fmt::format("{} row {} is {}: classification metrics need the probability of class 1, in [0, 1]",
                                   params.predictions, params.row_begin + i, p(0, i)));
    counts.add(y(0, i) == 1, p(0, i));
  }
  return counts;
}

ScoreTable table_of(const NoFields&, const KernelInputs& in) {
  return {score_table(in.matrix(0).row(0).transpose(), in.matrix(1).row(0).transpose())};
}

ScoreTable pick_table(const PickTable::Params& params, const KernelInputs& in) {
  return {in[0][static_cast<std::size_t>(params.index)]};
}

ScoreTable merge_tables(const NoFields&, const KernelInputs& in) {
  return {merge_score_tables(in.matrix(0), in.matrix(1))};
}

AreaUnderCurve::Result area_under_curve(const NoFields&, const KernelInputs& in) {
  return {roc_auc(in.matrix(0)), roc_curve(in.matrix(0), roc_curve_points)};
}

}  // namespace

void register_metrics_kernels(KernelRegistry& registry) {
  add_kernel<RegressionMomentsOf>(registry, regression_moments);
  add_kernel<RegressionMerge>(registry, regression_merge);
  add_kernel<ClassificationCountsOf>(registry, classification_counts);
  add_kernel<ScoreTableOf>(registry, table_of);
  add_kernel<PickTable>(registry, pick_table);
  add_kernel<MergeScoreTables>(registry, merge_tables);
  add_kernel<AreaUnderCurve>(registry, area_under_curve);
}

}  // namespace tessera
