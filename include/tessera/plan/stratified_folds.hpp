#pragma once
/// @file
/// Stratified folds ([cv] stratify = true), found with one pass over the target: each chunk counts
/// its classes (kernels/classes.hpp's ClassCounts), and rank 0 turns the counts into each class's
/// fold bounds (stats/stratified_folds) and each chunk's class offsets, which every fold task then
/// carries in its FoldAssignment (plan/xy_data's fold_assignment).
#include <cstdint>
#include <map>
#include <vector>

#include "tessera/graph/graph.hpp"
#include "tessera/kernels/classes.hpp"
#include "tessera/plan/data_source.hpp"

namespace tessera {

struct Strata {
  std::vector<double> classes;                               ///< as read (0/1 for a mapped binary target), first-appearance order
  std::vector<std::int64_t> rows;                            ///< rows of each class
  std::vector<std::vector<std::int64_t>> bounds;             ///< per class, stats/stratified_folds' fold bounds
  std::map<std::int64_t, std::vector<std::int64_t>> before;  ///< a chunk's first row -> each class's rows before it
};

/// A ClassCounts task per chunk of `chunk_rows` rows of `y` (read as the later passes read it), in row order.
std::vector<TaskKey> add_class_counts(Graph& graph, const MatrixSource& y, std::int64_t chunk_rows);

/// The strata of `folds` folds from each chunk's counts (in row order, chunks of `chunk_rows`
/// rows). InputError naming `y` for a continuous target (a value that is not a whole number, or
/// more than most_strata classes) and for a class with fewer rows than folds, which would leave
/// some fold without a member of it.
Strata strata_of(const std::vector<ClassCounts::Result>& chunks, std::int64_t chunk_rows, const MatrixSource& y,
                 std::int64_t folds);

/// How many rows of each class (columns) each fold (rows) holds.
std::vector<std::vector<std::int64_t>> fold_class_counts(const Strata& strata);

}  // namespace tessera
