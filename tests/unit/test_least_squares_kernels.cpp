// Least-squares kernels against dense single-process references.
#include <gtest/gtest.h>

#include <Eigen/QR>
#include <random>

#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/extended.hpp"

namespace tessera {
namespace {

const KernelRegistry& registry() {
  static const KernelRegistry r = [] {
    KernelRegistry k;
    register_builtin_kernels(k);
    return k;
  }();
  return r;
}

Value call(const std::string& kernel, const std::vector<ValuePtr>& inputs, const Params& params) {
  return registry().find(kernel)(KernelContext{params, inputs, 0});
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
  for (const std::int64_t extended : {0, 1}) {
    const Params params{{"intercept", std::int64_t{1}}, {"extended", extended}};
    const Value ra = call("qr_rows", {value_of(a.x.transpose()), value_of(a.y.transpose())}, params);
    const Value rb = call("qr_rows", {value_of(b.x.transpose()), value_of(b.y.transpose())}, params);
    const Value merged = call("qr_merge", {std::make_shared<Value>(ra), std::make_shared<Value>(rb)}, params);
    const Eigen::MatrixXd r = extended ? Eigen::MatrixXd(extended_block(merged, 0).cast<double>()) : merged[0];
    Eigen::MatrixXd both(8001, 8);
    both << a.design, b.design;
    const Eigen::MatrixXd expected = dense_r(both);
    EXPECT_LT((sign_normalised(r) - expected).norm(), 1e-10 * expected.norm()) << "extended=" << extended;
  }
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

TEST(LeastSquaresKernels, ResidualPassAndExtendedSum) {
  const Data d = random_data(300, 3, 4);
  const std::vector<double> beta = {0.5, -1.0, 2.0, 0.25};  // intercept first
  std::vector<double> lo(4, 0.0);
  const Params params{{"intercept", std::int64_t{1}}, {"coef", beta}, {"coef_lo", lo}};
  const auto half = [&](Eigen::Index begin, Eigen::Index rows) {
    return std::make_shared<Value>(call("ols_residual",
                                        {value_of(d.x.middleRows(begin, rows).transpose()),
                                         value_of(d.y.middleRows(begin, rows).transpose())},
                                        params));
  };
  const Value total = call("sum_extended", {half(0, 100), half(100, 200)}, {});
  const Eigen::VectorXd b = Eigen::Map<const Eigen::VectorXd>(beta.data(), 4);
  const Eigen::VectorXd r = d.y - d.design.leftCols(4) * b;
  const Eigen::VectorXd g = d.design.leftCols(4).transpose() * r;
  EXPECT_LT((extended_block(total, 0).cast<double>() - g).norm(), 1e-12 * g.norm());
  EXPECT_NEAR(static_cast<double>(extended_block(total, 2)(0, 0)), r.squaredNorm(), 1e-10 * r.squaredNorm());
}

TEST(LeastSquaresKernels, ExtendedValuesRoundTripLongDouble) {
  MatrixXld m(1, 2);
  m << 1.0L / 3.0L, 1e-30L + 2.0L;
  Value v;
  append_extended(v, m);
  EXPECT_EQ(extended_block(v, 0), m) << "hi + lo must hold every bit of the long double";
}

TEST(LeastSquaresKernels, PredictRows) {
  const Data d = random_data(50, 3, 5);
  const Value p = call("predict_rows", {value_of(d.x.transpose())}, {{"coef", std::vector<double>{1, 2, 3}}, {"intercept", 0.5}});
  const Eigen::VectorXd expected = (d.x * Eigen::Vector3d(1, 2, 3)).array() + 0.5;
  EXPECT_LT((p[0].transpose() - expected).norm(), 1e-12 * expected.norm());
}

}  // namespace
}  // namespace tessera
