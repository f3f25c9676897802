#include "jobs/evaluate/evaluate_job.hpp"
#include "jobs/evaluate/evaluate_figures.hpp"

#include <fmt/format.h>

#include "tessera/plan/chunk_advice.hpp"
#include "tessera/error.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/metrics_plan.hpp"
#include "tessera/plan/target_classes.hpp"
#include "tessera/search/target_classes.hpp"

namespace tessera {
namespace {

bool classification(const JobSpec& job) { return job.model.as<EvaluateOptions>().metrics == "classification"; }

MetricsOf metrics_of(const JobSpec& job, const MatrixSource& truth, const MatrixSource& predicted) {
  MetricsOf what{classification(job), truth.path + ":" + truth.dataset,
                 predicted.path + ":" + predicted.dataset};
  if (truth.classes) what.class_names = {class_name(truth.classes->negative), class_name(truth.classes->positive)};
  return what;
}

struct Sources {
  MatrixSource truth, predicted;
};

Sources open_sources(const JobSpec& job) {
  Sources s{open_source(job.data.path, job.data.target, 1), open_source(job.data.predictions_path, job.data.predictions, 1)};
  if (s.predicted.rows != s.truth.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", s.predicted.path, s.predicted.dataset, s.predicted.rows,
                                 s.truth.path, s.truth.dataset, s.truth.rows));
  return s;
}

/// The truth and the predictions read chunk by chunk, and the metrics' tasks on them
/// (plan/metrics_plan.hpp): rank 0 receives a few numbers, never a row.
PlannedGraph plan(const JobSpec& job, const Sources& s) {
  PlannedGraph plan;
  const std::int64_t chunk_rows = choose_chunk_rows(job.data, s.truth);
  const ChunkReads reads = read_xy_chunks(plan.graph, s.truth, s.predicted, chunk_rows);
  plan.outputs = add_metrics(plan.graph, reads, row_chunks(s.truth.rows, chunk_rows), metrics_of(job, s.truth, s.predicted));
  return plan;
}

nlohmann::json run(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  Sources s = open_sources(job);
  // A truth of any two values: its classes first, read as 0 and 1 by the metrics' pass.
  if (classification(job))
    s.truth.classes = find_binary_classes(client, s.truth, choose_chunk_rows(job.data, s.truth),
                                          job.model.as<EvaluateOptions>().positive_class, "classification", report,
                                          /*one_class_is_fine=*/true);
  const PlannedGraph p = plan(job, s);
  std::vector<ValuePtr> values;
  for (const Future& f : client.submit(p.graph, p.outputs)) values.push_back(client.gather(f));
  nlohmann::json summary = publish_metrics(values, metrics_of(job, s.truth, s.predicted), output.hdf5(), report);
  if (s.truth.classes) publish_classes(*s.truth.classes, output.hdf5(), summary);
  return summary;
}

}  // namespace

const JobType evaluate_job{"evaluate",
                           "Metrics of a predictions file (`[data] predictions`, `predictions_path`) against the truth "
                           "(`target`), as sklearn.metrics computes them.",
                           [] { return schema_of<EvaluateOptions>(); },
                           [] { return option_defaults<EvaluateOptions>(); },
                           [](const JobSpec& job, int) { return plan(job, open_sources(job)); },
                           run,
                           evaluate_figures};

}  // namespace tessera
