// The logistic solver on rank 0, fed statistics computed densely in the test: its answer must
// satisfy the optimality conditions of scikit-learn's objective, which the test checks directly.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "jobs/logistic/newton_solver.hpp"

namespace tessera {
namespace {

struct Problem {
  Eigen::MatrixXd x;  ///< n x (p + 1), ones first
  Eigen::VectorXd y;
};

Problem make_problem(int n, int p, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  Problem pr{Eigen::MatrixXd(n, p + 1), Eigen::VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    pr.x(i, 0) = 1;
    double z = 0.3;
    for (int j = 1; j <= p; ++j) {
      pr.x(i, j) = normal(rng) * j + j;  // scaled and shifted columns
      z += pr.x(i, j) * (j % 2 ? 0.4 : -0.3) / j;
    }
    pr.y(i) = std::uniform_real_distribution<double>()(rng) < 1 / (1 + std::exp(-z)) ? 1 : 0;
  }
  return pr;
}

Eigen::MatrixXd gram_of(const Problem& pr) {
  Eigen::MatrixXd a(pr.x.rows(), pr.x.cols() + 1);
  a << pr.x, pr.y;
  return a.transpose() * a;
}

/// Loss, gradient and Hessian of Σ log-loss at θ, straight from the definitions.
LogisticStats dense_stats(const Problem& pr, const Eigen::VectorXd& theta) {
  const Eigen::ArrayXd z = pr.x * theta;
  const Eigen::ArrayXd prob = 1 / (1 + (-z).exp());
  LogisticStats s;
  s.loss = ((1 + z.exp()).log() - pr.y.array() * z).sum();
  s.grad = pr.x.transpose() * (prob - pr.y.array()).matrix();
  s.hess = pr.x.transpose() * (prob * (1 - prob)).matrix().asDiagonal() * pr.x;
  return s;
}

Eigen::VectorXd solve(const Problem& pr, NewtonSolver& solver) {
  while (!solver.done()) solver.update(dense_stats(pr, solver.theta()));
  return solver.solution();
}

TEST(Logistic, SolutionSatisfiesTheOptimalityConditionsOfThePenalisedObjective) {
  const Problem pr = make_problem(400, 4, 1);
  const Eigen::MatrixXd g = gram_of(pr);
  for (double C : {0.01, 1.0, 100.0}) {
    const Eigen::MatrixXd t = logistic_coordinates(g, std::nullopt, std::nullopt, true);
    NewtonSolver solver(t, logistic_penalty("l2", C, 0), true, 1e-12, 100, lda_start(g, t, true));
    const Eigen::VectorXd theta = solve(pr, solver);
    ASSERT_TRUE(solver.converged());
    // ∇ = Xᵀ(σ − y) + w / C with the intercept unpenalised: zero at the optimum.
    Eigen::VectorXd grad = dense_stats(pr, theta).grad;
    grad.tail(4) += theta.tail(4) / C;
    EXPECT_LT(grad.cwiseAbs().maxCoeff(), 1e-9 * static_cast<double>(pr.x.rows())) << "C = " << C;
    EXPECT_LT(solver.iterations(), 10);
  }
}

TEST(Logistic, WithoutAnInterceptTheInterceptStaysZero) {
  const Problem pr = make_problem(300, 3, 2);
  const Eigen::MatrixXd g = gram_of(pr);
  const Eigen::MatrixXd t = logistic_coordinates(g, std::nullopt, std::nullopt, false);
  NewtonSolver solver(t, logistic_penalty("l2", 1.0, 0), false, 1e-12, 100, lda_start(g, t, false));
  const Eigen::VectorXd theta = solve(pr, solver);
  EXPECT_EQ(theta(0), 0);
  const Eigen::VectorXd grad = dense_stats(pr, theta).grad.tail(3) + theta.tail(3);
  EXPECT_LT(grad.cwiseAbs().maxCoeff(), 1e-9 * static_cast<double>(pr.x.rows()));
}

TEST(Logistic, PcaPipelineIsLogisticRegressionOnTheCentredComponents) {
  const Problem pr = make_problem(500, 4, 3);
  const Eigen::MatrixXd g = gram_of(pr);
  const PrincipalAxes axes = principal_axes(g);
  const Eigen::MatrixXd t = logistic_coordinates(g, axes, 2, true);
  NewtonSolver solver(t, logistic_penalty("l2", 0.5, 0), true, 1e-12, 100, lda_start(g, t, true));
  const Eigen::VectorXd theta = solve(pr, solver);
  // The same fit done by hand: components Z = (X − x̄)V₂, then logistic regression on [1 Z].
  const Eigen::RowVectorXd mean = pr.x.rightCols(4).colwise().mean();
  const Eigen::MatrixXd v = axes.eigenvectors.leftCols(2);
  Problem reduced{Eigen::MatrixXd(500, 3), pr.y};
  reduced.x << Eigen::VectorXd::Ones(500), (pr.x.rightCols(4).rowwise() - mean) * v;
  NewtonSolver by_hand(Eigen::MatrixXd::Identity(3, 3), logistic_penalty("l2", 0.5, 0), true, 1e-12, 100);
  const Eigen::VectorXd phi = solve(reduced, by_hand);
  const Eigen::VectorXd w = v * phi.tail(2);
  EXPECT_LT((theta.tail(4) - w).cwiseAbs().maxCoeff(), 1e-10);
  EXPECT_NEAR(theta(0), phi(0) - mean.dot(w), 1e-10);
}

TEST(Logistic, StopsAtMaxIterWithoutConverging) {
  const Problem pr = make_problem(200, 2, 4);
  const Eigen::MatrixXd g = gram_of(pr);
  NewtonSolver solver(Eigen::MatrixXd::Identity(3, 3), logistic_penalty("l2", 1.0, 0), true, 1e-14, 1);
  solve(pr, solver);
  EXPECT_TRUE(solver.done());
  EXPECT_FALSE(solver.converged());
  EXPECT_EQ(solver.iterations(), 1);
}

}  // namespace
}  // namespace tessera
