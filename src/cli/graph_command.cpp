#include <fstream>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/io/atomic_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/jobs/job_type.hpp"
#include "tessera/core/log.hpp"

namespace tessera::cli {

int graph_command(const boost::mpi::communicator& world, const std::string& job_file, const std::vector<std::string>& overrides,
                  const std::string& out_path) {
  if (world.rank() != 0) return exit_code::ok;
  try {
    JobSpec job = load_job(job_file, overrides);
    const int workers = world.size() > 1 ? world.size() - 1 : 1;
    job.data.workers = workers;
    const PlannedGraph plan = job_type(job.model.type).plan(job, workers);
    plan.graph.validate();
    AtomicFile dot(out_path, /*overwrite=*/true);  // like any output: whole or not at all
    {
      std::ofstream out(dot.temp_path());
      out << plan.graph.to_dot(plan.outputs);
      if (!out.flush()) throw IoError(out_path + ": writing the DOT file failed");
    }
    dot.commit();
    spdlog::info("wrote {} ({} tasks, {} deduplicated)", out_path, plan.graph.size(), plan.graph.deduplicated());
    return exit_code::ok;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace tessera::cli
