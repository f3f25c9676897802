#include "jobs/gram/gram_job.hpp"

#include <fmt/format.h>

#include "tessera/plan/chunk_advice.hpp"
#include "tessera/error.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"

namespace tessera {
namespace {

struct GramInputs {
  MatrixSource x, y;
};

GramInputs check_inputs(const JobSpec& job) {
  GramInputs in{open_features(job.data.path, job.data.features, job.data.feature_columns, "data"), open_source(job.data.path, job.data.target, 1)};
  if (in.y.rows != in.x.rows)
    throw InputError(fmt::format("{}:{} has {} rows but {}:{} has {}", in.y.path, in.y.dataset, in.y.rows, in.x.path, in.x.dataset,
                                 in.x.rows));
  return in;
}

PlannedGraph plan(const JobSpec& job, const GramInputs& in) {
  PlannedGraph plan;
  const ChunkReads reads = read_xy_chunks(plan.graph, in.x, in.y, choose_chunk_rows(job.data, in.x));
  plan.outputs = {reduce<Sum>(plan.graph, per_chunk<Gram>(plan.graph, reads))};
  return plan;
}

nlohmann::json run(Client& client, const JobSpec& job, OutputFile& output, std::ostream&) {
  const GramInputs in = check_inputs(job);
  const PlannedGraph p = plan(job, in);
  const auto total = from_value<Gram::Result>(*client.gather(client.submit(p.graph, p.outputs).front()));
  const Eigen::MatrixXd& xtx = total.xtx;
  const Eigen::MatrixXd& xty = total.xty;
  const double n = total.rows;
  // yᵀy is not part of the result (0 here): an overflowing y shows in Xᵀy.
  require_finite_sums(xtx, xty, 0, in.x, in.y);

  const hid_t file = output.hdf5();
  // XᵀX is symmetric, so its column-major storage is also its row-major storage.
  hdf5::write_matrix(file, "XtX", xtx.data(), static_cast<std::uint64_t>(xtx.rows()), static_cast<std::uint64_t>(xtx.cols()));
  hdf5::write_matrix(file, "Xty", xty.data(), static_cast<std::uint64_t>(xty.rows()), 0);
  hdf5::write_integer(file, "n", static_cast<std::int64_t>(n));
  return {{"n", static_cast<std::int64_t>(n)}, {"p", xtx.rows()}};
}

struct NoOptions {
  template <class Self, class Visit>
  static void fields(Self&, Visit&&) {}
};

}  // namespace

const JobType gram_job{"gram", "XᵀX and Xᵀy, blocked and tree-reduced. Output: `XtX`, `Xty`, `n`.",
                       [] { return schema_of<NoOptions>(); }, [] { return option_defaults<NoOptions>(); },
                       [](const JobSpec& job, int) { return plan(job, check_inputs(job)); }, run, nullptr};

}  // namespace tessera
