#include "tessera/jobs/job_runner.hpp"

#include "tessera/error.hpp"
#include "jobs/dot/dot_job.hpp"
#include "jobs/evaluate/evaluate_job.hpp"
#include "jobs/gram/gram_job.hpp"
#include "jobs/logistic/logistic_job.hpp"
#include "jobs/ols/ols_job.hpp"
#include "jobs/ridge/ridge_job.hpp"

namespace tessera {

PlannedGraph plan_job(const JobSpec& job, int workers) {
  if (job.model.type == "gram") return plan_gram(job);
  if (job.model.type == "dot") return plan_dot(job, workers, job.output.path, 0);
  if (job.model.type == "ols") return plan_ols(job);
  if (job.model.type == "ridge") return plan_ridge(job);
  if (job.model.type == "logistic") return plan_logistic(job);
  if (job.model.type == "evaluate") return plan_evaluate(job);
  throw InputError("unknown model type '" + job.model.type + "'");
}

nlohmann::json run_job(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report) {
  if (job.model.type == "gram") return run_gram(client, job, output);
  if (job.model.type == "dot") return run_dot(client, job, output);
  if (job.model.type == "ols") return run_ols(client, job, output, report);
  if (job.model.type == "ridge") return run_ridge(client, job, output, report);
  if (job.model.type == "logistic") return run_logistic(client, job, output, report);
  if (job.model.type == "evaluate") return run_evaluate(client, job, output, report);
  throw InputError("unknown model type '" + job.model.type + "'");
}

}  // namespace tessera
