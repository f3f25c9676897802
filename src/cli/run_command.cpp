#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "tessera/checkpoint/store_directory.hpp"
#include "tessera/error.hpp"
#include "tessera/job/job_spec.hpp"
#include "tessera/kernels/builtin.hpp"
#include "tessera/jobs/job_type.hpp"
#include "tessera/runtime/cluster.hpp"
#include "tessera/core/log.hpp"
#include "tessera/core/trace.hpp"
#include "tessera/io/atomic_file.hpp"
#include "tessera/runtime/trace_file.hpp"

namespace tessera::cli {

namespace {
std::uint64_t document_dropped(const RunRecord& record) {
  std::uint64_t dropped = 0;
  for (const auto& rank : record.ranks) dropped += rank.dropped_events;
  return dropped;
}
}  // namespace

int run_command(const boost::mpi::communicator& world, const RunOptions& options) {
  // Every rank leaves the barrier together: the trace's common time origin.
  world.barrier();
  if (!options.trace_file.empty() || !options.report_file.empty())
    trace::Recorder::instance().start(options.trace_events);
  else
    trace::Recorder::instance().set_epoch();
  const auto start = std::chrono::steady_clock::now();
  KernelRegistry kernels;
  register_builtin_kernels(kernels);
  ClientOptions client_options;
  client_options.grace_seconds = options.grace_seconds;
  client_options.progress = ProgressOptions{options.progress_seconds, stderr_is_terminal()};
  try {
    return run_cluster(
        world, kernels,
        [&](Client& client) {
      JobSpec job = load_job(options.job_file, options.overrides);
      job.data.workers = client.workers();  // for chunk_rows = "auto" and the chunking advice
      OutputFile output(job.output.path, job.output.overwrite);  // checked before any work
      std::optional<AtomicFile> trace_out, report_out;  // checked now too; replaced if they exist
      if (!options.trace_file.empty()) trace_out.emplace(options.trace_file, /*overwrite=*/true);
      if (!options.report_file.empty()) report_out.emplace(options.report_file, /*overwrite=*/true);
      const std::string checkpoint_dir = !options.checkpoint_dir.empty() ? options.checkpoint_dir : job.checkpoint_dir.value_or("");
      if (options.resume && checkpoint_dir.empty())
        throw InputError("--resume needs a checkpoint directory: [checkpoint] dir in " + job.file + ", or --checkpoint DIR");
      std::optional<CheckpointDirectory> checkpoint;
      if (!checkpoint_dir.empty()) {
        checkpoint.emplace(checkpoint_dir, job, options.resume);
        if (checkpoint->skipped_entries())
          spdlog::warn("checkpoint {}: {} torn index entries (from a run that was killed) ignored", checkpoint_dir,
                       checkpoint->skipped_entries());
        if (options.resume)
          spdlog::info("checkpoint {}: resuming with {} stored results", checkpoint_dir, grouped(checkpoint->earlier_results()));
        else if (checkpoint->earlier_results())
          spdlog::info("checkpoint {}: {} results from an earlier run; pass --resume to use them", checkpoint_dir,
                       grouped(checkpoint->earlier_results()));
        client.use_checkpoint(checkpoint->setup());
      }
      // The human-readable report goes to stdout, or to stderr when stdout is for the JSON.
      nlohmann::json summary = job_type(job.model.type).run(client, job, output, options.json ? std::cerr : std::cout);
      output.commit();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      summary["output"] = job.output.path;
      summary["model"] = job.model.type;
      summary["ranks"] = world.size();
      summary["workers"] = client.workers();
      summary["tasks"] = client.stats().executed;
      summary["tasks_deduplicated"] = client.stats().deduplicated;
      summary["tasks_from_store"] = client.stats().loaded;
      if (checkpoint) summary["checkpoint"] = checkpoint->path();
      summary["seconds"] = seconds;
      // Rank 0 carries metadata only: its peak memory does not grow with the rows of the data.
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      summary["rank0_peak_memory_bytes"] = static_cast<std::int64_t>(usage.ru_maxrss) * 1024;
      const auto shared = client.stats().deduplicated;
      const RunRecord record = client.profile(seconds);
      summary["profile"] = record.profile.to_json();
      client.end_progress();
      const auto loaded = client.stats().loaded;
      spdlog::info("{} job done: {} tasks run on {} worker(s) in {:.3f} s{}{}; wrote {}", job.model.type, client.stats().executed,
                   client.workers(), seconds, loaded ? fmt::format(", {} results read from the checkpoint store", loaded) : "",
                   shared ? fmt::format(" ({} more were identical to a task already submitted and used its result)", shared) : "",
                   job.output.path);
      for (const std::string& line : record.profile.to_lines()) spdlog::info("{}", line);
      // -v: the kernel times as before the profile, one line each, for scripts that read them.
      for (const auto& [kernel, time] : client.stats().kernels)
        spdlog::debug("  {:<12} {:>7} tasks {:>9.3f} s", kernel, time.tasks, time.seconds);
      if (trace_out || report_out) {
        const nlohmann::json about = {{"type", job.model.type}, {"job_file", job.file}, {"output", job.output.path},
                                      {"summary", summary}};
        const std::string document = chrome_trace_json(record, about);
        // The results are committed already: a trace or report that cannot be written (a disk
        // that filled meanwhile) is a warning, not a failed job.
        try {
          if (trace_out) {
            write_and_commit(*trace_out, document);
            spdlog::info("wrote the trace {} (open it in https://ui.perfetto.dev or chrome://tracing)", options.trace_file);
          }
          if (report_out) {
            write_and_commit(*report_out, report_html(nlohmann::json::parse(document), job.output.path));
            spdlog::info("wrote the report {}", options.report_file);
          }
        } catch (const std::exception& e) {
          spdlog::warn("{}; the results are in {}", e.what(), job.output.path);
        }
        if (const std::uint64_t dropped = document_dropped(record); dropped)
          spdlog::warn("trace: {} events past the limit of {} per rank were not kept (--trace-events); the profile's "
                       "per-kernel totals count them",
                       grouped(dropped), grouped(options.trace_events));
      }
      if (options.json) std::cout << summary.dump() << std::endl;
      return exit_code::ok;
        },
        client_options);
  } catch (...) {
    return report_current_exception();  // only rank 0 gets here: workers return the code it sent
  }
}

}  // namespace tessera::cli
