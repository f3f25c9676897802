#include "tessera/search/search_figures.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "tessera/search/results.hpp"

namespace tessera {

namespace {

constexpr const char* param_prefix = "param_";

/// Values over two decades or more, all positive: a log axis (C and alpha grids are logspaces).
bool spans_decades(const std::vector<double>& values) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return lo != values.end() && *lo > 0 && *hi / *lo >= 100;
}

std::string label_of(const std::map<std::string, std::vector<double>>& params, const std::string& except, std::size_t i) {
  std::string out;
  for (const auto& [name, values] : params) {
    if (name == except) continue;
    const auto* names = value_names(name);
    out += names ? fmt::format("{}{}={}", out.empty() ? "" : ", ", name, names->at(static_cast<std::size_t>(values[i])))
                 : fmt::format("{}{}={:.4g}", out.empty() ? "" : ", ", name, values[i]);
  }
  return out;
}

/// A param_ dataset as numbers: a named parameter's names (penalty) as their indices.
std::vector<double> param_column(const ResultsFile& results, const std::string& dataset, const std::string& name) {
  const auto* names = value_names(name);
  if (!names) return results.numbers(dataset);
  std::vector<double> out;
  for (const std::string& v : results.strings(dataset))
    out.push_back(static_cast<double>(std::find(names->begin(), names->end(), v) - names->begin()));
  return out;
}

/// Candidates grouped by the values of every parameter but `name` (one curve per group), each
/// group in increasing `name`.
std::map<std::string, std::vector<std::size_t>> curves_along(const std::map<std::string, std::vector<double>>& params,
                                                              const std::string& name) {
  std::map<std::string, std::vector<std::size_t>> groups;
  const auto& along = params.at(name);
  for (std::size_t i = 0; i < along.size(); ++i) groups[label_of(params, name, i)].push_back(i);
  for (auto& [label, members] : groups)
    std::stable_sort(members.begin(), members.end(), [&](std::size_t a, std::size_t b) { return along[a] < along[b]; });
  return groups;
}

std::vector<double> pick(const std::vector<double>& values, const std::vector<std::size_t>& at) {
  std::vector<double> out;
  for (std::size_t i : at) out.push_back(values[i]);
  return out;
}

}  // namespace

std::vector<report::Section> search_figures(const ResultsFile& results, const nlohmann::json& summary) {
  std::map<std::string, std::vector<double>> params;
  std::vector<std::vector<double>> splits;
  for (const std::string& name : results.names()) {
    if (name.rfind(param_prefix, 0) == 0) {
      const std::string param = name.substr(std::char_traits<char>::length(param_prefix));
      params[param] = param_column(results, name, param);
    }
  }
  for (int k = 0; results.has(fmt::format("split{}_test_score", k)); ++k)
    splits.push_back(results.numbers(fmt::format("split{}_test_score", k)));
  if (params.empty() || !results.has("mean_test_score")) return {};
  const auto mean = results.numbers("mean_test_score");
  const auto std_dev = results.numbers("std_test_score");
  const auto rank = results.numbers("rank_test_score");
  const std::size_t best = static_cast<std::size_t>(std::find(rank.begin(), rank.end(), 1.0) - rank.begin());
  const std::string scoring = summary.value("scoring", std::string("score"));

  report::Section section;
  section.heading = "Cross-validation";
  section.intro = fmt::format("{} candidates, {}-fold cross-validation, scored by {} (larger is better).", mean.size(),
                              splits.size(), scoring);
  if (best < mean.size())
    section.intro += fmt::format(" Best: {} with mean {:.6g}.", label_of(params, "", best), mean[best]);
  for (const auto& [name, values] : params) {
    if (value_names(name)) continue;  // names are no axis: each is a curve of the others
    const bool log = spans_decades(values);
    report::LineChart curve{fmt::format("Mean {} ± std against {}", scoring, name), {name, log}, {fmt::format("mean test {}", scoring)}, {}};
    const auto groups = curves_along(params, name);
    for (const auto& [label, members] : groups)
      curve.series.push_back({label, pick(values, members), pick(mean, members), pick(std_dev, members)});
    section.blocks.push_back(report::svg(curve));
    // The folds of the curve that holds the best candidate.
    std::vector<std::size_t> members;
    for (const auto& [label, m] : groups)
      if (std::find(m.begin(), m.end(), best) != m.end()) members = m;
    if (members.empty() || splits.empty()) continue;
    const std::string where = label_of(params, name, members.front());
    report::LineChart folds{fmt::format("{} on each test fold against {}{}", scoring, name, where.empty() ? "" : " (" + where + ")"),
                            {name, log},
                            {fmt::format("test {}", scoring)},
                            {}};
    for (std::size_t k = 0; k < splits.size(); ++k) {
      report::Series s{fmt::format("fold {}", k), pick(values, members), pick(splits[k], members), {}};
      s.line = false;
      folds.series.push_back(std::move(s));
    }
    section.blocks.push_back(report::svg(folds));
  }
  return {section};
}

}  // namespace tessera
