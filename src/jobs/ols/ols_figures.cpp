#include "jobs/ols/ols_figures.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

namespace tessera {

namespace {
/// More rows than this make a forest plot unreadable: the ones with the largest |t| are shown.
constexpr std::size_t most_rows = 40;
}  // namespace

std::vector<report::Section> ols_figures(const ResultsFile& results, const nlohmann::json&) {
  if (!results.has("coef") || !results.has("stderr") || !results.has("df_resid")) return {};
  const auto coef = results.numbers("coef");
  const auto stderrs = results.numbers("stderr");
  const double df = results.number("df_resid");
  std::vector<std::string> names;
  if (results.has("feature_names")) names = results.strings("feature_names");
  names.resize(coef.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i].empty()) names[i] = fmt::format("x{}", i);
  // The t quantile of a two-sided 95% interval, with the fit's residual degrees of freedom.
  const double t = df > 0 ? boost::math::quantile(boost::math::students_t(df), 0.975) : std::nan("");
  std::vector<std::size_t> shown(coef.size());
  std::iota(shown.begin(), shown.end(), 0);
  auto abs_t = [&](std::size_t i) { return std::isfinite(coef[i] / stderrs[i]) ? std::abs(coef[i] / stderrs[i]) : 0.0; };
  if (shown.size() > most_rows) {
    std::stable_sort(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) { return abs_t(a) > abs_t(b); });
    shown.resize(most_rows);
    std::sort(shown.begin(), shown.end());
  }
  report::ForestPlot plot{"Coefficients with 95% confidence intervals", "coefficient estimate", {}};
  for (std::size_t i : shown)
    plot.rows.push_back({names[i], coef[i], coef[i] - t * stderrs[i], coef[i] + t * stderrs[i]});
  std::string intro = fmt::format("Estimate ± t(0.975, {:.0f}) × standard error, t = {:.4f}.", df, t);
  if (shown.size() < coef.size())
    intro += fmt::format(" The {} of {} coefficients with the largest |t| are shown.", shown.size(), coef.size());
  return {{"Least squares", intro, {report::svg(plot)}}};
}

}  // namespace tessera
