#include "tessera/plan/predictions.hpp"

#include <cmath>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/kernels/io.hpp"
#include "tessera/kernels/least_squares.hpp"
#include "tessera/kernels/logistic.hpp"
#include "tessera/plan/chunk_advice.hpp"
#include "tessera/plan/chunk_reads.hpp"
#include "tessera/plan/metrics_plan.hpp"

namespace tessera {

PredictData open_predict_data(const PredictSpec& spec, const MatrixSource& fitted) {
  PredictData data{open_source(spec.path, spec.features, 2), std::nullopt};
  const MatrixSource& x = data.x;
  if (x.cols != fitted.cols)
    throw InputError(fmt::format("{}:{} has {} columns but the model was fitted on {} ({}:{})", x.path, x.dataset, x.cols,
                                 fitted.cols, fitted.path, fitted.dataset));
  if (spec.target) {
    data.truth = open_source(spec.path, *spec.target, 1);
    if (data.truth->rows != x.rows)
      throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", data.truth->path, data.truth->dataset, data.truth->rows,
                                   x.path, x.dataset, x.rows));
  }
  return data;
}

std::vector<std::string> feature_names(const MatrixSource& x) {
  std::vector<std::string> names;
  {
    hdf5::Handle file = hdf5::open_for_reading(x.path);
    names = hdf5::read_string_attribute(file.id(), x.dataset, "feature_names");
  }
  if (names.size() != static_cast<std::size_t>(x.cols)) {
    names.clear();
    for (std::int64_t j = 0; j < x.cols; ++j) names.push_back(fmt::format("x{}", j));
  }
  return names;
}

nlohmann::json write_predictions(Client& client, const PredictData& data, const Eigen::VectorXd& coef, double intercept,
                                 bool classifier, OutputFile& output, std::ostream& report) {
  std::vector<double> beta(coef.data(), coef.data() + coef.size());
  for (double& c : beta)
    if (std::isnan(c)) c = 0;  // a dependent column contributes nothing
  const auto chunks = row_chunks(data.x.rows, file_chunk_rows(data.x));
  const auto count = static_cast<std::int64_t>(chunks.size());

  // Per chunk, the values to write into each dataset, and what the metrics score.
  Graph graph;
  std::vector<TaskKey> values, labels, probabilities;
  ChunkReads scored;
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = chunks[static_cast<std::size_t>(i)];
    const TaskKey x = graph.add(read_rows_task(data.x, chunk, i, count));
    const TaskKey z = graph.add(task_of<PredictRows>({beta, intercept}, {x}));
    if (classifier) {
      labels.push_back(graph.add(task_of<ClassifyRows>({false}, {z})));
      probabilities.push_back(graph.add(task_of<ClassifyRows>({true}, {z})));
    } else {
      values.push_back(z);
    }
    if (data.truth) {
      scored.x.push_back(graph.add(read_rows_task(*data.truth, chunk, i, count)));
      scored.y.push_back(classifier ? probabilities.back() : z);
    }
  }

  // Rows are allocated in the HDF5 file now, and written with pwrite once it is closed, which
  // must wait for the metrics: until then the predictions are held on the workers.
  const auto n = static_cast<std::uint64_t>(data.x.rows);
  const std::uint64_t predictions_at = output.allocate_rows("predictions", n, 0);
  const std::uint64_t probabilities_at = classifier ? output.allocate_rows("probabilities", n, 0) : 0;
  const MetricsOf what{classifier, data.truth ? data.truth->path + ":" + data.truth->dataset : "", "the predictions"};
  const std::vector<TaskKey> metric_outputs = data.truth ? add_metrics(graph, scored, chunks, what) : std::vector<TaskKey>{};
  const std::vector<TaskKey>& written = classifier ? labels : values;
  std::vector<TaskKey> wanted = metric_outputs;
  wanted.insert(wanted.end(), written.begin(), written.end());
  wanted.insert(wanted.end(), probabilities.begin(), probabilities.end());
  std::vector<Future> held = client.submit(graph, wanted);

  nlohmann::json metrics;  // null without a truth
  if (data.truth) {
    report << fmt::format("predictions for {}:{} scored against {}:{}\n", data.x.path, data.x.dataset, data.truth->path,
                          data.truth->dataset);
    const hdf5::Handle group = hdf5::create_group(output.hdf5(), "evaluation");
    metrics = publish_metrics(client, {held.begin(), held.begin() + static_cast<std::ptrdiff_t>(metric_outputs.size())}, what,
                              group.id(), report);
  }
  output.close();  // before the workers write into it

  std::vector<Future> writes;
  const auto write = [&](std::uint64_t offset, const std::vector<TaskKey>& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i)
      writes.push_back(client.submit(task_of<WriteRows>({output.temp_path(), static_cast<std::int64_t>(offset), chunks[i].begin}, {rows[i]})));
  };
  write(predictions_at, written);
  write(probabilities_at, probabilities);
  held.clear();  // each value lives until its write has run
  client.wait(writes);
  return metrics;
}

}  // namespace tessera
