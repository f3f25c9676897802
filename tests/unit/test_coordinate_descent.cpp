// Elastic-net coordinate descent from Gram statistics, against answers known in closed form and
// the optimality (KKT) conditions computed densely from the rows.
#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <random>

#include "jobs/elastic_net/coordinate_descent.hpp"

namespace tessera {
namespace {

/// [1 X y]ᵀ[1 X y] of random rows whose y depends on the first two columns.
Eigen::MatrixXd augmented_gram(Eigen::Index n, Eigen::Index p, unsigned seed, Eigen::MatrixXd* rows = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd a(n, p + 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    a(i, 0) = 1;
    for (Eigen::Index j = 1; j <= p; ++j) a(i, j) = normal(rng) * static_cast<double>(j) + 0.5 * static_cast<double>(j);
    a(i, p + 1) = 2 * a(i, 1) - a(i, 2) + 3 + normal(rng);
  }
  if (rows) *rows = a;
  return a.transpose() * a;
}

TEST(CoordinateDescent, WithoutPenaltyItIsLeastSquares) {
  const Eigen::MatrixXd g = augmented_gram(300, 4, 1);
  const ElasticNetProblem problem = elastic_net_problem(g, true);
  const CoordinateDescent cd = coordinate_descent(problem, 0, 0.5, 1e-14, 100000, Eigen::VectorXd::Zero(4));
  ASSERT_TRUE(cd.converged);
  const Eigen::VectorXd ols = problem.xx.ldlt().solve(problem.xy);
  EXPECT_LT((cd.coef - ols).cwiseAbs().maxCoeff(), 1e-9);
}

TEST(CoordinateDescent, OneFeatureIsTheSoftThresholdedSlope) {
  // With one centred feature: w = S(xᵀy/n, αρ) / (xᵀx/n + α(1−ρ)).
  const Eigen::MatrixXd g = augmented_gram(200, 1, 2);
  const ElasticNetProblem s = elastic_net_problem(g, true);
  const double alpha = 0.3, rho = 0.6, n = s.rows;
  const double z = s.xy(0) / n;
  const double expected = std::copysign(std::max(std::abs(z) - alpha * rho, 0.0), z) / (s.xx(0, 0) / n + alpha * (1 - rho));
  const CoordinateDescent cd = coordinate_descent(s, alpha, rho, 1e-12, 1000, Eigen::VectorXd::Zero(1));
  EXPECT_NEAR(cd.coef(0), expected, 1e-14 * std::abs(expected));
  EXPECT_EQ(cd.n_iter, 2);  // the second sweep sees no change and tests the gap
}

TEST(CoordinateDescent, SatisfiesTheKktConditionsOnTheRows) {
  Eigen::MatrixXd a;
  const Eigen::MatrixXd g = augmented_gram(500, 6, 3, &a);
  const ElasticNetProblem problem = elastic_net_problem(g, true);
  for (double rho : {0.0, 0.3, 1.0}) {
    const double alpha = 0.2;
    const CoordinateDescent cd = coordinate_descent(problem, alpha, rho, 1e-13, 100000, Eigen::VectorXd::Zero(6));
    ASSERT_TRUE(cd.converged);
    const LinearFit fit = elastic_net_fit(problem, cd.coef);
    const Eigen::MatrixXd x = a.middleCols(1, 6);
    const Eigen::VectorXd residual = a.col(7) - x * fit.coef - Eigen::VectorXd::Constant(500, fit.intercept);
    EXPECT_NEAR(residual.mean(), 0, 1e-10);
    const Eigen::VectorXd smooth = -x.transpose() * residual / 500.0 + alpha * (1 - rho) * fit.coef;
    for (Eigen::Index j = 0; j < 6; ++j) {
      if (fit.coef(j) != 0)
        EXPECT_NEAR(smooth(j), -alpha * rho * std::copysign(1.0, fit.coef(j)), 1e-8) << "rho " << rho << " j " << j;
      else
        EXPECT_LE(std::abs(smooth(j)), alpha * rho + 1e-8) << "rho " << rho << " j " << j;
    }
  }
}

TEST(CoordinateDescent, AlphaMaxIsTheFirstAllZeroFit) {
  const ElasticNetProblem problem = elastic_net_problem(augmented_gram(400, 5, 4), true);
  const std::vector<double> alphas = alpha_grid(problem, 0.5, 10, 1e-2);
  ASSERT_EQ(alphas.size(), 10u);
  EXPECT_NEAR(alphas.back(), alphas.front() * 1e-2, 1e-12 * alphas.front());
  for (std::size_t i = 1; i < alphas.size(); ++i) EXPECT_NEAR(alphas[i - 1] / alphas[i], std::pow(100.0, 1.0 / 9), 1e-12);
  const auto zeros = Eigen::VectorXd::Zero(5);
  EXPECT_EQ(coordinate_descent(problem, alphas.front(), 0.5, 1e-10, 1000, zeros).coef.cwiseAbs().maxCoeff(), 0);
  EXPECT_GT(coordinate_descent(problem, alphas.front() * 0.99, 0.5, 1e-10, 1000, zeros).coef.cwiseAbs().maxCoeff(), 0);
}

TEST(CoordinateDescent, AWarmStartReachesTheSameOptimum) {
  const ElasticNetProblem problem = elastic_net_problem(augmented_gram(400, 5, 5), false);
  const CoordinateDescent cold = coordinate_descent(problem, 0.05, 0.8, 1e-14, 100000, Eigen::VectorXd::Zero(5));
  const CoordinateDescent warm =
      coordinate_descent(problem, 0.05, 0.8, 1e-14, 100000, coordinate_descent(problem, 0.5, 0.8, 1e-14, 100000, Eigen::VectorXd::Zero(5)).coef);
  EXPECT_LT((cold.coef - warm.coef).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_TRUE(cold.converged && warm.converged);
}

}  // namespace
}  // namespace tessera
