#pragma once
/// @file
/// scikit-learn's StandardScaler from sufficient statistics: the training rows' augmented Gram
/// matrix [1 X y]ᵀ[1 X y] holds their means and (population) standard deviations, so a model can
/// be fitted on standardized features without another pass, and reported on the original scale
/// as Pipeline(StandardScaler(), model) would predict.
#include <string>
#include <vector>

#include <Eigen/Core>

#include "tessera/stats/linear_fit.hpp"

namespace tessera {

struct Standardization {
  Eigen::VectorXd mean, scale;  ///< per feature: the training mean and standard deviation (ddof = 0)
};

/// The augmented Gram matrix of standardized features, and the scaling that maps its fits back.
struct StandardizedGram {
  Eigen::MatrixXd gram;
  Standardization scaling;
};

/// The standardization of the rows `g` summarises. InputError naming the column (`names`) when
/// one is constant there — its standard deviation is rounding, and dividing by it would blow its
/// rounding up into a feature; `rows_are` says which rows ("the training rows of fold 2").
Standardization standardization(const Eigen::MatrixXd& g, const std::vector<std::string>& names, const std::string& rows_are);

/// The augmented Gram matrix of [1 Z y] for Z = (X − mean) / scale: same n, Σy and yᵀy.
Eigen::MatrixXd standardized_gram(const Eigen::MatrixXd& g, const Standardization& s);

/// A fit on standardized features as a model of the original ones: β = β_z / scale,
/// intercept = intercept_z − meanᵀβ.
LinearFit on_original_scale(const LinearFit& fit, const Standardization& s);

}  // namespace tessera
