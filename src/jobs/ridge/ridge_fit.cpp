#include "jobs/ridge/ridge_fit.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <utility>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

namespace {
/// A pivot below this share of its column's diagonal entry is rounding, not information.
constexpr double dependent_pivot = 1e-13;
}  // namespace

LinearFit ridge_from_gram(const Eigen::MatrixXd& g, double alpha, bool fit_intercept) {
  const Eigen::Index k = g.rows(), p = k - 2;
  const double n = g(0, 0);
  Eigen::MatrixXd a = g.block(1, 1, p, p);
  Eigen::VectorXd b = g.block(1, k - 1, p, 1);
  if (fit_intercept) {
    const Eigen::VectorXd sx = g.block(1, 0, p, 1);
    a.noalias() -= sx * sx.transpose() / n;
    b -= sx * (g(0, k - 1) / n);
  }
  a.diagonal().array() += alpha;
  LinearFit fit;
  if (!a.allFinite())
    throw InputError("ridge: XᵀX is not finite (are the features' values too large to square in double precision?)");
  Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  // A pivot that is only rounding next to its column's own sum of squares means that column
  // depends on the others (like |R_jj| against the column norm in QR): the solve would return
  // one of many answers, or Inf, depending on rounding. Refuse it the same way every time.
  bool singular = ldlt.info() != Eigen::Success;
  const auto& d = ldlt.vectorD();
  const Eigen::VectorXd permuted_diagonal = ldlt.transpositionsP() * Eigen::VectorXd(a.diagonal());
  for (Eigen::Index i = 0; i < d.size() && !singular; ++i)
    singular = !(d(i) > dependent_pivot * permuted_diagonal(i));
  if (!singular) fit.coef = ldlt.solve(b);
  if (singular || !fit.coef.allFinite())
    // The user's data and alpha, not a fault of tessera: exit code 2, with what to change.
    throw InputError(fmt::format("ridge: with alpha = {} the system is singular: the features are linearly dependent "
                                 "(or constant) in the training rows; use a larger alpha or drop the dependent columns",
                                 alpha));
  if (fit_intercept) fit.intercept = (g(0, k - 1) - g.col(0).segment(1, p).dot(fit.coef)) / n;
  return fit;
}

LinearFit pca_ridge_from_gram(const Eigen::MatrixXd& g, const PrincipalAxes& axes, Eigen::Index components, double alpha,
                              bool fit_intercept) {
  const Eigen::Index k = g.rows(), p = k - 2;
  const auto [c, b] = centred_gram(g);
  const Eigen::MatrixXd v = axes.eigenvectors.leftCols(components);
  // In the components' coordinates the system is diagonal only when the axes are the training
  // data's own; they are (each fold decomposes its own training rows), but solving the small
  // system in general keeps this correct for any axes.
  Eigen::MatrixXd a = v.transpose() * c * v;
  a.diagonal().array() += alpha;
  const Eigen::VectorXd beta_z = a.ldlt().solve(v.transpose() * b);
  LinearFit fit;
  fit.coef = v * beta_z;
  // Components are centred features, so Zᵀy = Zᵀ(y − ȳ) and β is the same either way; only the
  // intercept differs: ȳ − x̄ᵀβ with one, −x̄ᵀβ (predictions (x − x̄)ᵀβ) without.
  fit.intercept = ((fit_intercept ? g(0, k - 1) : 0.0) - g.col(0).segment(1, p).dot(fit.coef)) / g(0, 0);
  return fit;
}

}  // namespace tessera
