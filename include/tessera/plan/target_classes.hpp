#pragma once
/// @file
/// A binary target in the user's encoding — 0/1, ±1, a boolean (an HDF5 enum), any two numbers —
/// found with one pass over it: the graph of that pass, and the classes decided from its result.
/// The positive class is the larger value, as scikit-learn's `classes_[1]`, unless the job names
/// it; later passes read the target through MatrixSource::classes as 0 and 1.
#include <Eigen/Core>
#include <optional>
#include <string>

#include "tessera/graph/graph.hpp"
#include "tessera/plan/data_source.hpp"

namespace tessera {

/// The first distinct values of `y` with the rows they first occur on (a DistinctValues::Result,
/// kernels/classes.hpp): a task per chunk of `chunk_rows` rows, merged up a tree.
TaskKey add_distinct_values(Graph& graph, const MatrixSource& y, std::int64_t chunk_rows);

/// The classes of the binary target `y` from its first distinct values (2 x m: value; row).
/// InputError naming `y` — and what `needs` the target ("logistic regression") — when it holds more
/// than two values, or when `positive_class` is neither of them. A single value is refused too,
/// unless `one_class_is_fine` (metrics of a test set of one class): it is then the positive class
/// if it is `positive_class` (by default 1, as scikit-learn's pos_label), else the negative one.
BinaryClasses binary_classes(const Eigen::MatrixXd& first_values, const MatrixSource& y, std::optional<double> positive_class,
                             const std::string& needs, bool one_class_is_fine = false);

/// A class as messages and reports print it: "1", "-1", "0.5".
std::string class_name(double value);

}  // namespace tessera
