// Kernels that find a target's classes; contracts in kernels/classes.hpp.
#include <algorithm>
#include <cmath>
#include <map>

#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/classes.hpp"

namespace tessera {
namespace {

/// value -> the row it first occurs on, cut to the `most_distinct_values` that occur first.
using FirstRows = std::map<double, double>;

DistinctValues::Result first_values(const FirstRows& rows) {
  std::vector<std::pair<double, double>> by_row;  // (row, value)
  for (const auto& [value, row] : rows) by_row.emplace_back(row, value);
  std::sort(by_row.begin(), by_row.end());
  const auto m = std::min<Eigen::Index>(most_distinct_values, static_cast<Eigen::Index>(by_row.size()));
  Eigen::MatrixXd out(2, m);
  for (Eigen::Index j = 0; j < m; ++j) out.col(j) << by_row[static_cast<std::size_t>(j)].second, by_row[static_cast<std::size_t>(j)].first;
  return {std::move(out)};
}

DistinctValues::Result distinct_values(const DistinctValues::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& y = in.matrix(0);
  FirstRows rows;
  // Stops at the first value beyond those kept: every later row occurs after it.
  for (Eigen::Index i = 0; i < y.cols() && static_cast<Eigen::Index>(rows.size()) < most_distinct_values; ++i)
    rows.emplace(y(0, i) == 0 ? 0.0 : y(0, i), static_cast<double>(params.row_begin + i));  // -0 is 0
  return first_values(rows);
}

/// A value among the first few of the union first occurs among the first few of its own part, so
/// merging the parts' results loses none of them.
DistinctValues::Result merge_distinct_values(const NoFields&, const KernelInputs& in) {
  FirstRows rows;
  for (std::size_t k = 0; k < 2; ++k) {
    const Eigen::MatrixXd& part = in.matrix(k);
    for (Eigen::Index j = 0; j < part.cols(); ++j) {
      auto [it, added] = rows.emplace(part(0, j), part(1, j));
      if (!added) it->second = std::min(it->second, part(1, j));
    }
  }
  return first_values(rows);
}

/// Stops at the first value that is not a whole number, or at one class too many: either refuses
/// the target, and the rows after it would not change the message.
ClassCounts::Result class_counts(const DistinctValues::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& y = in.matrix(0);
  std::vector<double> order;
  std::map<double, double> rows;
  ClassCounts::Result out;
  out.fractional.resize(2, 0);
  for (Eigen::Index i = 0; i < y.cols(); ++i) {
    const double v = y(0, i) == 0 ? 0.0 : y(0, i);
    if (!(v == std::floor(v))) {
      out.fractional.resize(2, 1);
      out.fractional << static_cast<double>(params.row_begin + i), v;
      break;
    }
    auto [it, added] = rows.emplace(v, 0.0);
    it->second += 1;
    if (added) order.push_back(v);
    if (static_cast<Eigen::Index>(order.size()) > most_strata) break;
  }
  out.counts.resize(2, static_cast<Eigen::Index>(order.size()));
  for (std::size_t j = 0; j < order.size(); ++j) out.counts.col(static_cast<Eigen::Index>(j)) << order[j], rows[order[j]];
  return out;
}

}  // namespace

void register_class_kernels(KernelRegistry& registry) {
  add_kernel<ClassCounts>(registry, class_counts);
  add_kernel<DistinctValues>(registry, distinct_values);
  add_kernel<MergeDistinctValues>(registry, merge_distinct_values);
}

}  // namespace tessera
