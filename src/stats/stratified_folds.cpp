#include "tessera/stats/stratified_folds.hpp"

#include <algorithm>

#include "tessera/core/splitmix.hpp"

namespace tessera {

std::vector<std::vector<std::int64_t>> stratified_bounds(const std::vector<std::int64_t>& class_rows, std::int64_t folds) {
  // StratifiedKFold: y_order = the labels sorted (class c at positions [s_c, s_c + n_c)), and
  // allocation[f][c] = how many of those positions are ≡ f (mod folds).
  const auto below = [folds](std::int64_t end, std::int64_t fold) { return end > fold ? (end - fold + folds - 1) / folds : 0; };
  std::vector<std::vector<std::int64_t>> bounds;
  std::int64_t start = 0;
  for (const std::int64_t rows : class_rows) {
    std::vector<std::int64_t> b{0};
    for (std::int64_t f = 0; f < folds; ++f) b.push_back(b.back() + below(start + rows, f) - below(start, f));
    bounds.push_back(std::move(b));
    start += rows;
  }
  return bounds;
}

StratifiedFolds::StratifiedFolds(std::vector<std::vector<std::int64_t>> bounds, bool shuffle, std::uint64_t seed)
    : bounds_(std::move(bounds)) {
  if (!shuffle) return;
  for (std::size_t c = 0; c < bounds_.size(); ++c)
    permutations_.emplace_back(std::max<std::int64_t>(bounds_[c].back(), 2), 2, true, splitmix64(seed ^ splitmix64(c + 1)));
}

std::int64_t StratifiedFolds::fold_of(std::size_t klass, std::int64_t rank) const {
  const std::vector<std::int64_t>& b = bounds_[klass];
  if (!permutations_.empty() && b.back() > 1) rank = permutations_[klass].position(rank);
  return static_cast<std::int64_t>(std::upper_bound(b.begin(), b.end(), rank) - b.begin()) - 1;
}

}  // namespace tessera
