#include "jobs/dot/dot_job.hpp"

#include <fmt/format.h>

#include "tessera/plan/chunk_advice.hpp"
#include "tessera/error.hpp"
#include "tessera/kernels/io.hpp"
#include "tessera/kernels/linalg.hpp"
#include "tessera/plan/chunk_reads.hpp"

namespace tessera {
namespace {
struct DotShapes {
  MatrixSource a, b;
};

DotShapes check_shapes(const JobSpec& job) {
  DotShapes s{open_source(job.data.path, job.data.a, 2), open_source(job.data.b_path, job.data.b, 0)};
  if (s.a.cols != s.b.rows)
    throw InputError(fmt::format("dot: {}:{} is {} x {} but {}:{} is {} x {}; A's columns must equal B's rows", s.a.path,
                                 s.a.dataset, s.a.rows, s.a.cols, s.b.path, s.b.dataset, s.b.rows, s.b.cols));
  return s;
}
/// `out_path` and `offset` say where the write tasks put C (see OutputFile::allocate_rows).
PlannedGraph plan(const JobSpec& job, int workers, const std::string& out_path, std::uint64_t offset) {
  const DotShapes s = check_shapes(job);
  const auto chunks = row_chunks(s.a.rows, choose_chunk_rows(job.data, s.a));
  const auto count = static_cast<std::int64_t>(chunks.size());
  PlannedGraph plan;
  // One copy of B per worker, placed like that worker's chunks, so no chunk waits on a transfer.
  std::vector<TaskKey> b_copies;
  for (std::int64_t w = 0; w < workers; ++w)
    b_copies.push_back(plan.graph.add(task_of<ReadAll>({s.b.path, s.b.dataset, s.b.rows, s.b.cols, w}, {}, Locality{w, workers})));
  for (std::int64_t i = 0; i < count; ++i) {
    const TaskKey a = plan.graph.add(read_rows_task(s.a, chunks[i], i, count));
    const TaskKey c = plan.graph.add(task_of<MatmulRows>({}, {a, b_copies[static_cast<std::size_t>(i * workers / count)]}));
    plan.outputs.push_back(plan.graph.add(task_of<WriteRows>({out_path, static_cast<std::int64_t>(offset), chunks[i].begin}, {c})));
  }
  return plan;
}

nlohmann::json run(Client& client, const JobSpec& job, OutputFile& output, std::ostream&) {
  const DotShapes s = check_shapes(job);
  const std::uint64_t offset = output.allocate_rows("C", static_cast<std::uint64_t>(s.a.rows), static_cast<std::uint64_t>(s.b.cols));
  output.close();  // before the workers write into it
  const PlannedGraph p = plan(job, client.workers(), output.temp_path(), offset);
  client.wait(client.submit(p.graph, p.outputs));
  return {{"n", s.a.rows}, {"k", s.a.cols}, {"m", s.b.cols}};
}

struct NoOptions {
  template <class Self, class Visit>
  static void fields(Self&, Visit&&) {}
};

}  // namespace

const JobType dot_job{"dot",
                      "The product C = A·B of a row-chunked A (`[data] a`, n x k) and a whole B (`b`, `b_path`), written "
                      "by the workers into the output. Output: `C`.",
                      [] { return schema_of<NoOptions>(); },
                      [] { return option_defaults<NoOptions>(); },
                      [](const JobSpec& job, int workers) { return plan(job, workers, job.output.path, 0); },
                      run,
                      nullptr};

}  // namespace tessera
