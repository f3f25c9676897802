// The distinct-values kernels against a plain scan: whatever the chunking and the order of the
// merges, the first three distinct values and the rows they first occur on.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "kernel_call.hpp"

namespace tessera {
namespace {

ValuePtr value_of(const Eigen::MatrixXd& m) { return std::make_shared<Value>(Value::of(m)); }

/// (value, first row) of the first three distinct values, by a loop over every row.
std::vector<std::pair<double, double>> scan(const std::vector<double>& y) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 0; i < y.size() && out.size() < 3; ++i)
    if (std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.first == y[i]; }))
      out.emplace_back(y[i], static_cast<double>(i));
  return out;
}

TEST(ClassKernels, ChunksMergedInAnyOrderGiveTheFirstThreeValues) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    // Few distinct values, some rare, so that a later chunk often holds the third.
    const std::vector<double> alphabet{-1, 1, 0, 2.5, 7};
    std::discrete_distribution<int> pick({40, 40, trial % 3 == 0 ? 0.0 : 0.5, 0.2, 0.1});
    const int rows = 1 + static_cast<int>(rng() % 400);
    std::vector<double> y(static_cast<std::size_t>(rows));
    for (double& v : y) v = alphabet[static_cast<std::size_t>(pick(rng))];
    std::vector<ValuePtr> parts;
    for (int begin = 0; begin < rows;) {
      const int end = std::min(rows, begin + 1 + static_cast<int>(rng() % 60));
      Eigen::MatrixXd chunk(1, end - begin);
      for (int i = begin; i < end; ++i) chunk(0, i - begin) = y[static_cast<std::size_t>(i)];
      Params params;
      params.set("row_begin", std::int64_t{begin});
      parts.push_back(std::make_shared<Value>(testing::call_kernel("distinct_values", {value_of(chunk)}, params)));
      begin = end;
    }
    while (parts.size() > 1) {  // neighbours merged in a random order, as a tree of any shape
      const std::size_t at = rng() % (parts.size() - 1);
      parts[at] = std::make_shared<Value>(testing::call_kernel("merge_distinct_values", {parts[at], parts[at + 1]}));
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(at) + 1);
    }
    const Eigen::MatrixXd& found = (*parts.front())[0];
    const auto expected = scan(y);
    ASSERT_EQ(found.cols(), static_cast<Eigen::Index>(expected.size())) << "trial " << trial;
    for (Eigen::Index j = 0; j < found.cols(); ++j) {
      EXPECT_EQ(found(0, j), expected[static_cast<std::size_t>(j)].first) << "trial " << trial;
      EXPECT_EQ(found(1, j), expected[static_cast<std::size_t>(j)].second) << "trial " << trial;
    }
  }
}

}  // namespace
}  // namespace tessera
