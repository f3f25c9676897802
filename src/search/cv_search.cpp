#include "tessera/search/cv_search.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "tessera/core/contract.hpp"
#include "tessera/error.hpp"
#include "tessera/kernels/cross_validation.hpp"
#include "tessera/plan/data_source.hpp"
#include "tessera/search/predict.hpp"
#include "tessera/search/stratified_folds.hpp"
#include "tessera/search/target_classes.hpp"

namespace tessera {
namespace {

/// Chunks stay in the workers' memory between passes when the data take at most this much per worker.
constexpr std::int64_t cache_bytes_per_worker = std::int64_t{1} << 30;

struct FirstPass {
  PlannedGraph plan;
  ChunkReads reads;
};

FirstPass first_pass(const JobSpec& job, const XyData& in) {
  FirstPass first;
  first.reads = read_xy_chunks(first.plan.graph, in.x, in.y, in.chunk_rows);
  first.plan.outputs = {add_fold_grams(first.plan.graph, first.reads, job, in)};
  return first;
}

}  // namespace

FoldStatistics::FoldStatistics(XyData data, std::vector<Eigen::MatrixXd> fold_grams, int folds)
    : data_(std::move(data)), grams_(std::move(fold_grams)), folds_(folds) {
  total_ = Eigen::MatrixXd::Zero(grams_.front().rows(), grams_.front().cols());
  for (const auto& g : grams_) total_ += g;
}

const StandardizedGram& FoldStatistics::standardized(int fold) const {
  auto it = standardized_.find(fold);
  if (it == standardized_.end()) {
    if (!feature_names_) feature_names_ = feature_names(data_.x);
    const Eigen::MatrixXd g = training(fold);
    Standardization s = standardization(g, *feature_names_, training_rows_name(fold));
    Eigen::MatrixXd z = standardized_gram(g, s);
    it = standardized_.emplace(fold, StandardizedGram{std::move(z), std::move(s)}).first;
  }
  return it->second;
}

const PrincipalAxes& FoldStatistics::axes(int fold, bool standardized_features) const {
  auto it = axes_.find({fold, standardized_features});
  if (it == axes_.end())
    it = axes_.emplace(std::pair{fold, standardized_features},
                       principal_axes(standardized_features ? standardized(fold).gram : training(fold)))
             .first;
  return it->second;
}

std::string FoldStatistics::training_rows_name(int fold) const {
  const std::string x = data_.x.path + ":" + data_.x.dataset;
  return fold < 0 ? "all rows of " + x : fmt::format("the training rows of fold {} of {}", fold, x);
}

namespace {
/// The most principal components the job asks for ([model.pca] and the grid); 0 for none.
std::int64_t most_components(const JobSpec& job, const SearchModel& model) {
  std::int64_t most = model.pca_components().value_or(0);
  if (job.search)
    if (auto it = job.search->grid.find("pca.n_components"); it != job.search->grid.end())
      for (double v : it->second) most = std::max(most, static_cast<std::int64_t>(v));
  return most;
}

/// The [predict] rows, checked before any pass; none without [predict].
std::optional<PredictData> open_predict(const JobSpec& job, const XyData& in) {
  if (!job.predict) return std::nullopt;
  if (job.cv && !job.search->refit)
    throw InputError("[predict] needs the model refitted on all rows: remove [search] refit = false, or [predict]");
  return open_predict_data(*job.predict, in.x);
}
}  // namespace

PlannedGraph plan_search(const JobSpec& job, const SearchModel& model) {
  const XyData in = open_xy(job, most_components(job, model));
  open_predict(job, in);
  model.binary_target(in);  // a classifier's checks of the data, up front as in run_search
  return first_pass(job, in).plan;
}

nlohmann::json run_search(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report, SearchModel& model) {
  XyData in = open_xy(job, most_components(job, model));
  const std::optional<PredictData> predict = open_predict(job, in);
  // A classifier's target in the user's encoding: its two classes first, read as 0 and 1 from then on.
  if (const auto needs = model.binary_target(in))
    in.y.classes = find_binary_classes(client, in.y, in.chunk_rows, model.positive_class(), *needs, report);
  // Stratified folds: the classes counted chunk by chunk (as read, so a binary target's as 0/1).
  if (job.cv && job.cv->stratify) in.strata = find_strata(client, in, job.cv->folds, report);
  const std::string csv = job.cv ? output.companion(csv_path_for(job.output.path)).temp_path() : std::string();

  // The first pass: per-fold Gram matrices. Its chunk reads stay on the workers when a model reads
  // the data again and they fit.
  const FirstPass first = first_pass(job, in);
  std::vector<TaskKey> wanted = first.plan.outputs;
  const bool hold = model.rereads_data() && in.x.rows * (in.x.cols + 1) * 8 <= cache_bytes_per_worker * client.workers();
  if (hold) {
    wanted.insert(wanted.end(), first.reads.x.begin(), first.reads.x.end());
    wanted.insert(wanted.end(), first.reads.y.begin(), first.reads.y.end());
  }
  std::vector<Future> held = client.submit(first.plan.graph, wanted);
  const int folds = job.cv ? static_cast<int>(job.cv->folds) : 0;
  const FoldStatistics stats(in, from_value<FoldGram::Result>(*client.gather(held.front())).grams, folds);
  require_finite_gram(stats.total(), in.x, in.y);
  model.check(stats);

  nlohmann::json summary{{"passes", 1}};
  ParamSet chosen = model.own_parameters();
  std::vector<Candidate> candidates;
  std::size_t best = 0;
  if (job.cv) {
    const SearchSpec& search = *job.search;
    const std::vector<ParamSet> grid =
        model.candidates(stats, search.grid.empty() ? std::vector<ParamSet>{chosen} : expand_grid(search.grid));
    // Models see every parameter: the grid's, and the [model] keys' for those it does not vary.
    std::vector<ParamSet> complete;
    for (const ParamSet& candidate : grid) {
      ParamSet p = model.own_parameters();
      for (const auto& [name, value] : candidate) p[name] = value;
      complete.push_back(std::move(p));
    }
    const std::vector<CandidateScores> scores = model.score(client, stats, complete, search.scoring);
    for (std::size_t c = 0; c < grid.size(); ++c)
      candidates.push_back(Candidate{grid[c], scores[c].scores, 0, 0, scores[c].fit_seconds});
    best = rank_candidates(candidates, search.scoring);
    chosen = complete[best];
  }
  std::optional<Refit> refit;
  if (!job.cv || job.search->refit) refit = model.refit(client, stats, chosen);
  held.clear();

  if (job.cv) {
    report << fmt::format("{}: {}-fold cross-validation, scoring {}, {} candidate(s): {}\n", model.name(), folds,
                          job.search->scoring, candidates.size(), model.fitting());
    publish_results(report, summary, output, csv, candidates, best, job.search->scoring);
  } else {
    std::string params;
    for (const auto& [name, value] : refit->params) params += fmt::format("{}{} = {:.6g}", params.empty() ? "" : ", ", name, value);
    report << fmt::format("{}: {}, fitted on {} rows: {}\n", model.name(), params, in.x.rows, model.fitting()) << std::flush;
  }
  if (refit) {
    const hid_t file = output.hdf5();
    write_refit(file, summary, refit->coef, refit->intercept, refit->params, feature_names(in.x));
    for (const auto& [name, value] : refit->counts) hdf5::write_integer(file, name, value);
    summary.update(refit->summary);
  }
  if (in.y.classes) publish_classes(*in.y.classes, output.hdf5(), summary);
  if (in.strata) publish_strata(*in.strata, in.y, output.hdf5(), summary);
  model.summarize(summary);
  model.write_datasets(output.hdf5());
  if (predict) {
    const nlohmann::json scored = write_predictions(client, *predict, refit->coef, refit->intercept,
                                                    model.classifies() ? in.y.classes : std::nullopt, output, report);
    if (!scored.is_null()) summary["evaluation"] = scored;
  }
  return summary;
}

}  // namespace tessera
