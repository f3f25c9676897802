// Kernels against independent dense references (long double loops, not Eigen's own products).
#include <gtest/gtest.h>

#include <random>

#include "tessera/error.hpp"
#include "kernel_call.hpp"

namespace tessera {
namespace {

Eigen::MatrixXd random_matrix(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(rng);
  return m;
}

using testing::call_kernel;
Value call(const std::string& kernel, const std::vector<ValuePtr>& inputs, const Params& params = {}) {
  return call_kernel(kernel, inputs, params);
}

TEST(Kernels, GramMatchesDenseLongDoubleReference) {
  const Eigen::MatrixXd x = random_matrix(500, 7, 1), y = random_matrix(500, 1, 2);
  // Inputs arrive transposed (cols x rows), as read_rows produces them.
  const Value v = call("gram", {std::make_shared<Value>(std::vector<Eigen::MatrixXd>{x.transpose()}),
                                std::make_shared<Value>(std::vector<Eigen::MatrixXd>{y.transpose()})});
  ASSERT_EQ(v.blocks.size(), 3u);
  for (int a = 0; a < 7; ++a) {
    long double xty = 0;
    for (int i = 0; i < 500; ++i) xty += static_cast<long double>(x(i, a)) * y(i, 0);
    EXPECT_NEAR(v[1](a, 0), static_cast<double>(xty), 1e-12 * 500);
    for (int b = 0; b < 7; ++b) {
      long double s = 0;
      for (int i = 0; i < 500; ++i) s += static_cast<long double>(x(i, a)) * x(i, b);
      EXPECT_NEAR(v[0](a, b), static_cast<double>(s), 1e-12 * 500) << a << "," << b;
    }
  }
  EXPECT_EQ(v[2](0, 0), 500.0);
}

TEST(Kernels, MatmulRowsMatchesDenseReference) {
  const Eigen::MatrixXd a = random_matrix(40, 6, 3), b = random_matrix(6, 5, 4);
  const Value v = call("matmul_rows", {std::make_shared<Value>(std::vector<Eigen::MatrixXd>{a.transpose()}),
                                       std::make_shared<Value>(std::vector<Eigen::MatrixXd>{b.transpose()})});
  const Eigen::MatrixXd ct = v[0];
  ASSERT_EQ(ct.rows(), 5);
  ASSERT_EQ(ct.cols(), 40);
  for (int i = 0; i < 40; ++i)
    for (int j = 0; j < 5; ++j) {
      long double s = 0;
      for (int k = 0; k < 6; ++k) s += static_cast<long double>(a(i, k)) * b(k, j);
      EXPECT_NEAR(ct(j, i), static_cast<double>(s), 1e-13);
    }
}

TEST(Kernels, SumAddsBlockwiseAndChecksShapes) {
  auto one = std::make_shared<Value>(std::vector<Eigen::MatrixXd>{Eigen::MatrixXd::Constant(2, 2, 1.5), Eigen::MatrixXd::Constant(1, 1, 2)});
  auto two = std::make_shared<Value>(std::vector<Eigen::MatrixXd>{Eigen::MatrixXd::Constant(2, 2, 0.25), Eigen::MatrixXd::Constant(1, 1, 3)});
  const Value v = call("sum", {one, two});
  EXPECT_EQ(v[0](1, 1), 1.75);
  EXPECT_EQ(v[1](0, 0), 5.0);
  auto odd = std::make_shared<Value>(std::vector<Eigen::MatrixXd>{Eigen::MatrixXd::Constant(3, 2, 1), Eigen::MatrixXd::Constant(1, 1, 2)});
  EXPECT_THROW(call("sum", {one, odd}), Error);
}

TEST(Kernels, UnknownKernelIsNamed) {
  KernelRegistry r;
  try {
    r.find("gramm");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("gramm"), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera
