#include "tessera/plan/metrics_plan.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tessera/kernels/linalg.hpp"
#include "tessera/kernels/metrics.hpp"
#include "tessera/stats/metrics.hpp"

namespace tessera {
namespace {

nlohmann::json regression(const RegressionMoments& m, hid_t file, std::ostream& report) {
  const nlohmann::json metrics{{"rows", static_cast<std::int64_t>(m.rows)}, {"mse", m.mse()}, {"rmse", std::sqrt(m.mse())},
                               {"mae", m.mae()}, {"r2", m.r2()}};
  for (const char* name : {"mse", "rmse", "mae", "r2"}) hdf5::write_scalar(file, name, metrics[name].get<double>());
  hdf5::write_integer(file, "rows", static_cast<std::int64_t>(m.rows));
  report << fmt::format("regression metrics on {} rows\n  MSE  {:.10g}\n  RMSE {:.10g}\n  MAE  {:.10g}\n  R²   {:.10g}\n",
                        m.rows, m.mse(), std::sqrt(m.mse()), m.mae(), m.r2())
         << std::flush;
  return metrics;
}

nlohmann::json classification(const ClassificationReport& r, const std::array<std::string, 2>& names, hid_t file,
                              std::ostream& report) {
  const ClassificationCounts& c = r.counts;
  // Class 0's precision and recall are class 1's with the roles swapped.
  const ClassificationCounts swapped{c.rows, c.tn, c.fn, c.fp, c.tp, c.log_loss_sum};
  // scikit-learn's layout: rows = truth, columns = prediction
  const std::int64_t confusion[4] = {static_cast<std::int64_t>(c.tn), static_cast<std::int64_t>(c.fp), static_cast<std::int64_t>(c.fn),
                                     static_cast<std::int64_t>(c.tp)};
  nlohmann::json metrics{{"rows", static_cast<std::int64_t>(c.rows)},
                         {"accuracy", c.accuracy()},
                         {"precision", c.precision()},
                         {"recall", c.recall()},
                         {"f1", c.f1()},
                         {"log_loss", c.log_loss()},
                         {"roc_auc", r.roc_auc},
                         {"confusion_matrix", {{c.tn, c.fp}, {c.fn, c.tp}}},
                         {"per_class",
                          {{names[0], {{"precision", swapped.precision()}, {"recall", swapped.recall()}, {"f1", swapped.f1()}, {"support", c.tn + c.fp}}},
                           {names[1], {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}, {"support", c.tp + c.fn}}}}}};
  for (const char* name : {"accuracy", "precision", "recall", "f1", "log_loss", "roc_auc"})
    hdf5::write_scalar(file, name, metrics[name].get<double>());
  hdf5::write_integer(file, "rows", static_cast<std::int64_t>(c.rows));
  hdf5::write_integers(file, "confusion_matrix", confusion, 2, 2);
  report << fmt::format("classification metrics on {} rows (predicted {} when p > 0.5)\n", c.rows, names[1]);
  report << fmt::format("{:>12} {:>10} {:>10} {:>10} {:>10}\n", "", "precision", "recall", "f1-score", "support");
  report << fmt::format("{:>12} {:>10.4f} {:>10.4f} {:>10.4f} {:>10}\n", names[0], swapped.precision(), swapped.recall(), swapped.f1(), c.tn + c.fp);
  report << fmt::format("{:>12} {:>10.4f} {:>10.4f} {:>10.4f} {:>10}\n", names[1], c.precision(), c.recall(), c.f1(), c.tp + c.fn);
  report << fmt::format("{:>12} {:>10} {:>10} {:>10.4f} {:>10}\n", "accuracy", "", "", c.accuracy(), c.rows);
  report << fmt::format("log-loss {:.10g}, ROC AUC {:.10g}\nconfusion matrix (rows: true {a}, {b}; columns: predicted {a}, {b})\n",
                        c.log_loss(), r.roc_auc, fmt::arg("a", names[0]), fmt::arg("b", names[1]));
  report << fmt::format("  {:>10} {:>10}\n  {:>10} {:>10}\n", c.tn, c.fp, c.fn, c.tp) << std::flush;
  return metrics;
}

}  // namespace

std::vector<TaskKey> add_metrics(Graph& graph, const ChunkReads& reads, const std::vector<RowChunk>& chunks, const MetricsOf& what) {
  if (!what.classification) return {reduce<RegressionMerge>(graph, per_chunk<RegressionMomentsOf>(graph, reads))};
  std::vector<TaskKey> counts;
  for (std::size_t i = 0; i < chunks.size(); ++i)
    counts.push_back(graph.add(task_of<ClassificationCountsOf>({chunks[i].begin, what.predictions}, {reads.x[i], reads.y[i]})));
  const TaskKey table = reduce<MergeScoreTables>(graph, per_chunk<ScoreTableOf>(graph, reads));
  return {reduce<Sum>(graph, counts), graph.add(task_of<AreaUnderCurve>({}, {table}))};
}

nlohmann::json publish_metrics(const std::vector<ValuePtr>& values, const MetricsOf& what, hid_t file, std::ostream& report) {
  const std::string kind = what.classification ? "classification" : "regression";
  if (!what.classification)
    return {{"metrics", regression(from_value<RegressionMoments>(*values[0]), file, report)}, {"kind", kind}};
  const auto area = from_value<AreaUnderCurve::Result>(*values[1]);
  const ClassificationReport r{from_value<ClassificationCounts>(*values[0]), area.auc};
  if (area.curve.cols() > 0) {
    hdf5::write_matrix(file, "roc_fpr", area.curve.row(0).eval().data(), static_cast<std::uint64_t>(area.curve.cols()), 0);
    hdf5::write_matrix(file, "roc_tpr", area.curve.row(1).eval().data(), static_cast<std::uint64_t>(area.curve.cols()), 0);
  }
  return {{"metrics", classification(r, what.class_names, file, report)}, {"kind", kind}};
}

}  // namespace tessera
