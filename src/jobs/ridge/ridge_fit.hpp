#pragma once
/// @file
/// Ridge regression from sufficient statistics: everything a fold needs is in the augmented Gram
/// matrix [1 X y]ᵀ[1 X y] of its rows, so a grid search refits nothing from the data.
#include <Eigen/Core>

#include "tessera/stats/linear_fit.hpp"
#include "tessera/stats/pca.hpp"

namespace tessera {

/// scikit-learn's Ridge(alpha, fit_intercept): with an intercept, X and y are centred by the
/// training means and the intercept is not penalised. `g` is the augmented Gram matrix with the
/// ones column first (k = p + 2).
LinearFit ridge_from_gram(const Eigen::MatrixXd& g, double alpha, bool fit_intercept);

/// scikit-learn's Pipeline(PCA(n_components), Ridge(alpha)) from the same statistics: ridge on the
/// first `components` principal components (centred by the training means, not whitened),
/// returned as the equivalent linear model on the original features.
/// PCA always centres X; without `fit_intercept` y is not centred (as in scikit-learn).
LinearFit pca_ridge_from_gram(const Eigen::MatrixXd& g, const PrincipalAxes& axes, Eigen::Index components, double alpha,
                              bool fit_intercept);

}  // namespace tessera
