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
#include "tessera/plan/planned_graph.hpp"

namespace tessera {

MatrixSource open_predict_rows(const PredictSpec& spec, const MatrixSource& fitted) {
  MatrixSource rows = open_source(spec.path, spec.features, 2);
  if (rows.cols != fitted.cols)
    throw InputError(fmt::format("{}:{} has {} columns but the model was fitted on {} ({}:{})", rows.path, rows.dataset, rows.cols,
                                 fitted.cols, fitted.path, fitted.dataset));
  return rows;
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

void write_predictions(Client& client, const MatrixSource& rows, const Eigen::VectorXd& coef, double intercept, bool classifier,
                       OutputFile& output) {
  std::vector<double> beta(coef.data(), coef.data() + coef.size());
  for (double& c : beta)
    if (std::isnan(c)) c = 0;  // a dependent column contributes nothing
  const auto n = static_cast<std::uint64_t>(rows.rows);
  const std::uint64_t predictions = output.allocate_rows("predictions", n, 0);
  const std::uint64_t probabilities = classifier ? output.allocate_rows("probabilities", n, 0) : 0;
  output.close();  // before the workers write into it

  const auto chunks = row_chunks(rows.rows, file_chunk_rows(rows));
  const auto count = static_cast<std::int64_t>(chunks.size());
  PlannedGraph plan;
  const auto write = [&](std::uint64_t offset, const RowChunk& chunk, TaskKey values) {
    plan.outputs.push_back(
        plan.graph.add(task_of<WriteRows>({output.temp_path(), static_cast<std::int64_t>(offset), chunk.begin}, {values})));
  };
  for (std::int64_t i = 0; i < count; ++i) {
    const RowChunk& chunk = chunks[static_cast<std::size_t>(i)];
    const TaskKey x = plan.graph.add(read_rows_task(rows, chunk, i, count));
    const TaskKey z = plan.graph.add(task_of<PredictRows>({beta, intercept}, {x}));
    if (!classifier) {
      write(predictions, chunk, z);
      continue;
    }
    write(predictions, chunk, plan.graph.add(task_of<ClassifyRows>({false}, {z})));
    write(probabilities, chunk, plan.graph.add(task_of<ClassifyRows>({true}, {z})));
  }
  client.wait(client.submit(plan.graph, plan.outputs));
}

}  // namespace tessera
