#pragma once
/// @file
/// Contracts of the least-squares kernels (see core/contract.hpp). With `intercept`, a column of
/// ones is put in front of X in the arithmetic, never in memory: [1 X y].
#include <vector>

#include "tessera/core/contract.hpp"

namespace tessera {

struct InterceptParams {
  bool intercept = true;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("intercept", self.intercept);
  }
};

/// An R factor (k x k, upper triangular).
struct RFactor {
  Eigen::MatrixXd r;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("r", self.r);
  }
};

/// A double-double matrix: hi + lo (stats/double_double.hpp).
struct DoubleDoubleMatrix {
  Eigen::MatrixXd hi, lo;
  template <class Self, class Visit>
  static void fields(Self& self, Visit&& visit) {
    visit("hi", self.hi);
    visit("lo", self.lo);
  }
};

/// R of [1 X y] for a chunk (X, y), by LAPACK's triangle-on-block QR.
struct QrRows {
  static constexpr const char* name = "qr_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = InterceptParams;
  using Result = RFactor;
};

/// R of [R1; R2].
struct QrMerge {
  static constexpr const char* name = "qr_merge";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = RFactor;
};

/// [1 X y]ᵀ[1 X y] for a chunk (X, y).
struct GramAug {
  static constexpr const char* name = "gram_aug";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = InterceptParams;
  struct Result {
    Eigen::MatrixXd gram;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("gram", self.gram);
    }
  };
};

/// [1 X y]ᵀ[1 X y] for a chunk (X, y) in double-double precision (about 30 digits per entry).
struct GramDd {
  static constexpr const char* name = "gram_dd";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = InterceptParams;
  using Result = DoubleDoubleMatrix;
};

/// a + b for double-double matrices.
struct SumDd {
  static constexpr const char* name = "sum_dd";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  using Params = NoFields;
  using Result = DoubleDoubleMatrix;
};

/// Xβ + intercept for a chunk of X: 1 x rows.
struct PredictRows {
  static constexpr const char* name = "predict_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< one value per row: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 1;
  struct Params {
    std::vector<double> coef;
    double intercept = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("coef", self.coef);
      visit("intercept", self.intercept);
    }
  };
  struct Result {
    Eigen::MatrixXd fitted;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("fitted", self.fitted);
    }
  };
};

}  // namespace tessera
