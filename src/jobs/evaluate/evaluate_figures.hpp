#pragma once
/// @file
/// The HTML report's pictures of a classification evaluate: the confusion matrix and the ROC curve.
#include "tessera/jobs/job_type.hpp"

namespace tessera {

std::vector<report::Section> evaluate_figures(const ResultsFile& results, const nlohmann::json& summary);

}  // namespace tessera
