// The report's figures and page, read back the way a browser or parser would: coordinates parsed
// out of the SVG and checked against the axes, tick labels, sizes, and what the page may fetch.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/report/html_page.hpp"
#include "tessera/report/svg_chart.hpp"

namespace tessera::report {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// Every start tag `<name ...>` or `<name .../>` of one element name, in order.
std::vector<std::string> tags(const std::string& svg, const std::string& name) {
  std::vector<std::string> found;
  const std::string open = "<" + name;
  for (std::size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const char next = svg[at + open.size()];
    if (next == ' ' || next == '>' || next == '/') found.push_back(svg.substr(at, svg.find('>', at) - at + 1));
  }
  return found;
}

/// Tags of one name carrying class="cls".
std::vector<std::string> tags(const std::string& svg, const std::string& name, const std::string& cls) {
  std::vector<std::string> found;
  for (const std::string& tag : tags(svg, name))
    if (tag.find("class=\"" + cls + "\"") != std::string::npos) found.push_back(tag);
  return found;
}

std::string attr_text(const std::string& tag, const std::string& name) {
  const std::string key = " " + name + "=\"";
  const std::size_t at = tag.find(key);
  if (at == std::string::npos) return {};
  const std::size_t from = at + key.size();
  return tag.substr(from, tag.find('"', from) - from);
}

double attr(const std::string& tag, const std::string& name) {
  const std::string text = attr_text(tag, name);
  if (text.empty()) ADD_FAILURE() << "no " << name << " in " << tag;
  return text.empty() ? kNaN : std::stod(text);
}

/// The contents of every `<text class="cls" ...>content</text>`.
std::vector<std::string> texts(const std::string& svg, const std::string& cls) {
  std::vector<std::string> found;
  const std::string open = "<text class=\"" + cls + "\"";
  for (std::size_t at = svg.find(open); at != std::string::npos; at = svg.find(open, at + 1)) {
    const std::size_t from = svg.find('>', at) + 1;
    found.push_back(svg.substr(from, svg.find("</text>", from) - from));
  }
  return found;
}

struct Area {
  double left, top, width, height;
};
Area plot_area(const std::string& svg) {
  const auto rects = tags(svg, "rect", "plot-area");
  EXPECT_EQ(rects.size(), 1u);
  if (rects.empty()) return {kNaN, kNaN, kNaN, kNaN};
  return {attr(rects[0], "x"), attr(rects[0], "y"), attr(rects[0], "width"), attr(rects[0], "height")};
}

/// A small XML check: tags nest and close, attributes are quoted, '&' starts an entity, and no
/// raw '<' or '>' in text. Returns what is wrong, or "".
std::string xml_problem(const std::string& doc) {
  std::vector<std::string> open;
  static const std::regex entity("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
  for (std::size_t i = 0; i < doc.size();) {
    if (doc[i] == '&') {
      if (!std::regex_search(doc.begin() + static_cast<std::ptrdiff_t>(i), doc.end(), entity))
        return "bare & at " + std::to_string(i);
      ++i;
      continue;
    }
    if (doc[i] == '>') return "bare > at " + std::to_string(i);
    if (doc[i] != '<') {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < doc.size() && (quote || doc[end] != '>'); ++end) {
      if (quote && doc[end] == quote) quote = 0;
      else if (!quote && (doc[end] == '"' || doc[end] == '\'')) quote = doc[end];
      else if (!quote && doc[end] == '<') return "< inside a tag at " + std::to_string(end);
    }
    if (end == doc.size()) return "unterminated tag at " + std::to_string(i);
    const std::string tag = doc.substr(i, end - i + 1);
    static const std::regex start("^<([a-zA-Z][a-zA-Z0-9-]*)(\\s+[a-zA-Z_:][a-zA-Z0-9_:.-]*=\"[^\"]*\")*\\s*/?>$");
    static const std::regex close("^</([a-zA-Z][a-zA-Z0-9-]*)>$");
    std::smatch m;
    if (std::regex_match(tag, m, close)) {
      if (open.empty() || open.back() != m[1]) return "unexpected " + tag;
      open.pop_back();
    } else if (std::regex_match(tag, m, start)) {
      if (tag[tag.size() - 2] != '/') open.push_back(m[1]);
    } else {
      return "malformed tag " + tag.substr(0, 80);
    }
    i = end + 1;
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// Checks shared by every figure: the root element, title, labels, font and well-formed XML.
void expect_a_figure(const std::string& svg, const std::string& title, const std::string& x_label,
                     const std::string& y_label) {
  EXPECT_TRUE(svg.starts_with(R"(<svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )")) << svg.substr(0, 120);
  const std::string root = svg.substr(0, svg.find('>') + 1);
  const std::string width = attr_text(root, "width"), height = attr_text(root, "height");
  EXPECT_EQ(attr_text(root, "viewBox"), "0 0 " + width + " " + height);
  EXPECT_EQ(attr_text(root, "role"), "img");
  EXPECT_EQ(attr_text(root, "aria-label"), title);
  EXPECT_EQ(attr_text(root, "font-family"), "DejaVu Sans, Arial, sans-serif");
  EXPECT_TRUE(svg.ends_with("</svg>"));
  EXPECT_EQ(texts(svg, "title"), std::vector<std::string>{title});
  EXPECT_EQ(texts(svg, "x-label"), std::vector<std::string>{x_label});
  EXPECT_EQ(texts(svg, "y-label"), std::vector<std::string>{y_label});
  EXPECT_NE(tags(svg, "text", "y-label")[0].find("rotate(-90)"), std::string::npos);
  EXPECT_EQ(tags(svg, "rect", "plot-area").size(), 1u);
  EXPECT_EQ(xml_problem(svg), "");
  // Coordinates carry two decimals at most: no long digit strings anywhere.
  EXPECT_FALSE(std::regex_search(svg, std::regex("[0-9]\\.[0-9]{3,}"))) << "over-precise number";
}

LineChart unit_chart() {
  LineChart chart{"Points", {"x value"}, {"y value"}, {}};
  chart.series.push_back({.x = {0, 0.5, 1}, .y = {0, 0.25, 1}, .line = false});
  return chart;
}

TEST(SvgChart, IsAFigureWithItsTitleAndAxisLabels) {
  expect_a_figure(svg(unit_chart()), "Points", "x value", "y value");
  EXPECT_EQ(attr_text(svg(unit_chart()).substr(0, 200), "width"), "640");
}

TEST(SvgChart, APointLandsWhereTheAxesPutIt) {
  const std::string out = svg(unit_chart());
  const Area a = plot_area(out);
  const auto circles = tags(out, "circle");
  ASSERT_EQ(circles.size(), 3u);
  // Data 0..1 on both axes: the domain is exactly 0..1, y grows upwards.
  EXPECT_NEAR(attr(circles[0], "cx"), a.left, 0.006);
  EXPECT_NEAR(attr(circles[0], "cy"), a.top + a.height, 0.006);
  EXPECT_NEAR(attr(circles[1], "cx"), a.left + 0.5 * a.width, 0.006);
  EXPECT_NEAR(attr(circles[1], "cy"), a.top + 0.75 * a.height, 0.006);
  EXPECT_NEAR(attr(circles[2], "cx"), a.left + a.width, 0.006);
  EXPECT_NEAR(attr(circles[2], "cy"), a.top, 0.006);
}

TEST(SvgChart, TicksOfTheUnitRangeAreEveryFifth) {
  const std::string out = svg(unit_chart());
  const std::vector<std::string> expected = {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"};
  EXPECT_EQ(texts(out, "x-tick"), expected);
  EXPECT_EQ(texts(out, "y-tick"), expected);
  const Area a = plot_area(out);
  const auto labels = tags(out, "text", "x-tick");
  for (std::size_t i = 0; i < labels.size(); ++i)
    EXPECT_NEAR(attr(labels[i], "x"), a.left + 0.2 * static_cast<double>(i) * a.width, 0.006);
}

TEST(SvgChart, NiceTicksAreOneTwoOrFiveTimesAPowerOfTen) {
  LineChart chart{"Ticks", {"x"}, {"y"}, {}};
  chart.series.push_back({.x = {-0.3, 0.7}, .y = {0, 37}});
  const std::string out = svg(chart);
  // -0.3..0.7: steps of 0.2, the domain widened to the ticks outside the data.
  EXPECT_EQ(texts(out, "x-tick"), (std::vector<std::string>{"-0.4", "-0.2", "0.0", "0.2", "0.4", "0.6", "0.8"}));
  EXPECT_EQ(texts(out, "y-tick"), (std::vector<std::string>{"0", "10", "20", "30", "40"}));
  chart.series[0].y = {1500, 1500};  // one value: a range around it
  EXPECT_EQ(texts(svg(chart), "y-tick"), (std::vector<std::string>{"1350", "1400", "1450", "1500", "1550", "1600", "1650"}));
}

TEST(SvgChart, LogAxisTicksAreTheDecades) {
  LineChart chart{"Log", {"alpha", true}, {"score"}, {}};
  chart.series.push_back({.x = {1e-3, 1e-1, 1e2}, .y = {1, 2, 3}, .line = false});
  const std::string out = svg(chart);
  EXPECT_EQ(texts(out, "x-tick"), (std::vector<std::string>{"10\u207B\u00B3", "10\u207B\u00B2", "10\u207B\u00B9",
                                                             "10\u2070", "10\u00B9", "10\u00B2"}));
  const Area a = plot_area(out);
  const auto circles = tags(out, "circle");
  ASSERT_EQ(circles.size(), 3u);
  EXPECT_NEAR(attr(circles[0], "cx"), a.left, 0.006);
  EXPECT_NEAR(attr(circles[1], "cx"), a.left + 0.4 * a.width, 0.006);  // 10^-1: two of five decades in
  EXPECT_NEAR(attr(circles[2], "cx"), a.left + a.width, 0.006);
  const auto labels = tags(out, "text", "x-tick");
  for (std::size_t i = 0; i < labels.size(); ++i)
    EXPECT_NEAR(attr(labels[i], "x"), a.left + 0.2 * static_cast<double>(i) * a.width, 0.006);
}

TEST(SvgChart, ManyDecadesAreLabelledEverySecondOrMore) {
  LineChart chart{"Convergence", {"iteration"}, {"gradient norm", true}, {}};
  chart.series.push_back({.x = {0, 1}, .y = {1e-16, 1e2}});
  EXPECT_EQ(texts(svg(chart), "y-tick"),
            (std::vector<std::string>{"10\u207B\u00B9\u2076", "10\u207B\u00B9\u2074", "10\u207B\u00B9\u00B2",
                                      "10\u207B\u00B9\u2070", "10\u207B\u2078", "10\u207B\u2076", "10\u207B\u2074",
                                      "10\u207B\u00B2", "10\u2070", "10\u00B2"}));
}

TEST(SvgChart, NonFiniteValuesAreSkippedAndNeverWritten) {
  LineChart chart{"Scores", {"alpha", true}, {"value", true}, {}};
  chart.series.push_back({.name = "a", .x = {1, 10, kNaN, 1000, -5, 0}, .y = {1, kInf, 3, -kInf, 2, 5},
                          .y_err = {kNaN, 1, 1, kInf, 1, 1}});
  chart.series.push_back({.name = "b", .x = {1, 2, 3}, .y = {kNaN, 4, 5}, .y_err = {0.5, 9, kNaN}, .line = false});
  const std::string out = svg(chart);
  expect_a_figure(out, "Scores", "alpha", "value");
  EXPECT_EQ(lower(out).find("nan"), std::string::npos);
  EXPECT_EQ(lower(out).find("inf"), std::string::npos);
  EXPECT_EQ(tags(out, "circle").size(), 1u + 2u + 2u);  // series a's (1, 1); b's two finite points; the legend's two
  // A band of b's ±9 around 4 reaches below zero: on a log axis its edge sits at the bottom, not at "nan".
  for (const auto* figure : {"forest", "heatmap", "timeline"}) {
    std::string other;
    if (std::string(figure) == "forest") other = svg(ForestPlot{"F", "estimate", {{"a", kNaN, -1, kInf}, {"b", 1, kNaN, 2}}});
    if (std::string(figure) == "heatmap") other = svg(Heatmap{"H", {"predicted"}, {"true"}, {}, {}, {{1, kNaN}, {kInf, 4}}});
    if (std::string(figure) == "timeline")
      other = svg(Timeline{"T", "time", "lane", {"r0", "r1"}, {"x"}, {{0, 0, 1, 0, "ok"}, {1, kNaN, 2, 0, "n"}, {1, 1, kInf, 0, "i"}}});
    EXPECT_EQ(lower(other).find("nan"), std::string::npos) << figure;
    EXPECT_EQ(lower(other).find("inf"), std::string::npos) << figure;
    EXPECT_EQ(xml_problem(other), "") << figure;
  }
}

TEST(SvgChart, NoFiniteDataDrawsAnEmptyPlotAreaSayingSo) {
  LineChart chart{"Empty", {"x"}, {"y", true}, {}};
  chart.series.push_back({.x = {kNaN, 1}, .y = {1, -3}});
  std::string out = svg(chart);
  expect_a_figure(out, "Empty", "x", "y");
  EXPECT_EQ(texts(out, "no-data"), std::vector<std::string>{"no data"});
  EXPECT_TRUE(tags(out, "circle").empty());
  const Area a = plot_area(out);
  const auto note = tags(out, "text", "no-data")[0];
  EXPECT_NEAR(attr(note, "x"), a.left + a.width / 2, 0.006);
  EXPECT_NEAR(attr(note, "y"), a.top + a.height / 2, 0.006);
  chart.series.clear();
  EXPECT_EQ(texts(svg(chart), "no-data").size(), 1u);
  EXPECT_EQ(texts(svg(ForestPlot{"F", "estimate", {}}), "no-data").size(), 1u);
  EXPECT_EQ(texts(svg(Heatmap{"H", {"predicted"}, {"true"}, {}, {}, {}}), "no-data").size(), 1u);
  EXPECT_EQ(texts(svg(Timeline{"T", "time", "lane", {"rank 1"}, {}, {}}), "no-data").size(), 1u);
  EXPECT_TRUE(texts(svg(unit_chart()), "no-data").empty());
}

TEST(SvgChart, EveryFigureNeedsATitleAndAxisLabels) {
  LineChart chart = unit_chart();
  EXPECT_NO_THROW(svg(chart));
  LineChart bad = chart;
  bad.title = " \t";  // blank is empty
  EXPECT_THROW(svg(bad), std::invalid_argument);
  bad = chart;
  bad.x.label.clear();
  EXPECT_THROW(svg(bad), std::invalid_argument);
  bad = chart;
  bad.y.label.clear();
  EXPECT_THROW(svg(bad), std::invalid_argument);
  EXPECT_THROW(svg(ForestPlot{"", "estimate", {}}), std::invalid_argument);
  EXPECT_THROW(svg(ForestPlot{"F", "", {}}), std::invalid_argument);
  EXPECT_THROW(svg(Heatmap{"H", {"predicted"}, {""}, {}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(svg(Heatmap{"H", {""}, {"true"}, {}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(svg(Timeline{"T", "time", "", {}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(svg(Timeline{"T", "", "lane", {}, {}, {}}), std::invalid_argument);
  EXPECT_THROW(svg(Timeline{"", "time", "lane", {}, {}, {}}), std::invalid_argument);
}

TEST(SvgChart, MismatchedSeriesSizesAreRefused) {
  LineChart chart{"C", {"x"}, {"y"}, {{.x = {1, 2}, .y = {1}}}};
  EXPECT_THROW(svg(chart), std::invalid_argument);
  chart.series[0] = {.x = {1, 2}, .y = {1, 2}, .y_err = {1}};
  EXPECT_THROW(svg(chart), std::invalid_argument);
  EXPECT_THROW(svg(Heatmap{"H", {"p"}, {"t"}, {}, {}, {{1, 2}, {3}}}), std::invalid_argument);
  EXPECT_THROW(svg(Heatmap{"H", {"p"}, {"t"}, {"a"}, {}, {{1, 2}}}), std::invalid_argument);
}

TEST(SvgChart, TheLegendListsTwelveSeriesThenHowManyMore) {
  LineChart chart{"Convergence", {"iteration"}, {"gradient norm", true}, {}};
  for (int m = 0; m < 100; ++m)
    chart.series.push_back({.name = "model " + std::to_string(m), .x = {0, 1, 2}, .y = {1, 0.1, 0.01 * (m + 1)}, .points = false});
  const std::string out = svg(chart);
  expect_a_figure(out, "Convergence", "iteration", "gradient norm");
  const std::string legend = out.substr(out.find("<g class=\"legend\">"));
  EXPECT_EQ(tags(legend, "line").size(), 12u);
  EXPECT_NE(legend.find(">model 11<"), std::string::npos);
  EXPECT_EQ(legend.find(">model 12<"), std::string::npos);
  EXPECT_NE(legend.find(">+88 more<"), std::string::npos);
  EXPECT_EQ(tags(out, "path", "line").size(), 100u);
  // Colours cycle through twelve: series 0 and 12 share one, 0 and 1 do not.
  const auto lines = tags(out, "path", "line");
  EXPECT_EQ(attr_text(lines[0], "stroke"), attr_text(lines[12], "stroke"));
  EXPECT_NE(attr_text(lines[0], "stroke"), attr_text(lines[1], "stroke"));
  EXPECT_TRUE(tags(svg(unit_chart()), "g", "legend").empty());  // one unnamed series: no legend
}

TEST(SvgChart, TheChanceDiagonalIsDashedAndBandsFollowTheErrors) {
  LineChart roc{"ROC", {"false positive rate"}, {"true positive rate"}, {}};
  roc.series.push_back({.name = "model", .x = {0, 0.1, 1}, .y = {0, 0.8, 1}, .points = false});
  roc.series.push_back({.name = "chance", .x = {0, 1}, .y = {0, 1}, .points = false, .dashed = true});
  const std::string out = svg(roc);
  const auto lines = tags(out, "path", "line");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(attr_text(lines[0], "stroke-dasharray"), "");
  EXPECT_NE(attr_text(lines[1], "stroke-dasharray"), "");
  const Area a = plot_area(out);
  EXPECT_EQ(attr_text(lines[1], "d"), "M" + std::to_string(static_cast<int>(a.left)) + "," +
                                          std::to_string(static_cast<int>(a.top + a.height)) + "L" +
                                          std::to_string(static_cast<int>(a.left + a.width)) + "," +
                                          std::to_string(static_cast<int>(a.top)));

  LineChart cv{"CV", {"alpha"}, {"score"}, {{.x = {0, 1}, .y = {0.5, 0.5}, .y_err = {0.5, 0.5}}}};
  const std::string band = svg(cv);
  ASSERT_EQ(tags(band, "path", "band").size(), 1u);
  // 0.5 ± 0.5 on 0..1: the band runs from the top of the plot area to its bottom.
  const Area b = plot_area(band);
  const std::string d = attr_text(tags(band, "path", "band")[0], "d");
  std::set<double> ys;
  static const std::regex point("(-?[0-9.]+),(-?[0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator(); ++it) ys.insert(std::stod((*it)[2]));
  EXPECT_EQ(ys, (std::set<double>{b.top, b.top + b.height}));
}

TEST(SvgChart, ALongLineIsThinnedToItsEnvelopePerPixel) {
  LineChart chart{"Utilisation", {"time (s)"}, {"fraction busy"}, {}};
  Series s{.name = "rank 1", .points = false};
  for (int i = 0; i < 200000; ++i) {
    s.x.push_back(i);
    s.y.push_back(i == 123456 ? 1.0 : 0.5 + 0.1 * std::sin(i * 0.01));
  }
  chart.series.push_back(s);
  const std::string out = svg(chart);
  EXPECT_LT(out.size(), 100000u);
  // The one spike survives: its column keeps its highest point (y = 1 is the top of 0.4..1).
  const Area a = plot_area(out);
  const std::regex at_the_top("," + std::to_string(static_cast<int>(a.top)) + "(?![0-9.])");
  EXPECT_TRUE(std::regex_search(attr_text(tags(out, "path", "line")[0], "d"), at_the_top));
}

TEST(SvgForest, OneRowPerCoefficientWithTheZeroLine) {
  const ForestPlot plot{"Coefficients", "estimate (95% CI)", {{"intercept", -0.25, -1, 0.5}, {"age", 0.6, 0.2, 1}}};
  const std::string out = svg(plot);
  expect_a_figure(out, "Coefficients", "estimate (95% CI)", "coefficient");
  EXPECT_EQ(texts(out, "y-tick"), (std::vector<std::string>{"intercept", "age"}));
  EXPECT_EQ(texts(out, "x-tick"), (std::vector<std::string>{"-1.0", "-0.5", "0.0", "0.5", "1.0"}));
  const Area a = plot_area(out);
  const auto zero = tags(out, "line", "zero");
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_NEAR(attr(zero[0], "x1"), a.left + a.width / 2, 0.006);  // -1..1: zero in the middle
  EXPECT_NE(attr_text(zero[0], "stroke-dasharray"), "");
  const auto points = tags(out, "circle", "estimate");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_NEAR(attr(points[0], "cx"), a.left + 0.375 * a.width, 0.006);
  EXPECT_NEAR(attr(points[1], "cx"), a.left + 0.8 * a.width, 0.006);
  EXPECT_LT(attr(points[0], "cy"), attr(points[1], "cy"));  // the first row on top
  // The interval runs from low to high at the row's height.
  const std::string d = attr_text(tags(out, "path", "interval")[0], "d");
  EXPECT_TRUE(d.starts_with("M" + attr_text(tags(out, "rect", "plot-area")[0], "x") + "," + attr_text(points[0], "cy") + "H"))
      << d;
}

TEST(SvgHeatmap, EachCountIsWrittenInItsCellAndColouredByValue) {
  const Heatmap map{"Confusion matrix", {"predicted"}, {"true"}, {"negative", "positive"}, {"negative", "positive"},
                    {{830, 45}, {60, 1065}}};
  const std::string out = svg(map);
  expect_a_figure(out, "Confusion matrix", "predicted", "true");
  EXPECT_EQ(texts(out, "cell"), (std::vector<std::string>{"830", "45", "60", "1065"}));
  EXPECT_EQ(texts(out, "x-tick"), (std::vector<std::string>{"negative", "positive"}));
  EXPECT_EQ(texts(out, "y-tick"), (std::vector<std::string>{"negative", "positive"}));
  // Cells: the four rects after the plot area, row by row; the larger the count, the darker.
  const std::string cells = out.substr(out.find("<g class=\"cells\""));
  const auto rects = tags(cells, "rect");
  const auto darkness = [&](std::size_t i) {
    const std::string fill = attr_text(rects[i], "fill");
    return 3 * 255 - std::stoi(fill.substr(1, 2), nullptr, 16) - std::stoi(fill.substr(3, 2), nullptr, 16) -
           std::stoi(fill.substr(5, 2), nullptr, 16);
  };
  EXPECT_GT(darkness(3), darkness(0));
  EXPECT_GT(darkness(0), darkness(2));
  EXPECT_GT(darkness(2), darkness(1));
  const Area a = plot_area(out);
  EXPECT_NEAR(attr(rects[3], "x"), a.left + a.width / 2, 0.006);
  EXPECT_NEAR(attr(rects[3], "y"), a.top + a.height / 2, 0.006);
}

/// The lanes of a timeline: data-row -> the lane group's markup.
std::map<int, std::string> lanes(const std::string& out) {
  std::map<int, std::string> found;
  const std::string open = "<g class=\"lane\" data-row=\"";
  for (std::size_t at = out.find(open); at != std::string::npos; at = out.find(open, at + 1)) {
    const int row = std::stoi(out.substr(at + open.size()));
    // A lane holds groups of rects: it ends at the first "</g></g>" not inside them... its groups never nest deeper.
    std::size_t end = at, depth = 0;
    do {
      const std::size_t next_open = out.find("<g", end + 1), next_close = out.find("</g>", end + 1);
      if (next_open < next_close) {
        ++depth;
        end = next_open;
      } else {
        end = next_close;
        if (depth-- == 0) break;
      }
    } while (true);
    found[row] = out.substr(at, end - at);
  }
  return found;
}

TEST(SvgTimeline, TwoHundredThousandTinySpansStaySmallAndShowEveryBusyRow) {
  Timeline timeline{"Task stream", "time (s)", "rank / lane", {}, {"read_rows", "gram", "sum"}, {}};
  for (int r = 0; r < 40; ++r) timeline.rows.push_back("rank " + std::to_string(r / 2 + 1) + (r % 2 ? " io" : " compute"));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> when(0, 100);
  std::set<int> busy;
  for (int i = 0; i < 200000; ++i) {
    int row = static_cast<int>(rng() % 40);
    if (row % 5 == 3) row = 0;  // rows 3, 8, 13, ... stay idle
    busy.insert(row);
    const double t = when(rng);
    timeline.spans.push_back({row, t, t + 1e-5, static_cast<int>(rng() % 3), "task " + std::to_string(i)});
  }
  const std::string out = svg(timeline);
  EXPECT_LT(out.size(), 3'000'000u);
  expect_a_figure(out, "Task stream", "time (s)", "rank / lane");
  const auto drawn = lanes(out);
  std::set<int> drawn_rows;
  for (const auto& [row, lane] : drawn) {
    EXPECT_FALSE(tags(lane, "rect").empty()) << "row " << row;
    drawn_rows.insert(row);
  }
  EXPECT_EQ(drawn_rows, busy);
  // Spread over the whole time range, each busy row is drawn across the plot area, inside it.
  const Area a = plot_area(out);
  for (const auto& [row, lane] : drawn) {
    double first = kInf, last = -kInf;
    for (const std::string& rect : tags(lane, "rect")) {
      first = std::min(first, attr(rect, "x"));
      last = std::max(last, attr(rect, "x") + attr(rect, "width"));
    }
    EXPECT_GE(first, a.left);
    EXPECT_LT(first, a.left + 10);
    EXPECT_LE(last, a.left + a.width + 0.006);
    EXPECT_GT(last, a.left + a.width - 10);
  }
  EXPECT_TRUE(tags(out, "title").empty());  // no span is a pixel wide: no tooltips
}

TEST(SvgTimeline, MergedSpansStayWhereTheRowWasBusy) {
  Timeline timeline{"Task stream", "time (s)", "lane", {"rank 1 compute", "rank 1 io"}, {"gram"}, {}};
  for (int i = 0; i < 50000; ++i) timeline.spans.push_back({0, i * 2e-4, i * 2e-4 + 1.2e-4});  // row 0: 60% busy in 0..10 s
  timeline.spans.push_back({1, 99.99999, 100});                                              // the run ends at 100 s
  const std::string out = svg(timeline);
  const Area a = plot_area(out);
  const auto drawn = lanes(out);
  ASSERT_EQ(drawn.size(), 2u);
  for (const std::string& rect : tags(drawn.at(0), "rect")) {
    EXPECT_GE(attr(rect, "x"), a.left);
    EXPECT_LE(attr(rect, "x") + attr(rect, "width"), a.left + 0.1 * a.width + 1.001);
  }
  // 60% of every pixel busy: one merged run across the first tenth at the second-darkest shade
  // (the last pixel, partly busy, may be lighter).
  const std::string& lane = drawn.at(0);
  const std::size_t shade = lane.find("fill-opacity=\"0.8\">");
  ASSERT_NE(shade, std::string::npos) << lane;
  const auto run = tags(lane.substr(shade), "rect");
  ASSERT_FALSE(run.empty());
  EXPECT_NEAR(attr(run[0], "x"), a.left, 0.006);
  EXPECT_NEAR(attr(run[0], "width"), 0.1 * a.width, 1.001);
  EXPECT_LE(tags(lane, "rect").size(), 2u);
  // The zero-length-ish span at the very end still shows.
  EXPECT_EQ(tags(drawn.at(1), "rect").size(), 1u);
}

TEST(SvgTimeline, WideSpansAreDrawnOneByOneWithTheirTooltips) {
  Timeline timeline{"Task stream", "time (s)", "lane", {"rank 1 compute", "rank 2 compute"}, {"read", "gram"}, {}};
  timeline.spans = {{0, 0, 2.5, 0, "read <chunk 0> & co"}, {1, 2.5, 10, 1, "gram 1"}, {0, 5, 5, 1, ""}};
  const std::string out = svg(timeline);
  expect_a_figure(out, "Task stream", "time (s)", "lane");
  EXPECT_EQ(texts(out, "x-tick"), (std::vector<std::string>{"0", "2", "4", "6", "8", "10"}));
  EXPECT_EQ(texts(out, "y-tick"), (std::vector<std::string>{"rank 1 compute", "rank 2 compute"}));
  const Area a = plot_area(out);
  const auto drawn = lanes(out);
  const auto first = tags(drawn.at(0), "rect");
  ASSERT_EQ(first.size(), 2u);  // the merged zero-length span, then the wide one
  EXPECT_NEAR(attr(first[1], "x"), a.left, 0.006);
  EXPECT_NEAR(attr(first[1], "width"), 0.25 * a.width, 0.006);
  EXPECT_NE(drawn.at(0).find("<title>read &lt;chunk 0&gt; &amp; co</title>"), std::string::npos);
  const auto second = tags(drawn.at(1), "rect");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NEAR(attr(second[0], "x"), a.left + 0.25 * a.width, 0.006);
  EXPECT_NEAR(attr(second[0], "width"), 0.75 * a.width, 0.006);
  // Lanes are coloured by legend entry.
  EXPECT_NE(drawn.at(0).find("fill=\"#1f77b4\""), std::string::npos);
  EXPECT_NE(drawn.at(1).find("fill=\"#ff7f0e\""), std::string::npos);
  const std::string legend = out.substr(out.find("<g class=\"legend\">"));
  EXPECT_NE(legend.find(">read<"), std::string::npos);
  EXPECT_NE(legend.find(">gram<"), std::string::npos);
}

TEST(SvgTimeline, OnlyTheWidestFewThousandSpansCarryATooltip) {
  Timeline timeline{"Task stream", "time (s)", "lane", {"a", "b", "c", "d"}, {"x"}, {}};
  // 4 rows × 3,000 spans of 2..3 px in 1,000 s on ~700 px: they overlap, all wide enough alone.
  for (int i = 0; i < 12000; ++i)
    timeline.spans.push_back({i % 4, (i / 4) * 0.3, (i / 4) * 0.3 + 3 + (i % 7) * 0.01, 0, "task " + std::to_string(i)});
  const std::string out = svg(timeline);
  EXPECT_LT(out.size(), 3'000'000u);
  EXPECT_EQ(tags(out, "title").size(), 2000u);
  EXPECT_EQ(xml_problem(out), "");
  for (const auto& [row, lane] : lanes(out)) EXPECT_FALSE(tags(lane, "rect").empty()) << row;
  EXPECT_EQ(lanes(out).size(), 4u);
}

TEST(Html, EscapeHandlesAllFiveCharacters) {
  EXPECT_EQ(escape(R"(a&b<c>d"e'f)"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(escape("&amp;"), "&amp;amp;");
  EXPECT_EQ(escape("plain \u00E9t\u00E9 text"), "plain \u00E9t\u00E9 text");
  EXPECT_EQ(escape(std::string("bell\a and nul\0!", 15)), "bell and nul!");
}

TEST(Html, TablesRightAlignNumbersAndEscapeText) {
  const Table table{{"kernel", "tasks", "seconds", "note"},
                    {{"read_rows", "1,024", "12.5 s", "<fast>"}, {"gram", "-3.2e-1", "n/a", "42"}}};
  const std::string out = html_table(table);
  EXPECT_TRUE(out.starts_with("<table class=\"kernels\">"));
  EXPECT_NE(out.find("<th>kernel</th><th class=\"num\">tasks</th><th class=\"num\">seconds</th><th>note</th>"),
            std::string::npos);
  EXPECT_NE(out.find("<td>read_rows</td><td class=\"num\">1,024</td><td class=\"num\">12.5 s</td><td>&lt;fast&gt;</td>"),
            std::string::npos);
  // A number in a text column is still right-aligned itself.
  EXPECT_NE(out.find("<td class=\"num\">-3.2e-1</td><td class=\"num\">n/a</td><td class=\"num\">42</td>"), std::string::npos);
}

TEST(Html, ThePageIsSelfContained) {
  LineChart chart = unit_chart();
  Timeline timeline{"Task stream", "time (s)", "lane", {"rank 1"}, {"gram"}, {{0, 0, 1, 0, "see https://example.org"}}};
  Page page{"tessera <report>", "ridge job\n\non 4 ranks", {}};
  page.sections.push_back({"Cross-validation", "Scores per alpha & fold.", {svg(chart), html_table({{"a"}, {{"1"}}})}});
  page.sections.push_back({"Run", "Where time went.", {svg(timeline)}});
  const std::string out = html(page);
  EXPECT_TRUE(out.starts_with("<!DOCTYPE html>\n"));
  EXPECT_NE(out.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(out.find(R"(<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">)"),
            std::string::npos);
  EXPECT_NE(out.find("<title>tessera &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(out.find("<h1>tessera &lt;report&gt;</h1>"), std::string::npos);
  EXPECT_NE(out.find("<p class=\"subtitle\">ridge job</p>\n<p class=\"subtitle\">on 4 ranks</p>"), std::string::npos);
  EXPECT_NE(out.find("<h2>Cross-validation</h2>\n<p class=\"intro\">Scores per alpha &amp; fold.</p>\n<div class=\"grid\">"),
            std::string::npos);
  EXPECT_NE(out.find("max-width:1400px"), std::string::npos);
  EXPECT_NE(out.find("max-width:100%;height:auto"), std::string::npos);
  EXPECT_NE(out.find("<div class=\"block wide\"><svg"), std::string::npos);  // the 960-px timeline
  EXPECT_EQ(lower(out).find("<script"), std::string::npos);
  EXPECT_EQ(lower(out).find("@import"), std::string::npos);
  EXPECT_EQ(lower(out).find("url("), std::string::npos);
  EXPECT_EQ(lower(out).find("<link"), std::string::npos);
  EXPECT_EQ(lower(out).find("<img"), std::string::npos);
  // The only address is the SVG namespace (and the tooltip's text, which is not an address to fetch).
  std::string rest = out;
  for (const std::string known : {"http://www.w3.org/2000/svg", "see https://example.org"})
    for (std::size_t at = rest.find(known); at != std::string::npos; at = rest.find(known)) rest.erase(at, known.size());
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
}

}  // namespace
}  // namespace tessera::report
