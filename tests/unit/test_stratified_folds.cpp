// Stratified folds: the allocation against scikit-learn's StratifiedKFold algorithm written out
// here, and the per-chunk assignment (what the fold kernels compute) against the whole-column one,
// on random chunkings, with and without shuffling.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "tessera/kernels/cross_validation.hpp"
#include "tessera/plan/stratified_folds.hpp"
#include "tessera/stats/stratified_folds.hpp"

namespace tessera {
namespace {

/// StratifiedKFold(n_splits=k, shuffle=False)'s test fold of each row, as scikit-learn 1.2 computes
/// it: classes encoded in first-appearance order, the allocation from the sorted codes dealt
/// round-robin, each class's members filling fold 0 first.
std::vector<int> sklearn_stratified(const std::vector<double>& y, int k) {
  std::vector<double> order;
  std::vector<int> code;
  for (double v : y) {
    auto it = std::find(order.begin(), order.end(), v);
    if (it == order.end()) order.push_back(v), it = order.end() - 1;
    code.push_back(static_cast<int>(it - order.begin()));
  }
  std::vector<int> sorted = code;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::vector<int>> allocation(static_cast<std::size_t>(k), std::vector<int>(order.size()));
  for (std::size_t i = 0; i < sorted.size(); ++i) ++allocation[i % static_cast<std::size_t>(k)][static_cast<std::size_t>(sorted[i])];
  std::vector<int> out(y.size());
  for (std::size_t c = 0; c < order.size(); ++c) {
    std::vector<int> folds_for_class;
    for (int f = 0; f < k; ++f) folds_for_class.insert(folds_for_class.end(), static_cast<std::size_t>(allocation[static_cast<std::size_t>(f)][c]), f);
    std::size_t next = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
      if (code[i] == static_cast<int>(c)) out[i] = folds_for_class[next++];
  }
  return out;
}

/// Four unbalanced classes, each with at least 5 rows (as many as the most folds tried).
std::vector<double> random_labels(std::mt19937_64& rng, std::size_t n) {
  const std::array<double, 4> classes{3, -1, 0, 7};
  std::discrete_distribution<int> pick({5, 1, 3, 0.5});
  std::vector<double> y(n);
  for (auto& v : y) v = classes[static_cast<std::size_t>(pick(rng))];
  for (double c : classes)
    for (int copy = 0; copy < 5; ++copy) y.insert(y.begin() + static_cast<std::ptrdiff_t>(rng() % (y.size() + 1)), c);
  return y;
}

/// The strata of `y` counted in chunks of `chunk_rows` (what the ClassCounts pass gives rank 0).
Strata strata_in_chunks(const std::vector<double>& y, std::int64_t chunk_rows, std::int64_t k) {
  std::vector<ClassCounts::Result> chunks;
  for (std::size_t begin = 0; begin < y.size(); begin += static_cast<std::size_t>(chunk_rows)) {
    std::vector<double> order, counts;
    for (std::size_t i = begin; i < std::min(y.size(), begin + static_cast<std::size_t>(chunk_rows)); ++i) {
      const auto it = std::find(order.begin(), order.end(), y[i]);
      if (it == order.end()) order.push_back(y[i]), counts.push_back(1);
      else ++counts[static_cast<std::size_t>(it - order.begin())];
    }
    ClassCounts::Result r;
    r.counts.resize(2, static_cast<Eigen::Index>(order.size()));
    for (std::size_t j = 0; j < order.size(); ++j) r.counts.col(static_cast<Eigen::Index>(j)) << order[j], counts[j];
    r.fractional.resize(2, 0);
    chunks.push_back(r);
  }
  return strata_of(chunks, chunk_rows, MatrixSource{"t.h5", "y", static_cast<std::int64_t>(y.size()), 1, 0, "float64"}, k);
}

/// Each row's fold as the kernels compute it, chunk by chunk.
std::vector<int> folds_by_chunk(const std::vector<double>& y, std::int64_t chunk_rows, std::int64_t k, bool shuffle) {
  const Strata s = strata_in_chunks(y, chunk_rows, k);
  std::vector<int> out;
  for (std::size_t begin = 0; begin < y.size(); begin += static_cast<std::size_t>(chunk_rows)) {
    FoldAssignment a{static_cast<std::int64_t>(y.size()), k, shuffle, 9};
    a.strata = s.classes;
    for (const auto& b : s.bounds) a.strata_bounds.insert(a.strata_bounds.end(), b.begin(), b.end());
    const auto& before = s.before.at(static_cast<std::int64_t>(begin));
    a.strata_before.assign(before.begin(), before.end());
    const std::size_t end = std::min(y.size(), begin + static_cast<std::size_t>(chunk_rows));
    Eigen::MatrixXd chunk(1, static_cast<Eigen::Index>(end - begin));
    for (std::size_t i = begin; i < end; ++i) chunk(0, static_cast<Eigen::Index>(i - begin)) = y[i];
    const std::vector<int> part = row_folds(a, static_cast<std::int64_t>(begin), chunk);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

TEST(StratifiedFolds, MatchScikitLearnRowForRowOnAnyChunking) {
  std::mt19937_64 rng(1);
  for (int trial = 0; trial < 50; ++trial) {
    const std::vector<double> y = random_labels(rng, 40 + rng() % 400);
    const std::size_t n = y.size();
    const int k = 2 + static_cast<int>(rng() % 4);
    const auto expected = sklearn_stratified(y, k);
    const auto chunk_rows = static_cast<std::int64_t>(1 + rng() % n);
    ASSERT_EQ(folds_by_chunk(y, chunk_rows, k, false), expected) << "trial " << trial << " chunk_rows " << chunk_rows;
  }
}

TEST(StratifiedFolds, ShuffledFoldsKeepTheCountsAndDoNotDependOnTheChunking) {
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 30; ++trial) {
    const std::vector<double> y = random_labels(rng, 60 + rng() % 400);
    const std::size_t n = y.size();
    const std::int64_t k = 2 + static_cast<std::int64_t>(rng() % 4);
    const auto whole = folds_by_chunk(y, static_cast<std::int64_t>(n), k, true);
    EXPECT_EQ(folds_by_chunk(y, static_cast<std::int64_t>(1 + rng() % n), k, true), whole);
    EXPECT_NE(whole, folds_by_chunk(y, static_cast<std::int64_t>(n), k, false)) << "trial " << trial;
    // Each fold holds each class's share within one row, and exactly the counts reported.
    const Strata s = strata_in_chunks(y, static_cast<std::int64_t>(n), k);
    const auto reported = fold_class_counts(s);
    for (std::size_t c = 0; c < s.classes.size(); ++c)
      for (std::int64_t f = 0; f < k; ++f) {
        std::int64_t count = 0;
        for (std::size_t i = 0; i < n; ++i) count += y[i] == s.classes[c] && whole[i] == f;
        EXPECT_EQ(count, reported[static_cast<std::size_t>(f)][c]);
        EXPECT_LT(std::abs(static_cast<double>(count) - static_cast<double>(s.rows[c]) / static_cast<double>(k)), 1.0);
      }
  }
}

TEST(StratifiedFolds, AClassWithFewerRowsThanFoldsIsRefused) {
  const std::vector<double> y = {0, 0, 0, 1, 1, 0, 0, 0};
  try {
    strata_in_chunks(y, 3, 3);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("class 1 of t.h5:y has 2 row(s), fewer than the 3 folds"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tessera
