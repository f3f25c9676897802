#pragma once
/// @file
/// The HTML report's pictures of a cross-validated search, drawn from its output file: for each
/// grid parameter the mean ± std test score against it (a log axis when the values span decades),
/// and the score on each test fold.
#include <nlohmann/json.hpp>
#include <vector>

#include "tessera/io/results_file.hpp"
#include "tessera/report/html_page.hpp"

namespace tessera {

std::vector<report::Section> search_figures(const ResultsFile& results, const nlohmann::json& summary);

}  // namespace tessera
