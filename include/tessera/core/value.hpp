#pragma once
/// @file
/// What a task produces: a short list of dense float64 matrices. Large row blocks are stored
/// transposed (columns = rows of the file) so an HDF5 row-major read fills them without a copy.
#include <Eigen/Core>
#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace tessera {

struct Value {
  std::vector<Eigen::MatrixXd> blocks;

  Value() = default;
  explicit Value(std::vector<Eigen::MatrixXd> b) : blocks(std::move(b)) {}

  /// A value made of the given matrices, moved in. (Building the vector from a braced list would
  /// copy them: initializer_list elements are const — a full extra pass over every row block.)
  template <class... Matrices>
  static Value of(Matrices&&... matrices) {
    Value v;
    v.blocks.reserve(sizeof...(matrices));
    (v.blocks.emplace_back(std::forward<Matrices>(matrices)), ...);
    return v;
  }
  /// Bytes of matrix data held.
  std::size_t bytes() const {
    std::size_t total = 0;
    for (const auto& b : blocks) total += static_cast<std::size_t>(b.size()) * sizeof(double);
    return total;
  }
  const Eigen::MatrixXd& operator[](std::size_t i) const { return blocks.at(i); }
};

using ValuePtr = std::shared_ptr<const Value>;

}  // namespace tessera
