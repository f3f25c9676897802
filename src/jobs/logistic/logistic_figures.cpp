#include "jobs/logistic/logistic_figures.hpp"

#include <fmt/format.h>

#include "tessera/search/search_figures.hpp"

namespace tessera {

std::vector<report::Section> logistic_figures(const ResultsFile& results, const nlohmann::json& summary) {
  std::vector<report::Section> sections = search_figures(results, summary);
  if (!summary.contains("models")) return sections;
  // Each model's Newton steps, relative to its point: what `tol` is compared with. A model that
  // converged ends below the tolerance line.
  report::LineChart chart{"Convergence of each model (Newton steps)", {"Newton iteration"}, {"largest relative step", true}, {}};
  int models = 0, converged = 0;
  for (const auto& m : summary.at("models")) {
    report::Series s;
    const auto& fold = m.at("fold");
    for (const auto& [name, value] : m.at("params").items()) s.name += fmt::format("{}={:.4g}, ", name, value.get<double>());
    s.name += fold.is_string() ? "refit" : fmt::format("fold {}", fold.get<int>());
    int iteration = 0;
    for (const auto& step : m.value("relative_steps", nlohmann::json::array())) {
      if (!step.is_null()) {
        s.x.push_back(iteration);
        s.y.push_back(step.get<double>());
      }
      ++iteration;
    }
    chart.series.push_back(std::move(s));
    ++models;
    converged += m.value("converged", false) ? 1 : 0;
  }
  if (summary.contains("tol")) {
    const double tol = summary.at("tol").get<double>();
    double last = 1;
    for (const auto& s : chart.series)
      if (!s.x.empty()) last = std::max(last, s.x.back());
    report::Series line{"tol", {0, last}, {tol, tol}, {}};
    line.points = false;
    line.dashed = true;
    chart.series.push_back(std::move(line));
  }
  sections.push_back({"Convergence",
                      fmt::format("{} models fitted by batched Newton passes; {} converged (a step below tol = {}).", models,
                                  converged, summary.value("tol", 0.0)),
                      {report::svg(chart)}});
  return sections;
}

}  // namespace tessera
