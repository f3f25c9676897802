#include "tessera/search/results.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/io/atomic_file.hpp"
#include "tessera/core/log.hpp"

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

std::size_t rank_candidates(std::vector<Candidate>& candidates, const std::string& scoring) {
  std::size_t undefined_splits = 0, splits = 0;
  for (auto& c : candidates) {
    const auto folds = static_cast<double>(c.scores.size());
    c.mean = 0;
    for (double s : c.scores) c.mean += s / folds;  // NaN if any split is NaN, as numpy's mean
    double var = 0;
    for (double s : c.scores) var += (s - c.mean) * (s - c.mean) / folds;
    c.std = std::sqrt(var);
    splits += c.scores.size();
    undefined_splits += static_cast<std::size_t>(std::count_if(c.scores.begin(), c.scores.end(), [](double s) { return std::isnan(s); }));
  }
  // Best mean first; a NaN mean ranks after every number, tied with the other NaNs (scikit-learn's
  // rule). Sorting keeps this O(n log n) for grids of a million candidates.
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto better = [&](std::size_t a, std::size_t b) {
    const double x = candidates[a].mean, y = candidates[b].mean;
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return x > y;
  };
  std::stable_sort(order.begin(), order.end(), better);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const bool tied = i > 0 && !better(order[i - 1], order[i]);
    candidates[order[i]].rank = tied ? candidates[order[i - 1]].rank : static_cast<std::int64_t>(i + 1);
  }
  if (undefined_splits > 0) {
    const std::string why = undefined_score_reason(scoring);
    if (std::isnan(candidates[order.front()].mean))
      throw InputError(fmt::format("every candidate's mean {} is NaN: {} is undefined on {} of {} splits ({}); use fewer folds "
                                   "or [cv] shuffle = true",
                                   scoring, scoring, undefined_splits, splits, why));
    spdlog::warn("{} is undefined (NaN) on {} of {} splits ({}); candidates with a NaN mean rank last", scoring,
                 undefined_splits, splits, why);
  }
  // The first of rank 1 in ParameterGrid order, as scikit-learn's best_index_.
  std::size_t best = order.front();
  for (std::size_t i : order)
    if (candidates[i].rank == 1) best = std::min(best, i);
  return best;
}

std::string undefined_score_reason(const std::string& scoring) {
  if (scoring == "r2") return "a test fold has fewer than two rows";
  if (scoring == "roc_auc" || scoring == "neg_log_loss") return "a test fold holds only one class";
  return "the score is not defined on some test fold";
}

int digits_to_tell_apart(std::vector<double> values) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (int digits = 6; digits < 17; ++digits) {
    bool distinct = true;
    for (std::size_t i = 1; i < values.size() && distinct; ++i)
      distinct = fmt::format("{:.{}g}", values[i - 1], digits) != fmt::format("{:.{}g}", values[i], digits);
    if (distinct) return digits;
  }
  return 17;
}

const std::vector<std::string>* value_names(const std::string& parameter) {
  static const std::vector<std::string> penalties = {"l2", "l1", "elasticnet"};
  return parameter == "penalty" ? &penalties : nullptr;
}

namespace {
/// A named parameter's value as its name.
const std::string& name_of(const std::vector<std::string>& names, double value) {
  return names.at(static_cast<std::size_t>(value));
}

/// A named parameter's column of names.
std::vector<std::string> names_column(const std::vector<Candidate>& candidates, const std::string& name,
                                      const std::vector<std::string>& names) {
  std::vector<std::string> column;
  for (const auto& c : candidates) column.push_back(name_of(names, c.params.at(name)));
  return column;
}
}  // namespace

nlohmann::json params_json(const ParamSet& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : params) {
    if (const auto* names = value_names(name))
      out[name] = name_of(*names, value);
    else if (name == "pca.n_components")
      out[name] = static_cast<std::int64_t>(value);
    else
      out[name] = value;
  }
  return out;
}

void publish_results(std::ostream& report, nlohmann::json& summary, OutputFile& output, const std::string& csv_path,
                     const std::vector<Candidate>& candidates, std::size_t best, const std::string& scoring) {
  print_results(report, candidates, scoring, best);
  add_results_json(summary, candidates, best);
  summary["scoring"] = scoring;
  summary["folds"] = candidates.front().scores.size();
  write_results_csv(csv_path, candidates);
  write_results(output.hdf5(), candidates, best);
}

void print_results(std::ostream& out, const std::vector<Candidate>& candidates, const std::string& scoring, std::size_t best) {
  // As many digits as it takes for candidates of different ranks to look different.
  std::vector<double> means;
  for (const auto& c : candidates) means.push_back(c.mean);
  const int digits = std::max(8, digits_to_tell_apart(means));
  std::map<std::string, std::vector<double>> param_values;
  for (const auto& c : candidates)
    for (const auto& [name, value] : c.params) param_values[name].push_back(value);
  std::map<std::string, int> param_digits;
  for (const auto& [name, values] : param_values) param_digits[name] = digits_to_tell_apart(values);
  const int width = digits + 8;
  for (const auto& [name, value] : candidates.front().params) out << fmt::format("{:>18} ", name);
  out << fmt::format("{:>{}} {:>12} {:>5}\n", "mean score", width, "std", "rank");
  for (const auto& c : candidates) {
    for (const auto& [name, value] : c.params) {
      if (const auto* names = value_names(name))
        out << fmt::format("{:>18} ", name_of(*names, value));
      else
        out << fmt::format("{:>18.{}g} ", value, param_digits[name]);
    }
    out << fmt::format("{:>{}.{}g} {:>12.4g} {:>5}\n", c.mean, width, digits, c.std, c.rank);
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
  for (const auto& [name, value] : candidates.front().params) {
    if (const auto* names = value_names(name)) {
      hdf5::write_strings(file, "param_" + name, names_column(candidates, name, *names));
    } else if (name == "pca.n_components") {
      std::vector<std::int64_t> counts;
      for (const auto& c : candidates) counts.push_back(static_cast<std::int64_t>(c.params.at(name)));
      hdf5::write_integers(file, "param_" + name, counts.data(), counts.size(), 0);
    } else {
      write_column(file, "param_" + name, candidates, [&name = name](const Candidate& c) { return c.params.at(name); });
    }
  }
  for (std::size_t k = 0; k < candidates.front().scores.size(); ++k)
    write_column(file, fmt::format("split{}_test_score", k), candidates, [k](const Candidate& c) { return c.scores[k]; });
  write_column(file, "mean_test_score", candidates, [](const Candidate& c) { return c.mean; });
  write_column(file, "std_test_score", candidates, [](const Candidate& c) { return c.std; });
  std::vector<std::int64_t> ranks;
  for (const auto& c : candidates) ranks.push_back(c.rank);
  hdf5::write_integers(file, "rank_test_score", ranks.data(), ranks.size(), 0);
  // No fit times here (they are in --json): the file's bytes depend on the data and the job alone,
  // so a resumed run writes exactly what an uninterrupted one would.
  hdf5::write_scalar(file, "best_score", candidates[best].mean);
}

void write_refit(hid_t file, nlohmann::json& summary, const Eigen::VectorXd& coef, double intercept, const ParamSet& params,
                 const std::vector<std::string>& names) {
  if (!coef.allFinite() || !std::isfinite(intercept))
    throw InputError("the refitted coefficients are not finite (are the features' values too large to square in double "
                     "precision?)");
  hdf5::write_matrix(file, "coef", coef.data(), static_cast<std::uint64_t>(coef.size()), 0);
  hdf5::write_scalar(file, "intercept", intercept);
  summary["coef"] = std::vector<double>(coef.data(), coef.data() + coef.size());
  summary["intercept"] = intercept;
  hdf5::write_strings(file, "feature_names", names);
  summary["feature_names"] = names;
  for (const auto& [name, value] : params) {
    const std::string field = name == "pca.n_components" ? "pca_n_components" : name;
    if (const auto* named = value_names(name))
      hdf5::write_string(file, field, name_of(*named, value));
    else if (name == "pca.n_components")
      hdf5::write_integer(file, field, static_cast<std::int64_t>(value));
    else
      hdf5::write_scalar(file, field, value);
    summary[field] = params_json({{name, value}})[name];
  }
}

void write_results_csv(const std::string& path, const std::vector<Candidate>& candidates) {
  std::ofstream csv(path);
  if (!csv) throw IoError(final_name_of(path) + ": cannot write: " + std::strerror(errno));
  csv.precision(17);
  for (const auto& [name, value] : candidates.front().params) csv << "param_" << name << ",";
  for (std::size_t k = 0; k < candidates.front().scores.size(); ++k) csv << "split" << k << "_test_score,";
  csv << "mean_test_score,std_test_score,rank_test_score\n";
  for (const auto& c : candidates) {
    for (const auto& [name, value] : c.params) {
      if (const auto* names = value_names(name))
        csv << name_of(*names, value) << ",";
      else if (name == "pca.n_components")
        csv << static_cast<std::int64_t>(value) << ",";
      else
        csv << value << ",";
    }
    for (double s : c.scores) csv << s << ",";
    csv << c.mean << "," << c.std << "," << c.rank << "\n";
  }
  errno = 0;
  if (!csv.flush() || (csv.close(), csv.fail()))
    throw IoError(final_name_of(path) + ": writing failed: " + std::strerror(errno ? errno : EIO));
}

std::string csv_path_for(const std::string& output) {
  const std::string csv = std::filesystem::path(output).replace_extension(".csv").string();
  return csv == output ? output + ".csv" : csv;
}

}  // namespace tessera
