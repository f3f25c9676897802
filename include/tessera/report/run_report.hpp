#pragma once
/// @file
/// The sections every run's report has, drawn from its trace document (Chrome trace-event JSON
/// with tessera's "tessera" block, runtime/trace_file.hpp): the task stream per rank and thread,
/// the utilisation of each rank over time, and the profile's tables.
#include <nlohmann/json.hpp>
#include <vector>

#include "tessera/report/html_page.hpp"

namespace tessera::report {

/// The job in numbers: what ran where, for how long (the profile's tables).
Section run_summary_section(const nlohmann::json& trace);
/// The task stream and utilisation over time.
Section timeline_section(const nlohmann::json& trace);

}  // namespace tessera::report
