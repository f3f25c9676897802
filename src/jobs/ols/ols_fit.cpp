#include "jobs/ols/ols_fit.hpp"

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <numbers>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <Eigen/SVD>
#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

double condition_number(const MatrixXld& r) {
  Eigen::JacobiSVD<MatrixXld> svd(r);
  const auto& s = svd.singularValues();
  if (s.size() == 0) return 1;
  return s(s.size() - 1) == 0 ? std::numeric_limits<double>::infinity() : static_cast<double>(s(0) / s(s.size() - 1));
}

/// R of the kept columns and y: deleting columns breaks triangularity, so re-factor (k x k, cheap).
MatrixXld reduced_r(const MatrixXld& r_aug, const std::vector<int>& kept) {
  const auto k = r_aug.cols();
  MatrixXld w(k, static_cast<Eigen::Index>(kept.size()) + 1);
  for (std::size_t i = 0; i < kept.size(); ++i) w.col(static_cast<Eigen::Index>(i)) = r_aug.col(kept[i]);
  w.col(w.cols() - 1) = r_aug.col(k - 1);
  Eigen::HouseholderQR<MatrixXld> qr(w);
  return MatrixXld(qr.matrixQR().topRows(w.cols()).triangularView<Eigen::Upper>());
}

}  // namespace

OlsSolution solve_from_r(const MatrixXld& r_aug, std::int64_t n, bool intercept) {
  const auto k = r_aug.cols(), q = k - 1;
  OlsSolution s;
  s.intercept = intercept;
  s.n = n;
  for (Eigen::Index j = 0; j < q; ++j) {
    const long double norm = r_aug.col(j).head(j + 1).norm();
    if (norm == 0 || std::abs(r_aug(j, j)) <= rank_tolerance * norm)
      s.dropped.push_back(static_cast<int>(j));
    else
      s.kept.push_back(static_cast<int>(j));
  }
  s.r = s.dropped.empty() ? r_aug : reduced_r(r_aug, s.kept);
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  s.beta = s.r.topLeftCorner(m, m).triangularView<Eigen::Upper>().solve(s.r.col(m).head(m));
  s.rss = s.r(m, m) * s.r(m, m);
  // Sums of squares from R's y column: regressing y on the intercept alone leaves the rows below it.
  const auto ycol = r_aug.col(k - 1);
  s.yy = ycol.squaredNorm();
  s.tss = intercept ? ycol.tail(k - 1).squaredNorm() : s.yy;
  const MatrixXld rxx = r_aug.topLeftCorner(q, q);
  s.cond = condition_number(rxx);
  VectorXld norms(q);
  for (Eigen::Index j = 0; j < q; ++j) norms(j) = rxx.col(j).norm();
  s.scaled_cond = (norms.array() == 0).any() ? std::numeric_limits<double>::infinity()
                                             : condition_number(rxx * norms.cwiseInverse().asDiagonal());
  return s;
}

ErrorEstimate estimate_error(const OlsSolution& s, bool normal_equations) {
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  if (m == 0) return {};
  const MatrixXld r = s.r.topLeftCorner(m, m).triangularView<Eigen::Upper>();
  VectorXld norms(m);
  for (Eigen::Index j = 0; j < m; ++j) norms(j) = r.col(j).norm();
  Eigen::JacobiSVD<MatrixXld> svd(r * norms.cwiseInverse().asDiagonal());
  const auto& sv = svd.singularValues();
  const double sigma_max = static_cast<double>(sv(0)), kappa = static_cast<double>(sv(0) / sv(m - 1));
  const VectorXld beta_scaled = s.beta.cwiseProduct(norms);
  const double beta_norm = static_cast<double>(beta_scaled.norm());
  const double residual = std::sqrt(static_cast<double>(s.rss)), y_norm = std::sqrt(static_cast<double>(s.yy));
  // u times a modest growth factor: Householder QR's errors grow like √(columns) in practice.
  const double u = std::numeric_limits<double>::epsilon() / 2 * std::sqrt(static_cast<double>(m + 1));
  const double amplification = normal_equations ? kappa * kappa : kappa;
  const double absolute = u * amplification * (beta_norm + kappa * residual / sigma_max);
  ErrorEstimate e;
  for (Eigen::Index j = 0; j < m; ++j) {
    const double b = std::abs(static_cast<double>(beta_scaled(j)));
    e.coef = std::max(e.coef, b > 0 ? absolute / b : std::numeric_limits<double>::infinity());
  }
  e.stderr_ = u * (2 * amplification + (residual > 0 ? y_norm / residual : std::numeric_limits<double>::infinity()));
  if (!std::isfinite(kappa)) e.coef = e.stderr_ = std::numeric_limits<double>::infinity();
  return e;
}

namespace {

// Binary128 arithmetic (GCC's __float128, in software): 113 significant bits, enough to solve
// the normal equations of a design with a scaled condition number of 1e10 (κ² = 1e20) to about
// 12 digits. Only k x k matrices are solved in it.
__extension__ typedef __float128 Quad;

Quad quad_sqrt(Quad a) {
  if (a <= 0) return 0;
  Quad x = static_cast<Quad>(std::sqrt(static_cast<long double>(a)));
  for (int i = 0; i < 2; ++i) x = (x + a / x) / 2;  // Newton: each step doubles the correct bits
  return x;
}

}  // namespace

OlsSolution solve_from_exact_gram(const Eigen::MatrixXd& hi, const Eigen::MatrixXd& lo, const OlsSolution& first) {
  const Eigen::Index k = hi.rows(), y = k - 1;
  const auto m = first.kept.size();
  const auto g = [&](Eigen::Index i, Eigen::Index j) { return static_cast<Quad>(hi(i, j)) + static_cast<Quad>(lo(i, j)); };
  const auto col = [&](std::size_t i) { return static_cast<Eigen::Index>(first.kept[i]); };
  // Cholesky of the kept columns' Gram matrix: A = L Lᵀ, row-major lower triangle.
  std::vector<Quad> l(m * m, 0), z(m, 0);
  for (std::size_t j = 0; j < m; ++j) {
    Quad d = g(col(j), col(j));
    for (std::size_t t = 0; t < j; ++t) d -= l[j * m + t] * l[j * m + t];
    if (!(d > 0))
      throw InputError("ols: the design's kept columns are numerically dependent even in extended precision; remove "
                       "nearly collinear columns");
    l[j * m + j] = quad_sqrt(d);
    for (std::size_t i = j + 1; i < m; ++i) {
      Quad v = g(col(i), col(j));
      for (std::size_t t = 0; t < j; ++t) v -= l[i * m + t] * l[j * m + t];
      l[i * m + j] = v / l[j * m + j];
    }
  }
  // z = L⁻¹ Xᵀy, β = L⁻ᵀ z, and RSS = yᵀy − zᵀz.
  Quad zz = 0;
  for (std::size_t i = 0; i < m; ++i) {
    Quad v = g(col(i), y);
    for (std::size_t t = 0; t < i; ++t) v -= l[i * m + t] * z[t];
    z[i] = v / l[i * m + i];
    zz += z[i] * z[i];
  }
  std::vector<Quad> beta(m, 0);
  for (std::size_t i = m; i-- > 0;) {
    Quad v = z[i];
    for (std::size_t t = i + 1; t < m; ++t) v -= l[t * m + i] * beta[t];
    beta[i] = v / l[i * m + i];
  }
  // L⁻¹, lower triangular, column by column: (L Lᵀ)⁻¹ = L⁻ᵀL⁻¹.
  MatrixXld root_inverse = MatrixXld::Zero(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(m));
  std::vector<Quad> inv(m);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = j; i < m; ++i) {
      Quad v = i == j ? 1 : 0;
      for (std::size_t t = j; t < i; ++t) v -= l[i * m + t] * inv[t];
      inv[i] = v / l[i * m + i];
      root_inverse(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = static_cast<long double>(inv[i]);
    }
  }
  OlsSolution s = first;
  s.beta.resize(static_cast<Eigen::Index>(m));
  for (std::size_t i = 0; i < m; ++i) s.beta(static_cast<Eigen::Index>(i)) = static_cast<long double>(beta[i]);
  const Quad yy = g(y, y);
  s.yy = static_cast<long double>(yy);
  s.rss = static_cast<long double>(yy - zz > 0 ? yy - zz : Quad(0));
  s.tss = static_cast<long double>(first.intercept ? yy - g(0, y) * g(0, y) / g(0, 0) : yy);
  s.root_inverse = std::move(root_inverse);
  return s;
}

MatrixXld inverse_root(const OlsSolution& s) {
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  if (s.root_inverse.rows() == m) return s.root_inverse;
  const MatrixXld rinv = s.r.topLeftCorner(m, m).triangularView<Eigen::Upper>().solve(MatrixXld::Identity(m, m));
  return rinv.transpose();
}

bool robust(const std::string& cov_type) { return cov_type != "nonrobust"; }

namespace {

/// The robust covariance of the kept coefficients: the sandwich, HC1 with its small-sample factor.
MatrixXld sandwich_covariance(const OlsSolution& s, const InferenceOptions& inference, std::int64_t df_resid) {
  MatrixXld v = inference.sandwich;
  if (inference.cov_type == "HC1") v *= static_cast<long double>(s.n) / static_cast<long double>(df_resid);
  return v;
}

/// statsmodels' F for a robust covariance: the Wald test that every slope is 0, βₛᵀV⁻¹βₛ / J
/// over the kept columns other than the intercept.
double robust_fstat(const OlsSolution& s, const MatrixXld& v) {
  std::vector<Eigen::Index> slopes;
  for (std::size_t i = 0; i < s.kept.size(); ++i)
    if (!s.intercept || s.kept[i] > 0) slopes.push_back(static_cast<Eigen::Index>(i));
  const auto j = static_cast<Eigen::Index>(slopes.size());
  MatrixXld vs(j, j);
  VectorXld bs(j);
  for (Eigen::Index a = 0; a < j; ++a) {
    bs(a) = s.beta(slopes[static_cast<std::size_t>(a)]);
    for (Eigen::Index b = 0; b < j; ++b) vs(a, b) = v(slopes[static_cast<std::size_t>(a)], slopes[static_cast<std::size_t>(b)]);
  }
  return static_cast<double>(bs.dot(vs.ldlt().solve(bs)) / static_cast<long double>(j));
}

}  // namespace

OlsReport make_report(const OlsSolution& s, const std::vector<std::string>& names, const std::string& solver,
                      const InferenceOptions& inference) {
  OlsReport r;
  r.alpha = inference.alpha;
  r.cov_type = inference.cov_type;
  r.weighted = inference.weighted;
  r.feature_names = names;
  r.solver = solver;
  r.intercept = s.intercept;
  r.n = s.n;
  const int off = s.intercept ? 1 : 0;
  r.p = static_cast<std::int64_t>(names.size());
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  r.df_resid = s.n - m;
  const double rss = static_cast<double>(s.rss), tss = static_cast<double>(s.tss);
  const double sigma2 = r.df_resid > 0 ? rss / static_cast<double>(r.df_resid) : nan;
  r.rse = std::sqrt(sigma2);

  // Var(β) from (XᵀX)⁻¹ = MᵀM, M = R⁻ᵀ (or the refit's, in extended precision). A robust
  // cov_type is tested against the normal distribution, as statsmodels does by default.
  const bool use_t = !robust(inference.cov_type);
  const MatrixXld root = inverse_root(s);
  MatrixXld cov;  // robust only: the nonrobust F needs no more than the sums of squares
  VectorXld variance = VectorXld::Constant(m, nan);
  if (r.df_resid > 0 && use_t) {
    variance = s.rss / static_cast<long double>(r.df_resid) * root.colwise().squaredNorm().transpose();
  } else if (r.df_resid > 0) {
    cov = sandwich_covariance(s, inference, r.df_resid);
    variance = cov.diagonal();
  }
  std::vector<double> coef(static_cast<std::size_t>(names.size()) + off, nan), se = coef, t = coef, pv = coef;
  const boost::math::students_t tdist(r.df_resid > 0 ? static_cast<double>(r.df_resid) : 1.0);
  const boost::math::normal zdist;
  const auto two_sided = [&](double stat) {
    if (!std::isfinite(stat)) return nan;
    return 2 * (use_t ? boost::math::cdf(boost::math::complement(tdist, std::abs(stat)))
                      : boost::math::cdf(boost::math::complement(zdist, std::abs(stat))));
  };
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto col = static_cast<std::size_t>(s.kept[static_cast<std::size_t>(i)]);
    coef[col] = static_cast<double>(s.beta(i));
    se[col] = static_cast<double>(std::sqrt(variance(i)));
    t[col] = coef[col] / se[col];
    pv[col] = two_sided(t[col]);
  }
  if (s.intercept) {
    r.intercept_coef = coef[0];
    r.intercept_stderr = se[0];
    r.intercept_tvalue = t[0];
    r.intercept_pvalue = pv[0];
  }
  r.coef.assign(coef.begin() + off, coef.end());
  r.stderr_.assign(se.begin() + off, se.end());
  r.tvalues.assign(t.begin() + off, t.end());
  r.pvalues.assign(pv.begin() + off, pv.end());
  // coef ± t(1 − alpha/2, df_resid)·se (z(1 − alpha/2)·se when robust), as statsmodels' conf_int.
  const double half = inference.alpha / 2;
  const double q = r.df_resid <= 0 ? nan
                   : use_t         ? boost::math::quantile(boost::math::complement(tdist, half))
                                   : boost::math::quantile(boost::math::complement(zdist, half));
  std::vector<std::array<double, 2>> ci;
  for (std::size_t j = 0; j < coef.size(); ++j) ci.push_back({coef[j] - q * se[j], coef[j] + q * se[j]});
  if (s.intercept) r.intercept_conf_int = ci[0];
  r.conf_int.assign(ci.begin() + off, ci.end());
  for (int d : s.dropped) r.rank_deficient.push_back(d < off ? "intercept" : names[static_cast<std::size_t>(d - off)]);

  // R² is centred with an intercept, uncentred (1 - SSE/Σy²) without, as the references define it.
  r.r2 = 1 - rss / tss;
  const double df_total = static_cast<double>(s.n - off);
  r.adj_r2 = r.df_resid > 0 ? 1 - (1 - r.r2) * df_total / static_cast<double>(r.df_resid) : nan;
  const auto df_model = m - off;
  if (df_model > 0 && r.df_resid > 0) {
    r.fstat = use_t ? ((tss - rss) / static_cast<double>(df_model)) / sigma2 : robust_fstat(s, cov);
    const boost::math::fisher_f fdist(static_cast<double>(df_model), static_cast<double>(r.df_resid));
    r.fstat_pvalue = std::isfinite(r.fstat) ? boost::math::cdf(boost::math::complement(fdist, r.fstat)) : nan;
  } else {
    r.fstat = r.fstat_pvalue = nan;
  }
  // statsmodels: llf = −n/2·(log 2π + log(RSS/n) + 1); aic = −2 llf + 2k, bic = −2 llf + k log n,
  // k = the coefficients estimated (the rank, the intercept included).
  const double n = static_cast<double>(s.n);
  // WLS adds ½Σ log w (the likelihood of the unwhitened rows).
  r.llf = -n / 2 * (std::log(2 * std::numbers::pi) + std::log(rss / n) + 1) + inference.log_weight_sum / 2;
  r.aic = -2 * r.llf + 2 * static_cast<double>(m);
  r.bic = -2 * r.llf + std::log(n) * static_cast<double>(m);
  r.cond = s.cond;
  return r;
}

std::string shown_pvalue(double p) {
  // Below 1e-300 the tail probability has underflowed, or nearly: its digits mean nothing.
  return p < 1e-300 ? "<1e-300" : fmt::format("{:.4g}", p);
}

std::string format_report(const OlsReport& r) {
  std::string out = fmt::format("{} ({} solver{})   n = {}   p = {}   df_resid = {}   covariance: {}\n", r.weighted ? "WLS" : "OLS",
                                r.solver, r.refined ? ", refitted in extended precision" : "", r.n, r.p, r.df_resid, r.cov_type);
  const bool z = robust(r.cov_type);  // normal tests, as statsmodels' summary shows them
  out += fmt::format("{:<20} {:>15} {:>13} {:>10} {:>11} {:>13} {:>13}\n", "", "coef", "std err", z ? "z" : "t", z ? "P>|z|" : "P>|t|",
                     fmt::format("[{:.4g}", r.alpha / 2), fmt::format("{:.4g}]", 1 - r.alpha / 2));
  auto row = [&](const std::string& name, double c, double se, double t, double p, const std::array<double, 2>& ci) {
    if (std::isnan(c))
      out += fmt::format("{:<20} {:>15}\n", name, "(dependent)");
    else
      out += fmt::format("{:<20} {:>15.8g} {:>13.6g} {:>10.4g} {:>11} {:>13.6g} {:>13.6g}\n", name, c, se, t, shown_pvalue(p), ci[0],
                         ci[1]);
  };
  if (r.intercept) row("intercept", r.intercept_coef, r.intercept_stderr, r.intercept_tvalue, r.intercept_pvalue, r.intercept_conf_int);
  for (std::size_t j = 0; j < r.coef.size(); ++j)
    row(r.feature_names[j], r.coef[j], r.stderr_[j], r.tvalues[j], r.pvalues[j], r.conf_int[j]);
  out += fmt::format("R² = {:.10g}   adjusted R² = {:.10g}{}\n", r.r2, r.adj_r2, r.intercept ? "" : "   (uncentred: no intercept)");
  out += fmt::format("residual std error = {:.8g} on {} degrees of freedom\n", r.rse, r.df_resid);
  out += fmt::format("F = {:.8g}, p = {}   condition number = {:.3g}\n", r.fstat, shown_pvalue(r.fstat_pvalue), r.cond);
  out += fmt::format("log-likelihood = {:.10g}   AIC = {:.10g}   BIC = {:.10g}\n", r.llf, r.aic, r.bic);
  if (!r.rank_deficient.empty())
    out += fmt::format("rank deficient: {} depend(s) on earlier columns; coefficient(s) not estimated\n",
                       fmt::join(r.rank_deficient, ", "));
  return out;
}

}  // namespace tessera
