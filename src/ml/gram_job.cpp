#include "tessera/ml/gram_job.hpp"

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/ml/blocks.hpp"

namespace tessera {

PlannedGraph plan_gram(const JobSpec& job) {
  const MatrixSource x = open_source(job.data.path, job.data.features, 2);
  const MatrixSource y = open_source(job.data.path, job.data.target, 1);
  if (y.rows != x.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", y.path, y.dataset, y.rows, x.path, x.dataset, x.rows));
  PlannedGraph plan;
  const ChunkReads reads = read_xy_chunks(plan.graph, x, y, choose_chunk_rows(job.data.chunk_rows, x));
  plan.outputs = {tree_reduce(plan.graph, per_chunk(plan.graph, reads, "gram"))};
  return plan;
}

nlohmann::json run_gram(Client& client, const JobSpec& job, AtomicOutput& output) {
  PlannedGraph plan = plan_gram(job);
  auto futures = client.submit(plan.graph, plan.outputs);
  const ValuePtr total = client.gather(futures.front());
  const Eigen::MatrixXd& xtx = (*total)[0];
  const Eigen::MatrixXd& xty = (*total)[1];
  const double n = (*total)[2](0, 0);

  hdf5::Handle file = output.create();
  // XᵀX is symmetric, so its column-major storage is also its row-major storage.
  hdf5::write_matrix(file.id(), "XtX", xtx.data(), static_cast<std::uint64_t>(xtx.rows()), static_cast<std::uint64_t>(xtx.cols()));
  hdf5::write_matrix(file.id(), "Xty", xty.data(), static_cast<std::uint64_t>(xty.rows()), 0);
  hdf5::write_scalar(file.id(), "n", n);
  return {{"n", static_cast<std::int64_t>(n)}, {"p", xtx.rows()}};
}

}  // namespace tessera
