#include "tessera/ml/ols_fit.hpp"

#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

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

VectorXld normal_solve(const OlsSolution& s, const VectorXld& g) {
  const auto m = static_cast<Eigen::Index>(s.kept.size());
  const auto rxx = s.r.topLeftCorner(m, m).triangularView<Eigen::Upper>();
  return rxx.solve(rxx.transpose().solve(g));
}

OlsReport make_report(const OlsSolution& s, const std::vector<std::string>& names, const std::string& solver) {
  OlsReport r;
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

  // Var(beta) = sigma^2 (RᵀR)⁻¹, whose diagonal is the squared row norms of R⁻¹.
  const MatrixXld rinv = s.r.topLeftCorner(m, m).triangularView<Eigen::Upper>().solve(MatrixXld::Identity(m, m));
  std::vector<double> coef(static_cast<std::size_t>(names.size()) + off, nan), se = coef, t = coef, pv = coef;
  const boost::math::students_t tdist(r.df_resid > 0 ? static_cast<double>(r.df_resid) : 1.0);
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto col = static_cast<std::size_t>(s.kept[static_cast<std::size_t>(i)]);
    coef[col] = static_cast<double>(s.beta(i));
    se[col] = static_cast<double>(std::sqrt(static_cast<long double>(sigma2) * rinv.row(i).squaredNorm()));
    t[col] = coef[col] / se[col];
    pv[col] = std::isfinite(t[col]) ? 2 * boost::math::cdf(boost::math::complement(tdist, std::abs(t[col]))) : nan;
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
  for (int d : s.dropped) r.rank_deficient.push_back(d < off ? "intercept" : names[static_cast<std::size_t>(d - off)]);

  // R² is centred with an intercept, uncentred (1 - SSE/Σy²) without, as the references define it.
  r.r2 = 1 - rss / tss;
  const double df_total = static_cast<double>(s.n - off);
  r.adj_r2 = r.df_resid > 0 ? 1 - (1 - r.r2) * df_total / static_cast<double>(r.df_resid) : nan;
  const auto df_model = m - off;
  if (df_model > 0 && r.df_resid > 0) {
    r.fstat = ((tss - rss) / static_cast<double>(df_model)) / sigma2;
    const boost::math::fisher_f fdist(static_cast<double>(df_model), static_cast<double>(r.df_resid));
    r.fstat_pvalue = std::isfinite(r.fstat) ? boost::math::cdf(boost::math::complement(fdist, r.fstat)) : nan;
  } else {
    r.fstat = r.fstat_pvalue = nan;
  }
  r.cond = s.cond;
  return r;
}

std::string format_report(const OlsReport& r) {
  std::string out = fmt::format("OLS ({} solver{})   n = {}   p = {}   df_resid = {}\n", r.solver,
                                r.refined ? ", refined in extended precision" : "", r.n, r.p, r.df_resid);
  out += fmt::format("{:<20} {:>15} {:>13} {:>10} {:>11}\n", "", "coef", "std err", "t", "P>|t|");
  auto row = [&](const std::string& name, double c, double se, double t, double p) {
    if (std::isnan(c))
      out += fmt::format("{:<20} {:>15} {:>13} {:>10} {:>11}\n", name, "(dependent)", "", "", "");
    else
      out += fmt::format("{:<20} {:>15.8g} {:>13.6g} {:>10.4g} {:>11.4g}\n", name, c, se, t, p);
  };
  if (r.intercept) row("intercept", r.intercept_coef, r.intercept_stderr, r.intercept_tvalue, r.intercept_pvalue);
  for (std::size_t j = 0; j < r.coef.size(); ++j) row(r.feature_names[j], r.coef[j], r.stderr_[j], r.tvalues[j], r.pvalues[j]);
  out += fmt::format("R² = {:.10g}   adjusted R² = {:.10g}{}\n", r.r2, r.adj_r2, r.intercept ? "" : "   (uncentred: no intercept)");
  out += fmt::format("residual std error = {:.8g} on {} degrees of freedom\n", r.rse, r.df_resid);
  out += fmt::format("F = {:.8g}, p = {:.4g}   condition number = {:.3g}\n", r.fstat, r.fstat_pvalue, r.cond);
  if (!r.rank_deficient.empty())
    out += fmt::format("rank deficient: {} depend(s) on earlier columns; coefficient(s) not estimated\n",
                       fmt::join(r.rank_deficient, ", "));
  return out;
}

}  // namespace tessera
