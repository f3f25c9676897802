#include "jobs/kmeans/kmeans_figures.hpp"

#include <fmt/format.h>

#include "tessera/report/svg_chart.hpp"

namespace tessera {

std::vector<report::Section> kmeans_figures(const ResultsFile& results, const nlohmann::json& summary) {
  // One k has no curve; its numbers are in the summary table of the run.
  if (!results.has("results/k") || !results.has("results/inertia")) return {};
  report::Series best{"", results.numbers("results/k"), results.numbers("results/inertia")};
  report::LineChart elbow{"Inertia against k (the elbow curve)", {"k (clusters)"}, {"inertia (sum of squared distances)"}, {best}};
  const std::string intro = fmt::format(
      "Each k's best of {} start(s) ({}): the sum of squared distances of the rows to their nearest centre. It falls as k "
      "grows; where it stops falling steeply (the elbow) is a common choice of k.",
      summary.value("n_init", 1), summary.value("init", std::string("k-means||")));
  return {{"Clustering", intro, {report::svg(elbow)}}};
}

}  // namespace tessera
