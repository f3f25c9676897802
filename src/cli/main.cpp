// tessera: the command-line entry point. Every rank parses the same arguments, then runs the
// chosen subcommand; see commands.hpp.
#include <CLI/CLI.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/io/hdf5.hpp"
#include "tessera/runtime/memory.hpp"
#include "tessera/util/log.hpp"

namespace {

/// An exception nobody caught must still end the whole job, never leave ranks waiting.
[[noreturn]] void abort_job() {
  std::fputs("tessera: fatal: uncaught exception; aborting all ranks\n", stderr);
  MPI_Abort(MPI_COMM_WORLD, tessera::exit_code::failure);
  std::_Exit(tessera::exit_code::failure);
}

int run(int argc, char** argv, const boost::mpi::communicator& world) {
  using namespace tessera;
  CLI::App app{"tessera: task-graph analytics on HDF5 data over MPI"};
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "More log lines");

  GenerateOptions gen;
  auto* generate = app.add_subcommand("generate", "Write a synthetic dataset (X, y, coef_true)");
  generate->add_option("kind", gen.kind, "regression or classification")->required()->check(CLI::IsMember({"regression", "classification"}));
  generate->add_option("--rows", gen.rows, "Number of rows")->required();
  generate->add_option("--cols", gen.cols, "Number of columns")->required();
  generate->add_option("--seed", gen.seed, "Random seed");
  generate->add_option("--chunk-rows", gen.chunk_rows, "HDF5 chunk size in rows");
  generate->add_option("--noise", gen.noise, "Noise standard deviation (regression)");
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
  } catch (const CLI::ParseError& e) {
    if (world.rank() == 0) {
      std::cerr << "tessera: error: " << e.what() << "\n";
      if (e.get_exit_code() == 0) return app.exit(e);
    }
    return e.get_exit_code() == 0 ? 0 : exit_code::bad_input;
  }
  init_logging(world.rank(), verbose);

  if (*generate) return cli::generate_command(world, gen);
  if (*inspect) return cli::inspect_command(world, inspect_file);
  if (*run) return cli::run_command(world, run_options);
  return cli::graph_command(world, graph_job, graph_overrides, graph_out);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(abort_job);
  tessera::keep_freed_memory_for_reuse();
  int code;
  {
    auto env = std::make_unique<boost::mpi::environment>(argc, argv, boost::mpi::threading::funneled);
    boost::mpi::communicator world;
    H5open();
    tessera::hdf5::silence_errors_on_this_thread();
    code = run(argc, argv, world);
    tessera::hdf5::close_cached_files();
    std::cout.flush();
    std::fflush(nullptr);
    env.reset();  // MPI_Finalize
  }
  // _Exit: a worker whose compute thread is still inside a kernel at an abort must not wait for it.
  std::_Exit(code);
}
