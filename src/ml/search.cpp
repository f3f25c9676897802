#include "tessera/ml/search.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include <fmt/format.h>

#include "tessera/error.hpp"

namespace tessera {

std::vector<ParamSet> expand_grid(const std::map<std::string, std::vector<double>>& grid) {
  std::vector<ParamSet> out{{}};
  for (const auto& [name, values] : grid) {
    std::vector<ParamSet> next;
    for (const auto& partial : out)
      for (double v : values) {
        auto p = partial;
        p[name] = v;
        next.push_back(std::move(p));
      }
    out = std::move(next);
  }
  return out;
}

SearchSpec search_of(const JobSpec& job, const std::string& parameter, double value, const std::string& default_scoring) {
  return job.search.value_or(SearchSpec{{{parameter, {value}}}, default_scoring, true});
}

std::size_t rank_candidates(std::vector<Candidate>& candidates) {
  for (auto& c : candidates) {
    const auto folds = static_cast<double>(c.scores.size());
    c.mean = 0;
    for (double s : c.scores) c.mean += s / folds;
    double var = 0;
    for (double s : c.scores) var += (s - c.mean) * (s - c.mean) / folds;
    c.std = std::sqrt(var);
  }
  for (auto& c : candidates)
    c.rank = 1 + std::count_if(candidates.begin(), candidates.end(), [&](const Candidate& o) { return o.mean > c.mean; });
  const auto best = std::min_element(candidates.begin(), candidates.end(),
                                     [](const Candidate& a, const Candidate& b) { return a.rank < b.rank; });
  return static_cast<std::size_t>(best - candidates.begin());
}

nlohmann::json params_json(const ParamSet& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : params) {
    if (name == "pca.n_components")
      out[name] = static_cast<std::int64_t>(value);
    else
      out[name] = value;
  }
  return out;
}

void publish_results(std::ostream& report, nlohmann::json& summary, AtomicOutput& output, const std::string& csv_path,
                     const std::vector<Candidate>& candidates, std::size_t best, const std::string& scoring) {
  print_results(report, candidates, scoring, best);
  add_results_json(summary, candidates, best);
  summary["scoring"] = scoring;
  summary["folds"] = candidates.front().scores.size();
  write_results_csv(csv_path, candidates);
  hdf5::Handle file = output.create();
  write_results(file.id(), candidates, best);
}

void print_results(std::ostream& out, const std::vector<Candidate>& candidates, const std::string& scoring, std::size_t best) {
  for (const auto& [name, value] : candidates.front().params) out << fmt::format("{:>18} ", name);
  out << fmt::format("{:>14} {:>12} {:>5}\n", "mean score", "std", "rank");
  for (const auto& c : candidates) {
    for (const auto& [name, value] : c.params) out << fmt::format("{:>18.6g} ", value);
    out << fmt::format("{:>14.8g} {:>12.4g} {:>5}\n", c.mean, c.std, c.rank);
  }
  out << fmt::format("best: {}, mean {} = {:.10g}\n", params_json(candidates[best].params).dump(), scoring,
                     candidates[best].mean)
      << std::flush;
}

void add_results_json(nlohmann::json& summary, const std::vector<Candidate>& candidates, std::size_t best) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& c : candidates)
    results.push_back({{"params", params_json(c.params)}, {"split_test_scores", c.scores}, {"mean_test_score", c.mean},
                       {"std_test_score", c.std}, {"rank_test_score", c.rank}, {"fit_seconds", c.fit_seconds}});
  summary["cv_results"] = results;
  summary["best_params"] = params_json(candidates[best].params);
  summary["best_score"] = candidates[best].mean;
}

namespace {
void write_column(hid_t file, const std::string& name, const std::vector<Candidate>& candidates,
                  const std::function<double(const Candidate&)>& get) {
  std::vector<double> column;
  for (const auto& c : candidates) column.push_back(get(c));
  hdf5::write_matrix(file, name, column.data(), column.size(), 0);
}
}  // namespace

void write_results(hid_t file, const std::vector<Candidate>& candidates, std::size_t best) {
  for (const auto& [name, value] : candidates.front().params)
    write_column(file, "param_" + name, candidates, [&name = name](const Candidate& c) { return c.params.at(name); });
  for (std::size_t k = 0; k < candidates.front().scores.size(); ++k)
    write_column(file, fmt::format("split{}_test_score", k), candidates, [k](const Candidate& c) { return c.scores[k]; });
  write_column(file, "mean_test_score", candidates, [](const Candidate& c) { return c.mean; });
  write_column(file, "std_test_score", candidates, [](const Candidate& c) { return c.std; });
  write_column(file, "rank_test_score", candidates, [](const Candidate& c) { return static_cast<double>(c.rank); });
  write_column(file, "fit_seconds", candidates, [](const Candidate& c) { return c.fit_seconds; });
  hdf5::write_scalar(file, "best_score", candidates[best].mean);
}

void write_refit(hid_t file, nlohmann::json& summary, const Eigen::VectorXd& coef, double intercept, const ParamSet& params) {
  hdf5::write_matrix(file, "coef", coef.data(), static_cast<std::uint64_t>(coef.size()), 0);
  hdf5::write_scalar(file, "intercept", intercept);
  summary["coef"] = std::vector<double>(coef.data(), coef.data() + coef.size());
  summary["intercept"] = intercept;
  for (const auto& [name, value] : params) {
    const std::string field = name == "pca.n_components" ? "pca_n_components" : name;
    hdf5::write_scalar(file, field, value);
    summary[field] = params_json({{name, value}})[name];
  }
}

void write_results_csv(const std::string& path, const std::vector<Candidate>& candidates) {
  std::ofstream csv(path);
  if (!csv) throw IoError(path + ": cannot write");
  csv.precision(17);
  for (const auto& [name, value] : candidates.front().params) csv << "param_" << name << ",";
  for (std::size_t k = 0; k < candidates.front().scores.size(); ++k) csv << "split" << k << "_test_score,";
  csv << "mean_test_score,std_test_score,rank_test_score,fit_seconds\n";
  for (const auto& c : candidates) {
    for (const auto& [name, value] : c.params) csv << value << ",";
    for (double s : c.scores) csv << s << ",";
    csv << c.mean << "," << c.std << "," << c.rank << "," << c.fit_seconds << "\n";
  }
  if (!csv.flush()) throw IoError(path + ": writing failed");
}

std::string csv_path_for(const std::string& output) {
  const std::string csv = std::filesystem::path(output).replace_extension(".csv").string();
  return csv == output ? output + ".csv" : csv;
}

}  // namespace tessera
