#pragma once
/// @file
/// Contracts of the kernels that find a target's classes (see core/contract.hpp): the distinct
/// values of a column, found chunk by chunk and merged up a tree, so rank 0 receives at most
/// three numbers and their rows however long the target is.
#include <cstdint>

#include "tessera/core/contract.hpp"

namespace tessera {

/// The most distinct values a DistinctValues result keeps: one more than a binary target has, so
/// that a third value can be named in the message that refuses it.
inline constexpr Eigen::Index most_distinct_values = 3;

/// The first `most_distinct_values` distinct values of a chunk (1 x rows, its first row
/// `row_begin`), in the order they first occur. Merging keeps the first ones of the union, so the
/// result is the same on any number of ranks.
struct DistinctValues {
  static constexpr const char* name = "distinct_values";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::int64_t row_begin = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("row_begin", self.row_begin);
    }
  };
  struct Result {
    Eigen::MatrixXd values;  ///< 2 x m (m <= most_distinct_values): value; the row it first occurs on
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("values", self.values);
    }
  };
};

/// The first distinct values of the union of two DistinctValues results' rows.
struct MergeDistinctValues {
  static constexpr const char* name = "merge_distinct_values";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = DistinctValues::Result;
};

/// The most classes stratified folds accept: more distinct values make a continuous target.
inline constexpr Eigen::Index most_strata = 1000;

/// Each class of a chunk's target (1 x rows, its first row `row_begin`) and its rows, for
/// stratified folds: rank 0 needs every chunk's counts (not a merged total) to know each class's
/// rows before each chunk.
struct ClassCounts {
  static constexpr const char* name = "class_counts";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  using Params = DistinctValues::Params;
  struct Result {
    Eigen::MatrixXd counts;      ///< 2 x m: value, its rows; in first-occurrence order (m <= most_strata + 1)
    Eigen::MatrixXd fractional;  ///< 2 x 1 if some value is not a whole number: the first such row and its value
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("counts", self.counts);
      visit("fractional", self.fractional);
    }
  };
};

}  // namespace tessera
