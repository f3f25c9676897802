#pragma once
/// @file
/// The page shell of a self-contained offline HTML report: inline CSS only, no script, and a
/// Content-Security-Policy that forbids fetching anything, so the file opens the same anywhere.
///
/// @code
/// Page page{"tessera report", "ridge job, 4 ranks", {}};
/// page.sections.push_back({"Cross-validation", "Mean test score per alpha.", {svg(chart), html_table(t)}});
/// write_file("report.html", html(page));
/// @endcode
#include <string>
#include <vector>

#include "tessera/report/svg_chart.hpp"  // escape(), and the figures that make up the blocks

namespace tessera::report {

/// A table of text cells; cells that read as numbers ("12", "-3.5e-4", "97.1%", "1.2 s") are
/// right-aligned, and so is the header of a column holding only such cells.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};
/// `<table class="kernels">`, every cell escaped.
std::string html_table(const Table& table);

/// A heading, an introduction (plain text; a blank line starts a new paragraph) and blocks laid
/// out in a responsive grid. Blocks are markup inserted as they are: svg() or html_table() output.
struct Section {
  std::string heading;
  std::string intro;
  std::vector<std::string> blocks;
};
struct Page {
  std::string title;
  std::string subtitle;
  std::vector<Section> sections;
};
/// The whole document, from <!DOCTYPE html>.
std::string html(const Page& page);

}  // namespace tessera::report
