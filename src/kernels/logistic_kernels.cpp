// Kernels for logistic regression: one pass over a chunk serves every model being fitted. The
// contracts (names, parameters, result layouts) are in kernels/logistic.hpp.
#include <cmath>
#include <limits>

#include "tessera/error.hpp"
#include "tessera/kernels/blas.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/kernels/logistic.hpp"
#include "tessera/kernels/metrics.hpp"

namespace tessera {
namespace {

/// Rows per block: the M x block arrays stay in cache between the GEMMs and the element-wise work.
constexpr Eigen::Index block_rows = 2048;

/// A row's log-loss −log p(truth) with p clipped to [ε, 1 − ε], as scikit-learn's log_loss
/// scores a probability (the bounds are −log(1 − ε) ≈ ε and −log ε).
double clipped_log_loss(double loss) {
  constexpr double eps = std::numeric_limits<double>::epsilon();
  return std::clamp(loss, eps, -std::log(eps));
}

/// For one block of decision values z (models x rows) and labels y: σ(z), the log-loss
/// log(1 + eᶻ) − yz and the residual σ(z) − y, all from e^{-|z|} (which never overflows) in one
/// loop the compiler vectorises — this file is compiled with -fno-trapping-math, without which GCC
/// keeps the selects scalar. log(1 + e) for e in (0, 1] is 2·atanh(s), s = e / (2 + e) <= 1/3, a
/// polynomial in s² correct to rounding (the first term left out is s³⁶/37 ≤ 9⁻¹⁸/37 < 2⁻⁶² of the
/// sum); std::log would be a scalar call.
void logistic_terms(const Eigen::ArrayXXd& z, const Eigen::Ref<const Eigen::ArrayXd>& y, Eigen::ArrayXXd& prob,
                    Eigen::ArrayXXd& loss, Eigen::ArrayXXd& residual) {
  const Eigen::ArrayXXd e = (-z.abs()).exp();
  const Eigen::Index m = z.rows();
  for (Eigen::Index i = 0; i < z.cols(); ++i) {
    const double yi = y(i);
    const double *zc = &z(0, i), *ec = &e(0, i);
    double *pc = &prob(0, i), *lc = &loss(0, i), *rc = &residual(0, i);
    for (Eigen::Index j = 0; j < m; ++j) {
      const double ej = ec[j], zj = zc[j], inv = 1 / (1 + ej);
      const double p = zj >= 0 ? inv : ej * inv;
      const double s = ej / (2 + ej), s2 = s * s;
      double series = 1.0 / 35;
#pragma GCC unroll 17
      for (int k = 16; k >= 0; --k) series = series * s2 + 1.0 / (2 * k + 1);
      lc[j] = (zj > 0 ? zj : 0) + 2 * s * series - zj * yi;
      pc[j] = p;
      rc[j] = p - yi;
    }
  }
}

struct Models {
  Eigen::Map<const Eigen::MatrixXd> coef;
  std::vector<int> fold;
  /// models_of_fold[f]: the models tested on fold f.
  std::vector<std::vector<Eigen::Index>> models_of_fold;
};

Models models_from(const LogisticModels& params, Eigen::Index p) {
  const auto& coef = params.coef;
  const auto& folds = params.model_fold;
  const auto m = static_cast<Eigen::Index>(folds.size());
  if (static_cast<Eigen::Index>(coef.size()) != (p + 1) * m) throw Error("logistic: coef does not match the number of features");
  Models models{Eigen::Map<const Eigen::MatrixXd>(coef.data(), p + 1, m), {}, {}};
  models.models_of_fold.resize(static_cast<std::size_t>(std::max<std::int64_t>(params.folds.folds, 1)));
  for (Eigen::Index j = 0; j < m; ++j) {
    models.fold.push_back(static_cast<int>(folds[static_cast<std::size_t>(j)]));
    if (models.fold.back() >= 0) models.models_of_fold.at(static_cast<std::size_t>(models.fold.back())).push_back(j);
  }
  return models;
}

/// Decision values b + Xw of every model for `x` (p x rows).
Eigen::MatrixXd decisions(const Models& models, const Eigen::Ref<const Eigen::MatrixXd>& x) {
  Eigen::MatrixXd z(models.coef.cols(), x.cols());
  blas::multiply(models.coef.bottomRows(x.rows()), true, x, false, z);
  z.colwise() += models.coef.row(0).transpose();
  return z;
}

LogisticPass::Result logistic_pass(const LogisticPass::Params& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  const Eigen::Index p = xt.rows(), n = xt.cols();
  const Models models = models_from(params.models, p);
  const Eigen::Index m = models.coef.cols();
  const std::int64_t row_begin = params.models.row_begin, stride = params.hessian_stride;
  const std::vector<int> fold_of = row_folds(params.models.folds, row_begin, yt);
  const auto& wants_hessian = params.hessian_models;

  Eigen::RowVectorXd loss = Eigen::RowVectorXd::Zero(m);
  Eigen::MatrixXd grad = Eigen::MatrixXd::Zero(p + 1, m);
  std::vector<ClassificationCounts> test(static_cast<std::size_t>(m));
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(2, m);
  std::vector<Eigen::MatrixXd> hess(static_cast<std::size_t>(m), Eigen::MatrixXd::Zero(p + 1, p + 1));
  const Eigen::Index first_sampled = (stride - row_begin % stride) % stride;
  const Eigen::Index sample_size = n > first_sampled ? (n - first_sampled + stride - 1) / stride : 0;
  Eigen::MatrixXd sampled(p + 1, sample_size);
  sampled.row(0).setOnes();
  Eigen::ArrayXXd weight(m, sample_size);
  std::size_t sampled_count = 0;

  Eigen::ArrayXXd prob(m, block_rows), row_loss(m, block_rows), residual(m, block_rows);
  for (Eigen::Index begin = 0; begin < n; begin += block_rows) {
    const Eigen::Index rows = std::min(block_rows, n - begin);
    if (rows < block_rows) {
      prob.resize(m, rows);
      row_loss.resize(m, rows);
      residual.resize(m, rows);
    }
    const auto x = xt.middleCols(begin, rows);
    const auto y = yt.row(0).segment(begin, rows).transpose().array();
    const Eigen::ArrayXXd z = decisions(models, x).array();
    logistic_terms(z, y, prob, row_loss, residual);
    // A model's own fold is its test set: score it there, and take it out of the training sums.
    for (Eigen::Index i = 0; i < rows; ++i) {
      const int f = fold_of[static_cast<std::size_t>(begin + i)];
      if (f < 0) continue;
      for (Eigen::Index j : models.models_of_fold[static_cast<std::size_t>(f)]) {
        const bool truth = y(i) == 1, predicted = z(j, i) > 0;  // scikit-learn predicts 1 when the decision is > 0
        ClassificationCounts& t = test[static_cast<std::size_t>(j)];
        t.rows += 1;
        (truth ? (predicted ? t.tp : t.fn) : (predicted ? t.fp : t.tn)) += 1;
        t.log_loss_sum += clipped_log_loss(row_loss(j, i));
        row_loss(j, i) = 0;
        residual(j, i) = 0;
        prob(j, i) = -1;  // marks a test entry for the Hessian below
      }
    }
    const Eigen::VectorXd ones = Eigen::VectorXd::Ones(rows);  // sums along rows as products: vectorised
    loss.noalias() += (row_loss.matrix() * ones).transpose();
    grad.row(0).noalias() += (residual.matrix() * ones).transpose();
    blas::multiply(x, false, residual.matrix(), true, grad.bottomRows(p), 1.0);
    // Keep the sampled rows (global row index divisible by the stride) and their weights σ(1−σ)
    // for the Hessians, made below in one product per model.
    for (Eigen::Index i = (stride - (row_begin + begin) % stride) % stride; i < rows; i += stride) {
      const auto c = static_cast<Eigen::Index>(sampled_count++);
      sampled.col(c).tail(p) = x.col(i);
      const auto q = prob.col(i);
      weight.col(c) = (q >= 0).select((q * (1 - q)).sqrt(), 0);
      counts.row(1) += (q >= 0).cast<double>().matrix().transpose();
    }
  }
  Eigen::MatrixXd scaled(p + 1, sampled.cols());
  for (Eigen::Index j = 0; j < m; ++j) {
    if (wants_hessian[static_cast<std::size_t>(j)] == 0) continue;
    scaled = sampled.array().rowwise() * weight.row(j);
    blas::add_outer_product(scaled, hess[static_cast<std::size_t>(j)]);
  }
  LogisticPass::Result out{Eigen::MatrixXd(loss), std::move(grad), Eigen::MatrixXd(p + 1, (p + 1) * m),
                           Eigen::MatrixXd(field_count<ClassificationCounts>(), m), std::move(counts)};
  for (Eigen::Index j = 0; j < m; ++j) {
    blas::symmetrize(hess[static_cast<std::size_t>(j)]);
    out.hessians.middleCols(j * (p + 1), p + 1) = hess[static_cast<std::size_t>(j)];
    to_column(test[static_cast<std::size_t>(j)], out.test, j);
    out.rows(0, j) = static_cast<double>(n) - test[static_cast<std::size_t>(j)].rows;
  }
  return out;
}

LogisticScores::Result logistic_scores(const LogisticModels& params, const KernelInputs& in) {
  const Eigen::MatrixXd& xt = in.matrix(0);
  const Eigen::MatrixXd& yt = in.matrix(1);
  const Models models = models_from(params, xt.rows());
  const std::vector<int> fold_of = row_folds(params.folds, params.row_begin, yt);
  const Eigen::MatrixXd z = decisions(models, xt);
  LogisticScores::Result out;
  for (Eigen::Index j = 0; j < models.coef.cols(); ++j) {
    std::vector<Eigen::Index> rows;
    for (Eigen::Index i = 0; i < xt.cols(); ++i)
      if (fold_of[static_cast<std::size_t>(i)] == models.fold[static_cast<std::size_t>(j)]) rows.push_back(i);
    Eigen::VectorXd labels(static_cast<Eigen::Index>(rows.size())), scores(labels.size());
    for (Eigen::Index s = 0; s < labels.size(); ++s) {
      labels(s) = yt(0, rows[static_cast<std::size_t>(s)]);
      scores(s) = z(j, rows[static_cast<std::size_t>(s)]);
    }
    out.tables.push_back(score_table(labels, scores));
  }
  return out;
}

ClassifyRows::Result classify_rows(const ClassifyRows::Params& params, const KernelInputs& in) {
  const Eigen::ArrayXXd z = in.matrix(0).array();
  if (!params.probability) {
    const std::vector<double> labels = params.classes.value_or(std::vector<double>{0, 1});
    return {(z > 0).select(labels[1], Eigen::ArrayXXd::Constant(z.rows(), z.cols(), labels[0])).matrix()};
  }
  // σ(z) without overflow: e^{-|z|} is at most 1, whichever the sign.
  const Eigen::ArrayXXd e = (-z.abs()).exp();
  return {(z >= 0).select(1 / (1 + e), e / (1 + e)).matrix()};
}

}  // namespace

void register_logistic_kernels(KernelRegistry& registry) {
  add_kernel<ClassifyRows>(registry, classify_rows);
  add_kernel<LogisticPass>(registry, logistic_pass);
  add_kernel<LogisticScores>(registry, logistic_scores);
}

}  // namespace tessera
