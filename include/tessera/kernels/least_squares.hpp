#pragma once
/// @file
/// Contracts of the least-squares kernels (see core/contract.hpp). With `intercept`, a column of
/// ones is put in front of X in the arithmetic, never in memory: [1 X y].
#include <string>
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

/// A chunk of X or y (cols x rows) with each row multiplied by √w, w being the chunk of the
/// weights (1 x rows): the whitened rows of weighted least squares. With `root_column`, a row of
/// √w goes in front (the intercept column, whitened). InputError for a negative weight, naming
/// `weights` and its row (NaN and Inf are refused by the read).
struct WeightRows {
  static constexpr const char* name = "weight_rows";
  static constexpr Lane lane = Lane::compute;
  static constexpr bool checkpoint = false;  ///< a chunk of the data: cheaper to compute again than to keep
  static constexpr std::size_t inputs = 2;
  struct Params {
    std::string weights;  ///< "file:dataset", for messages
    std::int64_t row_begin = 0;
    bool root_column = false;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("weights", self.weights);
      visit("row_begin", self.row_begin);
      visit("root_column", self.root_column);
    }
  };
  struct Result {
    Eigen::MatrixXd rows;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("rows", self.rows);
    }
  };
};

/// Σ log w over a chunk of weights (1 x 1): the weights' term of the WLS log-likelihood.
struct LogWeightSum {
  static constexpr const char* name = "log_weight_sum";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 1;
  using Params = NoFields;
  struct Result {
    double sum = 0;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("sum", self.sum);
    }
  };
};

/// A chunk's share of a heteroscedasticity-robust covariance, the sandwich A·(Σ ω_i x_i x_iᵀ)·A
/// with A = (XᵀX)⁻¹ = MᵀM: Σ ω_i u_i u_iᵀ with u_i = Mᵀ(M x_i), over the rows x_i of [1 X]
/// (k x k). Forming u_i row by row, as statsmodels does with pinv(X), keeps the accuracy an
/// ill-conditioned A would lose in A·meat·A. With e_i = y_i − x_iᵀβ and h_i = ‖M x_i‖² the
/// leverage: ω = e² (HC0, HC1), e²/(1 − h) (HC2), e²/(1 − h)² (HC3).
struct RobustCovariance {
  static constexpr const char* name = "robust_covariance";
  static constexpr Lane lane = Lane::compute;
  static constexpr std::size_t inputs = 2;
  struct Params {
    bool intercept = true;
    std::vector<double> beta;         ///< one per column of [1 X]; 0 for a dropped column
    std::int64_t leverage_power = 0;  ///< 0 (HC0, HC1), 1 (HC2), 2 (HC3)
    std::vector<double> root;         ///< M, m x k row-major, zero on the dropped columns
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("intercept", self.intercept);
      visit("beta", self.beta);
      visit("leverage_power", self.leverage_power);
      visit("root", self.root);
    }
  };
  struct Result {
    Eigen::MatrixXd covariance;
    template <class Self, class Visit>
    static void fields(Self& self, Visit&& visit) {
      visit("covariance", self.covariance);
    }
  };
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
