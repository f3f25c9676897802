#include <fstream>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/ml/job_runner.hpp"
#include "tessera/util/log.hpp"

namespace tessera::cli {

int graph_command(const boost::mpi::communicator& world, const std::string& job_file, const std::vector<std::string>& overrides,
                  const std::string& out_path) {
  if (world.rank() != 0) return exit_code::ok;
  try {
    const JobSpec job = load_job(job_file, overrides);
    const int workers = world.size() > 1 ? world.size() - 1 : 1;
    const PlannedGraph plan = plan_job(job, workers);
    plan.graph.validate();
    std::ofstream out(out_path);
    if (!out) throw InputError(out_path + ": cannot write the DOT file");
    out << plan.graph.to_dot(plan.outputs);
    if (!out.flush()) throw IoError(out_path + ": writing failed");
    spdlog::info("wrote {} ({} tasks, {} deduplicated)", out_path, plan.graph.size(), plan.graph.deduplicated());
    return exit_code::ok;
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace tessera::cli
