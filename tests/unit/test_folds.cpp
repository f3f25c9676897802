#include <gtest/gtest.h>

#include <set>

#include "tessera/error.hpp"
#include "tessera/stats/folds.hpp"

namespace tessera {
namespace {

TEST(Folds, ContiguousFoldsFollowScikitLearnsKFold) {
  // KFold(n_splits=3) on 10 rows: test folds [0,4), [4,7), [7,10) — the first n % K folds get one more.
  const Folds f(10, 3);
  EXPECT_EQ(f.size(0), 4);
  EXPECT_EQ(f.size(1), 3);
  EXPECT_EQ(f.size(2), 3);
  const std::vector<std::int64_t> expected = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
  for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(f.fold_of(i), expected[static_cast<std::size_t>(i)]) << i;
  EXPECT_EQ(f.start(1), 4);
  EXPECT_EQ(f.start(3), 10);
}

TEST(Folds, ShuffledAssignmentIsAPermutationWithTheSameFoldSizes) {
  for (const std::int64_t n : {7, 100, 1001}) {
    const Folds f(n, 5, true, 42);
    std::set<std::int64_t> positions;
    std::vector<std::int64_t> sizes(5, 0);
    for (std::int64_t i = 0; i < n; ++i) {
      positions.insert(f.position(i));
      ++sizes[static_cast<std::size_t>(f.fold_of(i))];
    }
    EXPECT_EQ(static_cast<std::int64_t>(positions.size()), n);
    EXPECT_EQ(*positions.rbegin(), n - 1);
    for (std::int64_t k = 0; k < 5; ++k) EXPECT_EQ(sizes[static_cast<std::size_t>(k)], f.size(k));
  }
  // It does shuffle, depends on the seed, and is reproducible.
  const Folds a(1000, 5, true, 1), b(1000, 5, true, 2), c(1000, 5, true, 1);
  int moved = 0, differs = 0;
  for (std::int64_t i = 0; i < 1000; ++i) {
    moved += a.fold_of(i) != Folds(1000, 5).fold_of(i);
    differs += a.fold_of(i) != b.fold_of(i);
    EXPECT_EQ(a.fold_of(i), c.fold_of(i));
  }
  EXPECT_GT(moved, 600);
  EXPECT_GT(differs, 600);
}

TEST(Folds, BadCountsAreRejected) {
  EXPECT_THROW(Folds(10, 1), InputError);
  EXPECT_THROW(Folds(10, 11), InputError);
}

}  // namespace
}  // namespace tessera
