#pragma once
/// @file
/// Contracts of the dense linear-algebra kernels on row chunks (see core/contract.hpp). Chunks
/// arrive transposed (cols x rows), as ReadRows gives them.
#include "tessera/core/contract.hpp"

namespace tessera {

/// XᵀX, Xᵀy and the row count of a chunk (X, y).
struct Gram {
  static constexpr const char* name = "gram";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  struct Result {
    Eigen::MatrixXd xtx, xty;
    double rows = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("xtx", self.xtx);
      visit("xty", self.xty);
      visit("rows", self.rows);
    }
  };
};

/// Blockwise sum of two values of the same layout, in input order: the tree's combine step.
struct Sum {
  static constexpr const char* name = "sum";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = Value;
};

/// One row block of A·B, transposed: (A_c B)ᵀ, from A's chunk and Bᵀ.
struct MatmulRows {
  static constexpr const char* name = "matmul_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< a row block of the product: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  struct Result {
    Eigen::MatrixXd product;  ///< m x rows
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("product", self.product);
    }
  };
};

}  // namespace tessera
