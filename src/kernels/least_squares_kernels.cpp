// Kernels for least squares; contracts in kernels/least_squares.hpp. Every kernel sees a chunk's
// X transposed (p x rows) and y as 1 x rows.
#include <algorithm>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/kernels/blas.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/gram.hpp"
#include "tessera/kernels/least_squares.hpp"

namespace tessera {
namespace {

/// Rows of [1 X y] handed to LAPACK's triangle-on-block QR at a time: the block stays in cache.
constexpr Eigen::Index qr_block_rows = 2048;

/// Rows [begin, begin + m) of [1 X y] as an m x k block.
void fill_block(Eigen::MatrixXd& w, const Eigen::MatrixXd& xt, const Eigen::MatrixXd& yt, bool intercept, Eigen::Index begin,
                Eigen::Index m) {
  const Eigen::Index p = xt.rows(), off = intercept ? 1 : 0, k = p + off + 1;
  if (intercept) w.block(0, 0, m, 1).setOnes();
  w.block(0, off, m, p) = xt.middleCols(begin, m).transpose();
  w.block(0, k - 1, m, 1) = yt.middleCols(begin, m).transpose();
}

RFactor qr_rows(const InterceptParams& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  if (yt.cols() != xt.cols()) throw Error("qr_rows: X and y blocks have different row counts");
  const bool intercept = params.intercept;
  const Eigen::Index p = xt.rows(), rows = xt.cols(), k = p + (intercept ? 1 : 0) + 1;
  Eigen::MatrixXd r = Eigen::MatrixXd::Zero(k, k), block;
  // LAPACK's triangle-on-block QR: about 1.5x faster here than a dense QR of [R; block].
  for (Eigen::Index begin = 0; begin < rows; begin += qr_block_rows) {
    const Eigen::Index m = std::min(qr_block_rows, rows - begin);
    block.resize(m, k);
    fill_block(block, xt, yt, intercept, begin, m);
    blas::stacked_qr(r, block);
  }
  return {std::move(r)};
}

RFactor qr_merge(const NoFields&, const KernelInputs& in) {
  Eigen::MatrixXd a = in.matrix(0), b = in.matrix(1);
  if (a.rows() != b.rows() || a.cols() != b.cols()) throw Error("qr_merge: R factors of different sizes");
  blas::stacked_qr(a, b, static_cast<int>(b.rows()));  // both triangular
  return {std::move(a)};
}

GramAug::Result gram_aug(const InterceptParams& params, const KernelInputs& in) {
  return {augmented_gram(in.matrix(0), in.matrix(1), params.intercept)};
}

PredictRows::Result predict_rows(const PredictRows::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::Map<const Eigen::VectorXd> beta(params.coef.data(), static_cast<Eigen::Index>(params.coef.size()));
  if (beta.size() != xt.rows())
    throw Error(fmt::format("predict_rows: {} coefficients for {} columns", beta.size(), xt.rows()));
  return {Eigen::MatrixXd((beta.transpose() * xt).array() + params.intercept)};
}

WeightRows::Result weight_rows(const WeightRows::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& data = in.matrix(0);
  const Eigen::MatrixXd& w = in.matrix(1);
  if (w.cols() != data.cols()) throw Error("weight_rows: data and weights blocks have different row counts");
  for (Eigen::Index i = 0; i < w.cols(); ++i)
    if (w(0, i) < 0)
      throw InputError(fmt::format("{} row {} is {}: weights must be non-negative", params.weights, params.row_begin + i, w(0, i)));
  const Eigen::RowVectorXd root = w.row(0).cwiseSqrt();
  const Eigen::Index off = params.root_column ? 1 : 0;
  Eigen::MatrixXd out(data.rows() + off, data.cols());
  if (params.root_column) out.row(0) = root;
  out.bottomRows(data.rows()) = data * root.asDiagonal();
  return {std::move(out)};
}

LogWeightSum::Result log_weight_sum(const NoFields&, const KernelInputs& in) {
  return {in.matrix(0).array().log().sum()};
}

RobustCovariance::Result robust_covariance(const RobustCovariance::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  const Eigen::Index off = params.intercept ? 1 : 0, k = xt.rows() + off, rows = xt.cols();
  if (yt.cols() != rows || static_cast<Eigen::Index>(params.beta.size()) != k || params.root.size() % static_cast<std::size_t>(k) != 0)
    throw Error(fmt::format("robust_covariance: {} coefficients for {} columns", params.beta.size(), k));
  const Eigen::Map<const Eigen::VectorXd> beta(params.beta.data(), k);
  const Eigen::Index m = static_cast<Eigen::Index>(params.root.size()) / k;
  const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> root(params.root.data(), m, k);
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(k, k), block(k, 0), mx, u;
  Eigen::ArrayXd omega;
  // Row blocks of [1 X] (k x b, columns are rows) small enough to stay in cache.
  for (Eigen::Index begin = 0; begin < rows; begin += qr_block_rows) {
    const Eigen::Index b = std::min(qr_block_rows, rows - begin);
    block.resize(k, b);
    if (params.intercept) block.row(0).setOnes();
    block.bottomRows(xt.rows()) = xt.middleCols(begin, b);
    omega = (yt.middleCols(begin, b) - beta.transpose() * block).transpose().array().square();
    mx.noalias() = root * block;  // m x b
    if (params.leverage_power > 0) {
      const Eigen::ArrayXd rest = 1 - mx.colwise().squaredNorm().transpose().array();  // 1 − h
      omega /= params.leverage_power == 1 ? rest : Eigen::ArrayXd(rest.square());
    }
    u.noalias() = root.transpose() * mx;  // (A x_i) as columns, k x b
    covariance.noalias() += u * omega.matrix().asDiagonal() * u.transpose();
  }
  return {std::move(covariance)};
}

}  // namespace

void register_least_squares_kernels(KernelRegistry& registry) {
  add_kernel<QrRows>(registry, qr_rows);
  add_kernel<QrMerge>(registry, qr_merge);
  add_kernel<GramAug>(registry, gram_aug);
  add_kernel<PredictRows>(registry, predict_rows);
  add_kernel<WeightRows>(registry, weight_rows);
  add_kernel<LogWeightSum>(registry, log_weight_sum);
  add_kernel<RobustCovariance>(registry, robust_covariance);
}

}  // namespace tessera
