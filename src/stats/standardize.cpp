#include "tessera/stats/standardize.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/stats/pca.hpp"

namespace tessera {

Standardization standardization(const Eigen::MatrixXd& g, const std::vector<std::string>& names, const std::string& rows_are) {
  const Eigen::Index p = g.rows() - 2;
  const double n = g(0, 0);
  Standardization s;
  s.mean = g.col(0).segment(1, p) / n;
  s.scale.resize(p);
  const Eigen::MatrixXd centred = centred_gram(g).first;
  for (Eigen::Index j = 0; j < p; ++j) {
    // Σx² − (Σx)²/n of a constant column is rounding of Σx²: below this it counts as zero.
    const double rounding = 16 * n * std::numeric_limits<double>::epsilon() * g(j + 1, j + 1);
    if (!(centred(j, j) > rounding))
      throw InputError(fmt::format("standardize: column {} is constant in {} (its standard deviation is 0): drop the "
                                   "column or remove standardize",
                                   names.at(static_cast<std::size_t>(j)), rows_are));
    s.scale(j) = std::sqrt(centred(j, j) / n);
  }
  return s;
}

Eigen::MatrixXd standardized_gram(const Eigen::MatrixXd& g, const Standardization& s) {
  const Eigen::Index k = g.rows(), p = k - 2;
  const auto [centred, xy] = centred_gram(g);
  const Eigen::VectorXd inverse = s.scale.cwiseInverse();
  Eigen::MatrixXd z = g;
  z.block(0, 1, 1, p).setZero();  // Σz = 0
  z.block(1, 0, p, 1).setZero();
  z.block(1, 1, p, p) = inverse.asDiagonal() * centred * inverse.asDiagonal();
  // Zᵀy = Zᵀ(y − ȳ) since Σz = 0: the centred cross products, scaled.
  z.block(1, k - 1, p, 1) = inverse.cwiseProduct(xy);
  z.block(k - 1, 1, 1, p) = z.block(1, k - 1, p, 1).transpose();
  return z;
}

LinearFit on_original_scale(const LinearFit& fit, const Standardization& s) {
  LinearFit out;
  out.coef = fit.coef.cwiseQuotient(s.scale);
  out.intercept = fit.intercept - s.mean.dot(out.coef);
  return out;
}

}  // namespace tessera
