#pragma once
/// @file
/// Figures as plain inline SVG strings, for a self-contained offline HTML report: no JavaScript,
/// no fonts, nothing fetched. Every figure has a title and labelled axes (std::invalid_argument
/// otherwise), "nice" ticks (1/2/5 × 10^k, or the decades on a log axis), and skips NaN and
/// infinite values (a figure with nothing finite shows an empty plot area saying "no data").
///
/// @code
/// LineChart chart{"Cross-validation", {"alpha", /*log=*/true}, {"R²"}, {}};
/// chart.series.push_back({.name = "mean", .x = alphas, .y = means, .y_err = stds});
/// std::string figure = svg(chart);   // <svg class="plot" ...>...</svg>
/// @endcode
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::report {

/// An axis of a chart. A log axis is base 10; values <= 0 on it are skipped.
struct Axis {
  std::string label;
  bool log = false;
};

struct Series {
  std::string name;            ///< legend entry (a legend shows when there is more than one series or a name)
  std::vector<double> x, y;    ///< the same size
  std::vector<double> y_err;   ///< empty, or the size of y: a shaded band (with a line) or error bars of ±y_err
  bool points = true;          ///< draw markers
  bool line = true;            ///< join the points with a line, in the order given (broken at skipped values)
  bool dashed = false;         ///< a dashed line (the "chance" diagonal of a ROC curve)
};

struct LineChart {
  std::string title;
  Axis x, y;
  std::vector<Series> series;  ///< coloured from a 12-colour palette, cycling; the legend lists the first 12
};
std::string svg(const LineChart& chart);

/// One coefficient: its estimate and the interval low..high.
struct Interval {
  std::string label;
  double estimate = 0, low = 0, high = 0;
};
/// One row per coefficient, top to bottom, with a dashed vertical line at 0.
struct ForestPlot {
  std::string title;
  std::string x_label;
  std::vector<Interval> rows;
};
std::string svg(const ForestPlot& plot);

/// A matrix of values, cells[row][col], each written in its cell and coloured by value (a
/// confusion matrix: rows are y_ticks, columns x_ticks). Empty ticks number the rows or columns.
struct Heatmap {
  std::string title;
  Axis x, y;  ///< only the labels are used
  std::vector<std::string> x_ticks, y_ticks;
  std::vector<std::vector<double>> cells;
};
std::string svg(const Heatmap& map);

/// A busy interval of one row of a timeline; color is an index into the timeline's legend.
struct Span {
  int row = 0;
  double start = 0, end = 0;
  int color = 0;
  std::string tooltip;
};
/// A task stream: one horizontal band per row ("rank 1 compute"), a rect per span. Stays small
/// for hundreds of thousands of spans: spans narrower than a pixel are merged per row into
/// pixel columns, coloured by the legend entry covering most of the column and shaded by how
/// much of it is covered; at most 10,000 wider spans are drawn one by one, the widest 2,000 of
/// them with their tooltip.
struct Timeline {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> rows;
  std::vector<std::string> legend;
  std::vector<Span> spans;  ///< spans of rows out of range, non-finite or ending before they start are skipped
  /// Where the time axis starts (the job's start, before any span), if not at the first span.
  std::optional<double> origin;
};
std::string svg(const Timeline& timeline);

/// HTML/XML escaping of & < > " and '. Control characters XML cannot hold (all below U+0020
/// but tab, newline and carriage return) are dropped.
std::string escape(std::string_view text);

}  // namespace tessera::report
