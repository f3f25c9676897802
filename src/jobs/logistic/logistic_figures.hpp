#pragma once
/// @file
/// The HTML report's pictures of a logistic search: the search's own, and how each model converged.
#include "tessera/jobs/job_type.hpp"

namespace tessera {

std::vector<report::Section> logistic_figures(const ResultsFile& results, const nlohmann::json& summary);

}  // namespace tessera
