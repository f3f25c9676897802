// tessera: the command-line entry point. Every rank parses the same arguments, then runs the
// chosen subcommand; see commands.hpp.
#include <CLI/CLI.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <charconv>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/runtime/process.hpp"
#include "tessera/core/interrupt.hpp"
#include "tessera/core/log.hpp"
#include "tessera/core/version.hpp"

namespace {

/// An exception nobody caught must still end the whole job, never leave ranks waiting.
[[noreturn]] void abort_job() {
  std::fputs("tessera: fatal: uncaught exception; aborting all ranks\n", stderr);
  MPI_Abort(MPI_COMM_WORLD, tessera::exit_code::failure);
  std::_Exit(tessera::exit_code::failure);
}

/// Checks the option's text itself: CLI11 would clamp an integer too large for int64 to its
/// maximum instead of refusing it, and 99999999999999999999 rows must be bad input, not a hang.
CLI::Validator integer_from(std::int64_t least) {
  return CLI::Validator(
      [least](std::string& text) -> std::string {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc::result_out_of_range) return "'" + text + "' does not fit in a 64-bit integer";
        if (error != std::errc() || end != text.data() + text.size()) return "'" + text + "' is not an integer";
        if (value < least) return "must be at least " + std::to_string(least) + ", got " + text;
        return "";
      },
      "INT >= " + std::to_string(least));
}

int run(int argc, char** argv, const boost::mpi::communicator& world) {
  using namespace tessera;
  CLI::App app{"tessera: task-graph analytics on HDF5 data over MPI"};
  app.require_subcommand(1);
  // -v and -q may come before or after the subcommand: subcommands pass them up.
  app.fallthrough();
  app.set_version_flag("--version", version_line());
  bool verbose = false, quiet = false;
  app.add_flag("-v,--verbose", verbose, "More log lines (kernel times)");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors");

  GenerateOptions gen;
  auto* generate = app.add_subcommand("generate", "Write a synthetic dataset (X, y, coef_true, expected_y)");
  generate->add_option("kind", gen.kind, "regression or classification")->required()->check(CLI::IsMember({"regression", "classification"}));
  generate->add_option("--rows", gen.rows, "Number of rows")->required()->check(integer_from(1));
  generate->add_option("--cols", gen.cols, "Number of columns")->required()->check(integer_from(1));
  generate->add_option("--seed", gen.seed, "Random seed")->check(integer_from(0));
  std::int64_t chunk_rows = 0;
  auto* chunk_option = generate->add_option("--chunk-rows", chunk_rows, "HDF5 chunk size in rows (default 65,536)")
                           ->check(integer_from(1));
  generate->add_option("--noise", gen.noise, "Noise standard deviation (regression)")->check(CLI::NonNegativeNumber);
  generate->add_option("--first-row", gen.first_row,
                       "Index of the first row in the seed's sequence (default 0): the same model, new rows, for a test set")
      ->check(integer_from(0));
  generate->add_flag("--overwrite", gen.overwrite, "Replace an existing output file");
  generate->add_option("output", gen.output, "Output .h5 file")->required();

  std::string inspect_file;
  auto* inspect = app.add_subcommand("inspect", "List the datasets of an HDF5 file");
  inspect->add_option("file", inspect_file, "HDF5 file")->required();

  cli::RunOptions run_options;
  auto* run = app.add_subcommand("run", "Run a job file");
  run->add_option("job", run_options.job_file, "Job file (TOML)")->required();
  run->add_option("--set", run_options.overrides, "Override a job setting: section.key=value");
  run->add_flag("--json", run_options.json, "Print a JSON summary as the last line of stdout");
  run->add_option("--checkpoint", run_options.checkpoint_dir,
                  "Keep results in this directory so a stopped run can be resumed (instead of [checkpoint] dir)");
  run->add_flag("--resume", run_options.resume, "Use the results an earlier run stored in the checkpoint directory");
  run->add_option("--grace", run_options.grace_seconds,
                  "After SIGTERM, SIGINT or SIGUSR1, seconds running tasks get to finish and be stored (default 10)")
      ->check(CLI::Range(0.0, 86400.0));
  run->add_option("--progress", run_options.progress_seconds,
                  "Seconds between progress lines on stderr when it is not a terminal (default 30; 0: none)")
      ->check(CLI::Range(0.0, 86400.0));

  run->add_option("--trace", run_options.trace_file,
                  "Write a trace of every task (Chrome trace-event JSON, for Perfetto or chrome://tracing)");
  run->add_option("--report", run_options.report_file, "Write an HTML report of the run and its results (works offline)");
  run->add_option("--trace-events", run_options.trace_events,
                  "Events a trace keeps per rank (default 1,000,000, 64 bytes each); past it, only totals")
      ->check(integer_from(1));

  cli::ReportOptions report_options;
  auto* report = app.add_subcommand("report", "Rebuild the HTML report of a run from its trace and output file");
  report->add_option("trace", report_options.trace_file, "The run's trace (tessera run --trace FILE.json)")->required();
  report->add_option("-o,--output", report_options.report_file, "HTML file to write")->required();
  report->add_option("--results", report_options.results_file,
                     "The run's output file (default: the path the trace records)");

  auto* keys = app.add_subcommand("keys", "List every job type's [model] keys (Markdown)");

  std::string graph_job, graph_out;
  std::vector<std::string> graph_overrides;
  auto* graph = app.add_subcommand("graph", "Write a job's task graph as Graphviz DOT");
  graph->add_option("job", graph_job, "Job file (TOML)")->required();
  graph->add_option("--set", graph_overrides, "Override a job setting: section.key=value");
  graph->add_option("-o,--output", graph_out, "DOT file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return world.rank() == 0 ? app.exit(e) : 0;
  } catch (const CLI::CallForVersion& e) {
    return world.rank() == 0 ? app.exit(e) : 0;
  } catch (const CLI::ParseError& e) {
    if (world.rank() == 0) {
      std::cerr << "tessera: error: " << e.what() << "\n";
      if (e.get_exit_code() == 0) return app.exit(e);
    }
    return e.get_exit_code() == 0 ? 0 : exit_code::bad_input;
  }
  init_logging(world.rank(), verbose ? LogLevel::verbose : quiet ? LogLevel::quiet : LogLevel::normal);

  if (*generate || *run) install_interrupt_handlers();  // the commands that write, and run long
  if (*chunk_option) gen.chunk_rows = chunk_rows;
  if (*generate) return cli::generate_command(world, gen);
  if (*inspect) return cli::inspect_command(world, inspect_file);
  if (*run) return cli::run_command(world, run_options);
  if (*keys) return cli::keys_command(world);
  if (*report) return cli::report_command(world, report_options);
  return cli::graph_command(world, graph_job, graph_overrides, graph_out);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(abort_job);
  int code;
  {
    tessera::Process process(argc, argv);
    code = run(argc, argv, process.world());
  }  // MPI_Finalize
  // _Exit: a worker whose compute thread is still inside a kernel at an abort must not wait for it.
  std::_Exit(code);
}
