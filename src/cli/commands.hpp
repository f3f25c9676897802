#pragma once
/// @file
/// The `tessera` subcommands. Each runs on every rank and returns the process exit code.
#include <boost/mpi/communicator.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tessera/io/generate.hpp"

namespace tessera::cli {

struct RunOptions {
  std::string job_file;
  std::vector<std::string> overrides;
  bool json = false;
  std::string checkpoint_dir;  ///< --checkpoint (else the job's [checkpoint] dir)
  bool resume = false;
  double grace_seconds = 10;
  double progress_seconds = 30;
  std::string trace_file;    ///< --trace: Chrome trace-event JSON
  std::string report_file;   ///< --report: the HTML report
  std::uint64_t trace_events = 1'000'000;  ///< --trace-events: events kept per rank
};

/// `tessera report`: the HTML report of a finished run, from its trace (and its output file).
struct ReportOptions {
  std::string trace_file, report_file, results_file;
};

int generate_command(const boost::mpi::communicator& world, const GenerateOptions& options);
int inspect_command(const boost::mpi::communicator& world, const std::string& file);
int run_command(const boost::mpi::communicator& world, const RunOptions& options);
/// `tessera keys`: every job type's [model] keys, as the Markdown docs/job-file.md holds.
int keys_command(const boost::mpi::communicator& world);
int report_command(const boost::mpi::communicator& world, const ReportOptions& options);
int graph_command(const boost::mpi::communicator& world, const std::string& job_file, const std::vector<std::string>& overrides,
                  const std::string& out_path);

/// The HTML report of a run: its trace document (runtime/trace_file.hpp) and the job's results,
/// read from `results_path`.
std::string report_html(const nlohmann::json& trace, const std::string& results_path);

/// Prints the error being handled as one line on stderr ("tessera: error: ...") and returns its exit code.
int report_current_exception();

}  // namespace tessera::cli
