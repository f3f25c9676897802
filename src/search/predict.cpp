#include "tessera/search/predict.hpp"

#include <fmt/format.h>

#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/io.hpp"

namespace tessera {

nlohmann::json write_predictions(Client& client, const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 const std::optional<BinaryClasses>& classes, OutputFile& output, std::ostream& report) {
  const bool classifier = classes.has_value();
  const PredictionGraph p = plan_predictions(data, coef, intercept, classes);
  // Rows are allocated in the HDF5 file now, and written with pwrite once it is closed, which
  // must wait for the metrics: until then the predictions are held on the workers.
  const auto n = static_cast<std::uint64_t>(data.x.rows);
  const std::uint64_t predictions_at = output.allocate_rows("predictions", n, 0);
  const std::uint64_t probabilities_at = classifier ? output.allocate_rows("probabilities", n, 0) : 0;
  std::vector<TaskKey> wanted = p.metrics;
  wanted.insert(wanted.end(), p.predictions.begin(), p.predictions.end());
  wanted.insert(wanted.end(), p.probabilities.begin(), p.probabilities.end());
  std::vector<Future> held = client.submit(p.graph, wanted);

  nlohmann::json metrics;  // null without a truth
  if (data.truth) {
    report << fmt::format("predictions for {}:{} scored against {}:{}\n", data.x.path, data.x.dataset, data.truth->path,
                          data.truth->dataset);
    std::vector<ValuePtr> values;
    for (std::size_t i = 0; i < p.metrics.size(); ++i) values.push_back(client.gather(held[i]));
    const hdf5::Handle group = hdf5::create_group(output.hdf5(), "evaluation");
    metrics = publish_metrics(values, p.scored, group.id(), report);
  }
  output.close();  // before the workers write into it

  std::vector<Future> writes;
  const auto write = [&](std::uint64_t offset, const std::vector<TaskKey>& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i)
      writes.push_back(
          client.submit(task_of<WriteRows>({output.temp_path(), static_cast<std::int64_t>(offset), p.chunks[i].begin}, {rows[i]})));
  };
  write(predictions_at, p.predictions);
  write(probabilities_at, p.probabilities);
  held.clear();  // each value lives until its write has run
  client.wait(writes);
  return metrics;
}

}  // namespace tessera
