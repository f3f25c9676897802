#pragma once
/// @file
/// The HTML report's picture of a least-squares fit: the coefficients with their 95% confidence
/// intervals, as a forest plot.
#include "tessera/jobs/job_type.hpp"

namespace tessera {

std::vector<report::Section> ols_figures(const ResultsFile& results, const nlohmann::json& summary);

}  // namespace tessera
