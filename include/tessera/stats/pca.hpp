#pragma once
/// @file
/// Principal components from sufficient statistics: the augmented Gram matrix [1 X y]ᵀ[1 X y]
/// (ones column first) of the rows in question holds their means and centred covariance.
#include <Eigen/Core>
#include <utility>

namespace tessera {

/// The principal axes of the rows `g` summarises: eigenvectors of the centred covariance
/// XcᵀXc, largest eigenvalue first. One decomposition serves every n_components.
struct PrincipalAxes {
  Eigen::VectorXd eigenvalues;   ///< of XcᵀXc, descending
  Eigen::MatrixXd eigenvectors;  ///< columns, in the same order
};
PrincipalAxes principal_axes(const Eigen::MatrixXd& g);

/// XcᵀXc and Xcᵀyc: the statistics centred by the means of the rows `g` summarises.
std::pair<Eigen::MatrixXd, Eigen::VectorXd> centred_gram(const Eigen::MatrixXd& g);

}  // namespace tessera
