#pragma once
/// @file
/// A linear model (intercept and coefficients) and its scores on rows summarised by their
/// augmented Gram matrix [1 X y]ᵀ[1 X y]: every Gram-based model (ridge, elastic net) scores a
/// fold's test rows from their statistics alone.
#include <Eigen/Core>

namespace tessera {

struct LinearFit {
  double intercept = 0;
  Eigen::VectorXd coef;
};

/// Σ (y − intercept − Xβ)² over the rows `g` summarises (accumulated in long double).
double sse_from_gram(const Eigen::MatrixXd& g, const LinearFit& fit);
/// Σ (y − ȳ)² over those rows.
double tss_from_gram(const Eigen::MatrixXd& g);
/// R² of `fit` on the rows `g` summarises, as scikit-learn's r2_score: NaN for fewer than two
/// rows; for a constant y, 1 if the fit is exact and 0 otherwise.
double r2_from_gram(const Eigen::MatrixXd& g, const LinearFit& fit);

}  // namespace tessera
