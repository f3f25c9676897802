// Least-squares kernels against dense single-process references.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <cmath>
#include <random>

#include "kernel_call.hpp"
#include "tessera/stats/double_double.hpp"

namespace tessera {
namespace {

Value call(const std::string& kernel, const std::vector<ValuePtr>& inputs, const Params& params) {
  return testing::call_kernel(kernel, inputs, params);
}

ValuePtr value_of(const Eigen::MatrixXd& m) { return std::make_shared<Value>(Value::of(m)); }

struct Data {
  Eigen::MatrixXd x, y, design;  ///< design = [1 X y]
};

Data random_data(Eigen::Index rows, Eigen::Index p, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Data d{Eigen::MatrixXd(rows, p), Eigen::MatrixXd(rows, 1), Eigen::MatrixXd(rows, p + 2)};
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < p; ++j) d.x(i, j) = normal(rng) + static_cast<double>(j);
    d.y(i, 0) = normal(rng);
  }
  d.design << Eigen::MatrixXd::Ones(rows, 1), d.x, d.y;
  return d;
}

/// R factors are unique up to the signs of their rows.
Eigen::MatrixXd sign_normalised(Eigen::MatrixXd r) {
  for (Eigen::Index i = 0; i < r.rows(); ++i)
    if (r(i, i) < 0) r.row(i) *= -1;
  return r;
}

Eigen::MatrixXd dense_r(const Eigen::MatrixXd& a) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  return sign_normalised(qr.matrixQR().topRows(a.cols()).triangularView<Eigen::Upper>());
}

TEST(LeastSquaresKernels, ChunkRAndMergeMatchADenseQr) {
  const Data a = random_data(5000, 6, 1), b = random_data(3001, 6, 2);  // several 2,048-row blocks
  const Params params{{"intercept", std::int64_t{1}}};
  const Value ra = call("qr_rows", {value_of(a.x.transpose()), value_of(a.y.transpose())}, params);
  const Value rb = call("qr_rows", {value_of(b.x.transpose()), value_of(b.y.transpose())}, params);
  const Value merged = call("qr_merge", {std::make_shared<Value>(ra), std::make_shared<Value>(rb)}, {});
  Eigen::MatrixXd both(8001, 8);
  both << a.design, b.design;
  const Eigen::MatrixXd expected = dense_r(both);
  EXPECT_LT((sign_normalised(merged[0]) - expected).norm(), 1e-10 * expected.norm());
}

TEST(LeastSquaresKernels, AugmentedGramMatchesDenseProduct) {
  const Data d = random_data(4100, 5, 3);
  const Value g = call("gram_aug", {value_of(d.x.transpose()), value_of(d.y.transpose())}, {{"intercept", std::int64_t{1}}});
  const Eigen::MatrixXd expected = d.design.transpose() * d.design;
  EXPECT_LT((g[0] - expected).norm(), 1e-12 * expected.norm());
  const Value g0 = call("gram_aug", {value_of(d.x.transpose()), value_of(d.y.transpose())}, {{"intercept", std::int64_t{0}}});
  const Eigen::MatrixXd no_ones = d.design.rightCols(6).transpose() * d.design.rightCols(6);
  EXPECT_LT((g0[0] - no_ones).norm(), 1e-12 * no_ones.norm());
}

__extension__ typedef __int128 Int128;
__extension__ typedef __float128 Quad;

TEST(LeastSquaresKernels, DoubleDoubleGramIsExactToThirtyDigits) {
  // Values a + b·2⁻³⁶ with integers |a| < 2¹⁴, b < 2¹²: exact in double (50 bits), and 2³⁶ times them
  // are integers, so the exact Gram matrix is an integer sum (in 128 bits) divided by 2⁷² — an
  // independent reference.
  std::mt19937_64 rng(9);
  const Eigen::Index rows = 5000, p = 3, k = p + 2;
  Eigen::MatrixXd xt(p, rows), yt(1, rows);
  std::vector<std::int64_t> scaled(static_cast<std::size_t>(rows * k));
  for (Eigen::Index r = 0; r < rows; ++r) {
    scaled[static_cast<std::size_t>(r * k)] = std::int64_t{1} << 36;  // the ones column
    for (Eigen::Index j = 1; j < k; ++j) {
      const std::int64_t a = static_cast<std::int64_t>(rng() % 2001) - 1000 + 3000 * j, b = static_cast<std::int64_t>(rng() % 4096);
      const std::int64_t v = a * (std::int64_t{1} << 36) + b;
      scaled[static_cast<std::size_t>(r * k + j)] = v;
      (j < k - 1 ? xt(j - 1, r) : yt(0, r)) = std::ldexp(static_cast<double>(v), -36);
    }
  }
  const Value dd_gram = call("gram_dd", {value_of(xt), value_of(yt)}, {{"intercept", std::int64_t{1}}});
  const Value plain = call("gram_aug", {value_of(xt), value_of(yt)}, {{"intercept", std::int64_t{1}}});
  double worst_dd = 0, worst_double = 0;
  for (Eigen::Index i = 0; i < k; ++i)
    for (Eigen::Index j = 0; j < k; ++j) {
      Int128 exact = 0;
      for (Eigen::Index r = 0; r < rows; ++r)
        exact += static_cast<Int128>(scaled[static_cast<std::size_t>(r * k + i)]) * scaled[static_cast<std::size_t>(r * k + j)];
      const Quad reference = static_cast<Quad>(exact) / static_cast<Quad>(std::ldexp(1.0, 72));
      const Quad got = static_cast<Quad>(dd_gram[0](i, j)) + static_cast<Quad>(dd_gram[1](i, j));
      worst_dd = std::max(worst_dd, static_cast<double>((got - reference) / reference) * (got > reference ? 1 : -1));
      const Quad plain_error = (static_cast<Quad>(plain[0](i, j)) - reference) / reference;
      worst_double = std::max(worst_double, static_cast<double>(plain_error < 0 ? -plain_error : plain_error));
    }
  EXPECT_LT(worst_dd, 1e-29);
  EXPECT_GT(worst_double, 1e-18) << "the data must be hard for double, or this test proves nothing";
}

TEST(LeastSquaresKernels, DoubleDoubleSumOfHalvesIsTheWhole) {
  const Data d = random_data(3000, 4, 7);
  const Params params{{"intercept", std::int64_t{0}}};
  const auto part = [&](Eigen::Index begin, Eigen::Index rows) {
    return std::make_shared<Value>(
        call("gram_dd", {value_of(d.x.middleRows(begin, rows).transpose()), value_of(d.y.middleRows(begin, rows).transpose())}, params));
  };
  const Value total = call("sum_dd", {part(0, 1000), part(1000, 2000)}, {});
  const Value whole = *part(0, 3000);
  for (Eigen::Index i = 0; i < total[0].size(); ++i) {
    const Quad a = static_cast<Quad>(total[0](i)) + total[1](i), b = static_cast<Quad>(whole[0](i)) + whole[1](i);
    EXPECT_LT(static_cast<double>((a - b) / b) * (a > b ? 1 : -1), 1e-29);
  }
}

TEST(LeastSquaresKernels, PredictRows) {
  const Data d = random_data(50, 3, 5);
  const Value p = call("predict_rows", {value_of(d.x.transpose())}, {{"coef", std::vector<double>{1, 2, 3}}, {"intercept", 0.5}});
  const Eigen::VectorXd expected = (d.x * Eigen::Vector3d(1, 2, 3)).array() + 0.5;
  EXPECT_LT((p[0].transpose() - expected).norm(), 1e-12 * expected.norm());
}

}  // namespace
}  // namespace tessera
