#pragma once
/// @file
/// The `tessera` subcommands. Each runs on every rank and returns the process exit code.
#include <boost/mpi/communicator.hpp>
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
};

int generate_command(const boost::mpi::communicator& world, const GenerateOptions& options);
int inspect_command(const boost::mpi::communicator& world, const std::string& file);
int run_command(const boost::mpi::communicator& world, const RunOptions& options);
/// `tessera keys`: every job type's [model] keys, as the Markdown docs/job-file.md holds.
int keys_command(const boost::mpi::communicator& world);
int graph_command(const boost::mpi::communicator& world, const std::string& job_file, const std::vector<std::string>& overrides,
                  const std::string& out_path);

/// Prints the error being handled as one line on stderr ("tessera: error: ...") and returns its exit code.
int report_current_exception();

}  // namespace tessera::cli
