// `tessera report` and the HTML report `tessera run --report` writes: one page, every style
// inline, no script, nothing fetched (a Content-Security-Policy forbids it), so it opens on a
// laptop with no network.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "commands.hpp"
#include "tessera/error.hpp"
#include "tessera/core/log.hpp"
#include "tessera/io/atomic_file.hpp"
#include "tessera/jobs/job_type.hpp"
#include "tessera/report/run_report.hpp"

namespace tessera::cli {

std::string report_html(const nlohmann::json& trace, const std::string& results_path) {
  const auto& job = trace.at("tessera").at("job");
  const std::string type = job.value("type", std::string());
  report::Page page;
  page.title = fmt::format("tessera: {} job", type);
  page.subtitle = fmt::format("{} → {}", job.value("job_file", std::string()), results_path);
  const JobType* job_kind = nullptr;
  for (const JobType* t : job_types())
    if (type == t->name) job_kind = t;
  if (job_kind && job_kind->figures) {
    const ResultsFile results(results_path);
    for (auto& section : job_kind->figures(results, job.value("summary", nlohmann::json::object())))
      page.sections.push_back(std::move(section));
  }
  page.sections.push_back(report::run_summary_section(trace));
  page.sections.push_back(report::timeline_section(trace));
  return report::html(page);
}

int report_command(const boost::mpi::communicator& world, const ReportOptions& options) {
  if (world.rank() != 0) return exit_code::ok;  // one process writes the page; the others have nothing to do
  try {
    AtomicFile out(options.report_file, /*overwrite=*/true);
    std::ifstream in(options.trace_file);
    if (!in) throw InputError(options.trace_file + ": cannot open the trace (" + std::strerror(errno) + ")");
    nlohmann::json trace = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (trace.is_discarded()) throw InputError(options.trace_file + ": not JSON (is it a trace tessera run --trace wrote?)");
    if (!trace.is_object() || !trace.contains("tessera") || !trace.contains("traceEvents"))
      throw InputError(options.trace_file + ": not a tessera trace (no \"tessera\" block; write one with tessera run --trace)");
    const std::string results =
        !options.results_file.empty() ? options.results_file : trace["tessera"]["job"].value("output", std::string());
    write_and_commit(out, report_html(trace, results));
    spdlog::info("wrote the report {}", options.report_file);
    return exit_code::ok;
  } catch (const nlohmann::json::exception& e) {
    try {
      throw InputError(options.trace_file + ": not a complete tessera trace (" + e.what() + ")");
    } catch (...) {
      return report_current_exception();
    }
  } catch (...) {
    return report_current_exception();
  }
}

}  // namespace tessera::cli
