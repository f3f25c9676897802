#pragma once
/// @file
/// The job-type table. A job type (gram, dot, ols, ridge, logistic, evaluate, ...) is one folder
/// under src/jobs/ that defines one JobType, and one line in src/jobs/job_types.cpp. Everything
/// else follows the table: the job file's [model] keys and their checks, [cv]/[search]/[predict]
/// where they apply, `tessera run`, `tessera graph`, and the key list `tessera keys` prints (the
/// one docs/job-file.md shows).
///
/// @code
/// const JobSpec job = load_job("ridge.toml");
/// const JobType& type = job_type(job.model.type);
/// nlohmann::json summary = type.run(client, job, output, std::cout);
/// @endcode
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "tessera/io/output_file.hpp"
#include "tessera/io/results_file.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/plan/planned_graph.hpp"
#include "tessera/report/html_page.hpp"
#include "tessera/runtime/client.hpp"

namespace tessera {

/// The `standardize` key's meaning, as every linear model's [model] documents it.
inline constexpr const char* standardize_meaning =
    "scale each feature to mean 0 and standard deviation 1 on the training rows first (StandardScaler, from the same "
    "statistics); coefficients are reported on the original scale";

struct JobType {
  const char* name;
  const char* summary;  ///< one line, for `tessera keys` and the docs
  /// Its [model] keys and what else it takes (job/model_schema.hpp).
  ModelSchema (*schema)();
  /// The defaults of its [model] keys, in the schema's order, as the docs print them.
  std::vector<std::string> (*defaults)();
  /// The graph `tessera graph` draws (the job's first graph when it grows as results arrive).
  PlannedGraph (*plan)(const JobSpec& job, int workers);
  /// Runs the job on rank 0: writes its datasets into `output` (committed by the caller), prints
  /// its human-readable report to `report` and returns the fields of its summary.
  nlohmann::json (*run)(Client& client, const JobSpec& job, OutputFile& output, std::ostream& report);
  /// The HTML report's pictures of its results, drawn from its output file and summary (nullptr:
  /// none beyond the run's own).
  std::vector<report::Section> (*figures)(const ResultsFile& results, const nlohmann::json& summary);
};

/// Every job type, in the order the docs list them.
const std::vector<const JobType*>& job_types();
/// The job type called `name`; Error if there is none (the parser has checked the name already).
const JobType& job_type(const std::string& name);

/// The table as the job file's parser wants it.
const ModelTypes& model_types();
/// Job files parsed against the table (job/job_spec.hpp).
JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides = {});
JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides = {});

/// Every type's [model] keys as Markdown tables: what `tessera keys` prints and docs/job-file.md holds.
std::string model_keys_markdown();

}  // namespace tessera
