#pragma once
/// @file
/// The HTML report's picture of a kmeans grid: the elbow curve, inertia against k.
#include "tessera/jobs/job_type.hpp"

namespace tessera {

std::vector<report::Section> kmeans_figures(const ResultsFile& results, const nlohmann::json& summary);

}  // namespace tessera
