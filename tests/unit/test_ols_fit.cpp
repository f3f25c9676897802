// OLS from an R factor, against answers known in closed form.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <cmath>

#include "jobs/ols/ols_fit.hpp"

namespace tessera {
namespace {

/// R of [1 X y] computed directly (the runtime builds the same thing chunk by chunk).
MatrixXld r_of(const MatrixXld& design_and_y) {
  Eigen::HouseholderQR<MatrixXld> qr(design_and_y);
  return qr.matrixQR().topRows(design_and_y.cols()).triangularView<Eigen::Upper>();
}

TEST(OlsFit, SimpleRegressionMatchesTheTextbookFormulas) {
  // x = 1..5, y = (1, 3, 2, 5, 4): slope = Sxy/Sxx = 8/10, intercept = 3 - 0.8*3 = 0.6.
  MatrixXld a(5, 3);
  a << 1, 1, 1, 1, 2, 3, 1, 3, 2, 1, 4, 5, 1, 5, 4;
  const OlsSolution s = solve_from_r(r_of(a), 5, true);
  ASSERT_TRUE(s.dropped.empty());
  EXPECT_NEAR(static_cast<double>(s.beta(0)), 0.6, 1e-15);
  EXPECT_NEAR(static_cast<double>(s.beta(1)), 0.8, 1e-15);
  // Residuals: 1-1.4, 3-2.2, 2-3.0, 5-3.8, 4-4.6 -> RSS = 0.16+0.64+1+1.44+0.36 = 3.6; TSS = 10.
  EXPECT_NEAR(static_cast<double>(s.rss), 3.6, 1e-14);
  EXPECT_NEAR(static_cast<double>(s.tss), 10.0, 1e-14);
  const OlsReport r = make_report(s, {"x"}, "tsqr");
  EXPECT_NEAR(r.r2, 0.64, 1e-14);
  EXPECT_NEAR(r.rse, std::sqrt(3.6 / 3), 1e-14);
  EXPECT_NEAR(r.stderr_[0], std::sqrt(1.2 / 10), 1e-14);              // sqrt(sigma^2 / Sxx)
  EXPECT_NEAR(r.intercept_stderr, std::sqrt(1.2 * (0.2 + 9.0 / 10)), 1e-14);  // sigma^2 (1/n + xbar^2/Sxx)
  EXPECT_NEAR(r.fstat, 6.4 / 1.2, 1e-12);
  EXPECT_EQ(r.df_resid, 3);
  // t = 0.8 / sqrt(0.12) = 2.3094 on 3 df: two-sided p = 0.10408 (t tables)
  EXPECT_NEAR(r.pvalues[0], 0.104088, 2e-6);
}

TEST(OlsFit, DependentColumnsAreDroppedAndNamed) {
  MatrixXld a(6, 5);  // 1, x, 2x (dependent), z, y
  a << 1, 1, 2, 0, 1,  //
      1, 2, 4, 1, 3,   //
      1, 3, 6, 0, 2,   //
      1, 4, 8, 1, 5,   //
      1, 5, 10, 0, 4,  //
      1, 6, 12, 1, 7;
  const OlsSolution s = solve_from_r(r_of(a), 6, true);
  EXPECT_EQ(s.dropped, std::vector<int>({2}));
  EXPECT_EQ(s.kept, std::vector<int>({0, 1, 3}));
  const OlsReport r = make_report(s, {"x", "two_x", "z"}, "tsqr");
  EXPECT_EQ(r.rank_deficient, std::vector<std::string>({"two_x"}));
  EXPECT_TRUE(std::isnan(r.coef[1]));
  EXPECT_EQ(r.df_resid, 3);
  // The kept model is an ordinary fit of y on (1, x, z); check it against the normal equations.
  Eigen::MatrixXd d(6, 3);
  Eigen::VectorXd y(6);
  for (int i = 0; i < 6; ++i) {
    d.row(i) << static_cast<double>(a(i, 0)), static_cast<double>(a(i, 1)), static_cast<double>(a(i, 3));
    y(i) = static_cast<double>(a(i, 4));
  }
  const Eigen::VectorXd beta = (d.transpose() * d).ldlt().solve(d.transpose() * y);
  EXPECT_NEAR(r.intercept_coef, beta(0), 1e-12);
  EXPECT_NEAR(r.coef[0], beta(1), 1e-12);
  EXPECT_NEAR(r.coef[2], beta(2), 1e-12);
}

}  // namespace
}  // namespace tessera
