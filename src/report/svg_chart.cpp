#include "tessera/report/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <stdexcept>
#include <unordered_set>
#include <utility>

namespace tessera::report {
namespace {

// Fonts every viewer has, named in the figure itself: a report never fetches a web font.
constexpr std::string_view kFont = "DejaVu Sans, Arial, sans-serif";
// matplotlib's ten, then indigo and gold: twelve colours told apart at a glance, cycling.
constexpr std::array<std::string_view, 12> kPalette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                       "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                                       "#bcbd22", "#17becf", "#393b79", "#e7ba52"};
constexpr std::string_view kGrid = "#e2e2e2", kMinorGrid = "#f0f0f0", kTickInk = "#444", kFrame = "#999";
constexpr std::size_t kLegendEntries = 12;

std::string_view palette(std::size_t i) { return kPalette[i % kPalette.size()]; }
std::size_t palette_slot(int color) {
  const int n = static_cast<int>(kPalette.size());
  return static_cast<std::size_t>(((color % n) + n) % n);
}

template <class... Args>
void put(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

// Pixel numbers: two decimals at most and no trailing zeros, so files stay small. Every
// coordinate is clamped to the figure before it gets here; the guard keeps "nan" out regardless.
std::string num(double v) {
  if (!std::isfinite(v)) v = 0;
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// A value as a reader wants it: counts whole, anything else to four significant digits.
std::string value_text(double v) {
  if (!std::isfinite(v)) return "-";  // never "nan" or "inf" in a figure
  if (v == 0) return "0";
  if (std::abs(v) < 1e15 && v == std::round(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Text shortened to `max` characters (not bytes: never cutting a UTF-8 sequence), with an ellipsis.
std::string fit(std::string_view s, std::size_t max) {
  max = std::max<std::size_t>(max, 1);
  if (code_points(s) <= max) return std::string(s);
  std::size_t i = 0, count = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && count++ == max - 1) break;
  return std::string(s.substr(0, i)) + "\u2026";
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

// Every figure must say what it shows: a title and both axis labels.
void require_labels(std::string_view figure, std::string_view title, std::string_view x_label, std::string_view y_label) {
  const auto check = [&](std::string_view text, std::string_view what) {
    if (blank(text))
      throw std::invalid_argument(fmt::format("{}: the {} is empty (every figure needs a title and labelled axes)", figure, what));
  };
  check(title, "title");
  check(x_label, "x-axis label");
  check(y_label, "y-axis label");
}

struct Box {
  double left = 0, top = 0, width = 0, height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
  double centre_x() const { return left + width / 2; }
  double centre_y() const { return top + height / 2; }
};

/// The smallest and largest of the values added.
struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

/// Maps a data value to a pixel, linearly or by its logarithm, clamped to the plot area.
struct Scale {
  double lo = 0, hi = 1;
  bool log = false;
  double from = 0, to = 1;  // pixels of lo and hi

  bool usable(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double px(double v) const {
    // Values a log axis cannot show (a band's lower edge below zero) go to its low end.
    if (!usable(v)) return from;
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return std::clamp(from + t * (to - from), std::min(from, to), std::max(from, to));
  }
};

struct Ticks {
  double lo = 0, hi = 1;  // the axis' domain
  std::vector<double> at, minor;
  std::vector<std::string> labels;
};

// k such that x is within a millionth of a step of the integer k; otherwise x itself.
double snap(double x) {
  const double r = std::round(x);
  return std::abs(x - r) < 1e-6 * std::max(1.0, std::abs(x)) ? r : x;
}

/// Ticks every 1, 2 or 5 × 10^k, about five intervals over lo..hi. With `extend` the domain grows
/// to the ticks just outside the data, so the data never touches an unlabelled edge.
Ticks linear_ticks(double lo, double hi, bool extend) {
  if (!(lo < hi)) {  // one value: a small range around it
    const double d = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  Ticks t;
  if (!std::isfinite(hi - lo)) {  // near the limits of double: just the ends
    t.lo = lo;
    t.hi = hi;
    t.at = {lo, hi};
    t.labels = {fmt::format("{:.3g}", lo), fmt::format("{:.3g}", hi)};
    return t;
  }
  const double raw = (hi - lo) / 5;
  int k = static_cast<int>(std::floor(std::log10(raw)));
  const double r = raw / std::pow(10.0, k);
  int nice = r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10;
  if (nice == 10) {
    nice = 1;
    ++k;
  }
  const double step = nice * std::pow(10.0, k);
  const double first = extend ? std::floor(snap(lo / step)) : std::ceil(snap(lo / step));
  const double last = extend ? std::ceil(snap(hi / step)) : std::floor(snap(hi / step));
  t.lo = extend ? first * step : lo;
  t.hi = extend ? last * step : hi;
  double largest = 0;
  for (double i = first; i <= last; ++i) {
    t.at.push_back(i * step);
    largest = std::max(largest, std::abs(i * step));
  }
  // Fixed decimals (as many as the step has) read best; very large or small values go scientific.
  const bool plain = largest < 1e6 && k >= -5;
  const int digits = static_cast<int>(std::ceil(std::log10(std::max(largest, step) / step))) + 1;
  for (double v : t.at) {
    if (v == 0) v = 0;  // no "-0"
    t.labels.push_back(plain ? fmt::format("{:.{}f}", v, std::max(0, -k)) : fmt::format("{:.{}g}", v, std::clamp(digits, 1, 17)));
  }
  return t;
}

std::string power_of_ten(int e) {
  static constexpr std::array<std::string_view, 10> kDigits = {"\u2070", "\u00B9", "\u00B2", "\u00B3", "\u2074",
                                                               "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  std::string s = e < 0 ? "10\u207B" : "10";
  for (char d : std::to_string(std::abs(e))) s += kDigits[static_cast<std::size_t>(d - '0')];
  return s;
}

/// The decades around lo..hi (both > 0) are the domain. Every decade is labelled, or with more than
/// ten of them every 2nd, 5th, 10th, ... (the others drawn as minor ticks); with few decades the
/// minor ticks are 2..9 × 10^k.
Ticks log_ticks(double lo, double hi) {
  const int first = static_cast<int>(std::floor(snap(std::log10(lo))));
  int last = static_cast<int>(std::ceil(snap(std::log10(hi))));
  if (last <= first) last = first + 1;
  static constexpr std::array<int, 9> kEvery = {1, 2, 5, 10, 20, 50, 100, 200, 500};
  int every = kEvery.back();
  for (int step : kEvery)
    if ((last - first) / step + 1 <= 10) {
      every = step;
      break;
    }
  Ticks t;
  t.lo = std::pow(10.0, first);
  t.hi = std::pow(10.0, last);
  for (int e = first; e <= last; ++e) {
    if (e % every == 0) {
      t.at.push_back(std::pow(10.0, e));
      t.labels.push_back(power_of_ten(e));
    } else {
      t.minor.push_back(std::pow(10.0, e));
    }
  }
  if (every == 1 && last - first <= 6)
    for (int e = first; e < last; ++e)
      for (int m = 2; m <= 9; ++m) t.minor.push_back(m * std::pow(10.0, e));
  return t;
}

/// Ticks for the values seen; 0..1 (1..10 on a log axis) when there were none.
Ticks ticks_for(const Range& range, bool log, bool extend = true) {
  if (range.empty()) return log ? log_ticks(1, 10) : linear_ticks(0, 1, true);
  return log ? log_ticks(range.lo, range.hi) : linear_ticks(range.lo, range.hi, extend);
}

/// Tick positions in pixels with their labels, numeric or categorical.
struct AxisMarks {
  std::vector<double> px, minor_px;
  std::vector<std::string> labels;
};

AxisMarks marks(const Scale& scale, const Ticks& ticks) {
  AxisMarks m;
  for (double v : ticks.at) m.px.push_back(scale.px(v));
  for (double v : ticks.minor) m.minor_px.push_back(scale.px(v));
  m.labels = ticks.labels;
  return m;
}

// --- pieces every figure shares -------------------------------------------------------------

void open_svg(std::string& out, int width, int height, std::string_view title) {
  put(out,
      R"(<svg class="plot" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {0} {1}" width="{0}" height="{1}" role="img" aria-label="{2}" font-family="{3}" font-size="12">)",
      width, height, escape(title), kFont);
  // An opaque background, so a figure stays readable on a dark page or when saved alone.
  put(out, R"(<rect width="{}" height="{}" fill="#fff"/>)", width, height);
}

void plot_area(std::string& out, const Box& b) {
  put(out, R"(<rect class="plot-area" x="{}" y="{}" width="{}" height="{}" fill="#fafafa" stroke="{}"/>)", num(b.left),
      num(b.top), num(b.width), num(b.height), kFrame);
}

void vertical_grid(std::string& out, const Box& b, const AxisMarks& m) {
  std::string major, minor;
  for (double x : m.px) major += fmt::format("M{},{}V{}", num(x), num(b.top), num(b.bottom()));
  for (double x : m.minor_px) minor += fmt::format("M{},{}V{}", num(x), num(b.top), num(b.bottom()));
  if (!minor.empty()) put(out, R"(<path class="grid minor" d="{}" stroke="{}" fill="none"/>)", minor, kMinorGrid);
  if (!major.empty()) put(out, R"(<path class="grid" d="{}" stroke="{}" fill="none"/>)", major, kGrid);
}

void horizontal_grid(std::string& out, const Box& b, const AxisMarks& m) {
  std::string major, minor;
  for (double y : m.px) major += fmt::format("M{},{}H{}", num(b.left), num(y), num(b.right()));
  for (double y : m.minor_px) minor += fmt::format("M{},{}H{}", num(b.left), num(y), num(b.right()));
  if (!minor.empty()) put(out, R"(<path class="grid minor" d="{}" stroke="{}" fill="none"/>)", minor, kMinorGrid);
  if (!major.empty()) put(out, R"(<path class="grid" d="{}" stroke="{}" fill="none"/>)", major, kGrid);
}

// Tick marks below the plot area and their labels (at most `max_chars` characters each).
void x_axis(std::string& out, const Box& b, const AxisMarks& m, std::size_t max_chars = 12) {
  std::string d;
  for (double x : m.px) d += fmt::format("M{},{}v5", num(x), num(b.bottom()));
  for (double x : m.minor_px) d += fmt::format("M{},{}v3", num(x), num(b.bottom()));
  if (!d.empty()) put(out, R"(<path class="ticks" d="{}" stroke="{}"/>)", d, kFrame);
  for (std::size_t i = 0; i < m.px.size(); ++i)
    put(out, R"(<text class="x-tick" x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>)", num(m.px[i]),
        num(b.bottom() + 18), kTickInk, escape(fit(m.labels[i], max_chars)));
}

// Tick marks left of the plot area and their labels; with `every` > 1 only every so many rows
// are labelled (rows too thin for a label each).
void y_axis(std::string& out, const Box& b, const AxisMarks& m, std::size_t max_chars = 12, std::size_t every = 1) {
  std::string d;
  for (double y : m.px) d += fmt::format("M{},{}h-5", num(b.left), num(y));
  for (double y : m.minor_px) d += fmt::format("M{},{}h-3", num(b.left), num(y));
  if (!d.empty()) put(out, R"(<path class="ticks" d="{}" stroke="{}"/>)", d, kFrame);
  for (std::size_t i = 0; i < m.px.size(); i += every)
    put(out, R"(<text class="y-tick" x="{}" y="{}" dy="0.32em" text-anchor="end" fill="{}">{}</text>)", num(b.left - 8),
        num(m.px[i]), kTickInk, escape(fit(m.labels[i], max_chars)));
}

void axis_labels(std::string& out, int width, int height, const Box& b, std::string_view title, std::string_view x_label,
                 std::string_view y_label) {
  const auto chars = static_cast<std::size_t>(width / 9);
  put(out, R"(<text class="title" x="{}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{}</text>)",
      num(width / 2.0), escape(fit(title, chars)));
  put(out, R"(<text class="x-label" x="{}" y="{}" text-anchor="middle">{}</text>)", num(b.centre_x()), num(height - 12),
      escape(fit(x_label, chars)));
  put(out, R"svg(<text class="y-label" x="0" y="0" transform="translate(16,{}) rotate(-90)" text-anchor="middle">{}</text>)svg",
      num(b.centre_y()), escape(fit(y_label, static_cast<std::size_t>(b.height / 7))));
}

void no_data(std::string& out, const Box& b) {
  put(out, R"(<text class="no-data" x="{}" y="{}" dy="0.32em" text-anchor="middle" font-size="14" fill="#888">no data</text>)",
      num(b.centre_x()), num(b.centre_y()));
}

struct LegendEntry {
  std::string name;
  std::string_view colour;
  bool line = false, dashed = false, marker = false;  // a swatch when neither line nor marker
};

// The first 12 entries, then "+N more": a hundred models cannot all be told apart by colour anyway.
void legend(std::string& out, double x, double y, const std::vector<LegendEntry>& entries) {
  out += R"(<g class="legend">)";
  const std::size_t shown = std::min(entries.size(), kLegendEntries);
  for (std::size_t i = 0; i < shown; ++i) {
    const LegendEntry& e = entries[i];
    const double cy = y + 18.0 * static_cast<double>(i);
    const std::string name = fit(e.name, 18);
    out += "<g>";
    if (name != e.name) put(out, "<title>{}</title>", escape(e.name));
    if (e.line)
      put(out, R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>)", num(x), num(cy), num(x + 20),
          num(cy), e.colour, e.dashed ? R"( stroke-dasharray="5 3")" : "");
    if (e.marker) put(out, R"(<circle cx="{}" cy="{}" r="3" fill="{}"/>)", num(x + 10), num(cy), e.colour);
    if (!e.line && !e.marker)
      put(out, R"(<rect x="{}" y="{}" width="14" height="10" fill="{}"/>)", num(x + 3), num(cy - 5), e.colour);
    put(out, R"(<text x="{}" y="{}" dy="0.32em">{}</text>)", num(x + 26), num(cy), escape(name));
    out += "</g>";
  }
  if (entries.size() > shown)
    put(out, R"(<text x="{}" y="{}" dy="0.32em" fill="#666">+{} more</text>)", num(x + 26),
        num(y + 18.0 * static_cast<double>(shown)), entries.size() - shown);
  out += "</g>";
}

double label_width(const std::vector<std::string>& labels, std::size_t max_chars) {
  std::size_t chars = 0;
  for (const auto& l : labels) chars = std::max(chars, std::min(code_points(l), max_chars));
  return 6.6 * static_cast<double>(chars);  // about one character at 12 px
}

// --- line charts ------------------------------------------------------------------------------

struct Pt {
  double x, y;
};

void check_sizes(const Series& s) {
  if (s.x.size() != s.y.size())
    throw std::invalid_argument(fmt::format("line chart: series \"{}\" has {} x values but {} y values", s.name, s.x.size(), s.y.size()));
  if (!s.y_err.empty() && s.y_err.size() != s.y.size())
    throw std::invalid_argument(fmt::format("line chart: series \"{}\" has {} y_err values for {} y values", s.name, s.y_err.size(), s.y.size()));
}

double error_of(const Series& s, std::size_t i) {
  return s.y_err.empty() || !std::isfinite(s.y_err[i]) ? 0 : std::abs(s.y_err[i]);
}

// The runs of points both axes can show: a skipped value breaks the line and the band there.
std::vector<std::vector<std::size_t>> usable_runs(const Series& s, const Scale& sx, const Scale& sy) {
  std::vector<std::vector<std::size_t>> runs(1);
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (sx.usable(s.x[i]) && sy.usable(s.y[i])) {
      runs.back().push_back(i);
    } else if (!runs.back().empty()) {
      runs.emplace_back();
    }
  }
  if (runs.back().empty()) runs.pop_back();
  return runs;
}

// A line of far more points than pixels, x in order: per pixel column its first, lowest,
// highest and last point, which draws the same picture (the line's envelope) in far fewer bytes.
std::vector<Pt> decimate(const std::vector<Pt>& p) {
  std::vector<Pt> out;
  for (std::size_t i = 0; i < p.size();) {
    const double column = std::floor(p[i].x);
    std::size_t j = i, low = i, high = i;
    for (; j < p.size() && std::floor(p[j].x) == column; ++j) {
      if (p[j].y < p[low].y) low = j;
      if (p[j].y > p[high].y) high = j;
    }
    std::array<std::size_t, 4> keep = {i, low, high, j - 1};
    std::sort(keep.begin(), keep.end());
    for (std::size_t k = 0; k < keep.size(); ++k)
      if (k == 0 || keep[k] != keep[k - 1]) out.push_back(p[keep[k]]);
    i = j;
  }
  return out;
}

void draw_band(std::string& out, const Series& s, const std::vector<std::vector<std::size_t>>& runs, const Scale& sx,
               const Scale& sy, std::string_view colour) {
  std::string d;
  for (const auto& run : runs) {
    char op = 'M';
    for (std::size_t i : run) {
      d += fmt::format("{}{},{}", op, num(sx.px(s.x[i])), num(sy.px(s.y[i] + error_of(s, i))));
      op = 'L';
    }
    for (auto it = run.rbegin(); it != run.rend(); ++it)
      d += fmt::format("L{},{}", num(sx.px(s.x[*it])), num(sy.px(s.y[*it] - error_of(s, *it))));
    d += 'Z';
  }
  if (!d.empty()) put(out, R"(<path class="band" d="{}" fill="{}" fill-opacity="0.18" stroke="none"/>)", d, colour);
}

void draw_error_bars(std::string& out, const Series& s, const std::vector<std::vector<std::size_t>>& runs,
                     const Scale& sx, const Scale& sy, std::string_view colour) {
  std::string d;
  for (const auto& run : runs)
    for (std::size_t i : run) {
      const double e = error_of(s, i);
      if (e == 0) continue;
      const std::string x = num(sx.px(s.x[i])), left = num(sx.px(s.x[i]) - 3);
      const std::string top = num(sy.px(s.y[i] + e)), bottom = num(sy.px(s.y[i] - e));
      d += fmt::format("M{},{}V{}M{},{}h6M{},{}h6", x, top, bottom, left, top, left, bottom);
    }
  if (!d.empty()) put(out, R"(<path class="error-bars" d="{}" stroke="{}" fill="none"/>)", d, colour);
}

void draw_line(std::string& out, const Series& s, const std::vector<std::vector<std::size_t>>& runs, const Scale& sx,
               const Scale& sy, const Box& box, std::string_view colour) {
  std::string d;
  for (const auto& run : runs) {
    if (run.size() < 2) continue;
    std::vector<Pt> p;
    p.reserve(run.size());
    for (std::size_t i : run) p.push_back({sx.px(s.x[i]), sy.px(s.y[i])});
    const bool in_x_order = std::is_sorted(p.begin(), p.end(), [](Pt a, Pt b) { return a.x < b.x; });
    if (in_x_order && static_cast<double>(p.size()) > 4 * box.width) p = decimate(p);
    d += fmt::format("M{},{}L", num(p[0].x), num(p[0].y));
    for (std::size_t i = 1; i < p.size(); ++i) d += fmt::format("{}{},{}", i > 1 ? " " : "", num(p[i].x), num(p[i].y));
  }
  if (!d.empty())
    put(out, R"(<path class="line" d="{}" fill="none" stroke="{}" stroke-width="1.75" stroke-linejoin="round"{}/>)", d,
        colour, s.dashed ? R"( stroke-dasharray="6 4")" : "");
}

// One marker per pixel at most: thousands of markers on one spot look like one and cost bytes.
void draw_points(std::string& out, const Series& s, const std::vector<std::vector<std::size_t>>& runs, const Scale& sx,
                 const Scale& sy, std::string_view colour) {
  std::unordered_set<std::int64_t> drawn;
  std::string circles;
  for (const auto& run : runs)
    for (std::size_t i : run) {
      const double x = sx.px(s.x[i]), y = sy.px(s.y[i]);
      const std::int64_t pixel = std::llround(x) * 100000 + std::llround(y);
      if (drawn.insert(pixel).second) circles += fmt::format(R"(<circle cx="{}" cy="{}" r="3"/>)", num(x), num(y));
    }
  if (!circles.empty()) put(out, R"(<g class="points" fill="{}">{}</g>)", colour, circles);
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 cannot hold these control characters at all, not even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string svg(const LineChart& chart) {
  require_labels("line chart", chart.title, chart.x.label, chart.y.label);
  for (const Series& s : chart.series) check_sizes(s);

  const Scale x_kind{.log = chart.x.log}, y_kind{.log = chart.y.log};
  Range xs, ys;
  for (const Series& s : chart.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!x_kind.usable(s.x[i]) || !y_kind.usable(s.y[i])) continue;
      xs.add(s.x[i]);
      ys.add(s.y[i]);
      for (double edge : {s.y[i] + error_of(s, i), s.y[i] - error_of(s, i)})
        if (y_kind.usable(edge)) ys.add(edge);
    }

  constexpr int kWidth = 640, kHeight = 400;
  const bool show_legend = chart.series.size() > 1 || (chart.series.size() == 1 && !chart.series[0].name.empty());
  const Box box{72, 44, kWidth - 72.0 - (show_legend ? 168 : 24), kHeight - 44.0 - 58};
  const Ticks tx = ticks_for(xs, chart.x.log), ty = ticks_for(ys, chart.y.log);
  const Scale sx{tx.lo, tx.hi, chart.x.log, box.left, box.right()}, sy{ty.lo, ty.hi, chart.y.log, box.bottom(), box.top};
  const AxisMarks mx = marks(sx, tx), my = marks(sy, ty);

  std::string out;
  open_svg(out, kWidth, kHeight, chart.title);
  plot_area(out, box);
  vertical_grid(out, box, mx);
  horizontal_grid(out, box, my);
  std::vector<LegendEntry> entries;
  for (std::size_t k = 0; k < chart.series.size(); ++k) {
    const Series& s = chart.series[k];
    const std::string_view colour = palette(k);
    const std::string name = s.name.empty() ? fmt::format("series {}", k + 1) : s.name;
    entries.push_back({name, colour, s.line, s.dashed, s.points});
    const auto runs = usable_runs(s, sx, sy);
    put(out, R"(<g class="series"><title>{}</title>)", escape(name));
    if (!s.y_err.empty() && s.line) draw_band(out, s, runs, sx, sy, colour);
    if (!s.y_err.empty() && !s.line) draw_error_bars(out, s, runs, sx, sy, colour);
    if (s.line) draw_line(out, s, runs, sx, sy, box, colour);
    if (s.points) draw_points(out, s, runs, sx, sy, colour);
    out += "</g>";
  }
  if (xs.empty()) no_data(out, box);
  x_axis(out, box, mx);
  y_axis(out, box, my);
  axis_labels(out, kWidth, kHeight, box, chart.title, chart.x.label, chart.y.label);
  if (show_legend) legend(out, box.right() + 14, box.top + 8, entries);
  out += "</svg>";
  return out;
}

std::string svg(const ForestPlot& plot) {
  require_labels("forest plot", plot.title, plot.x_label, "coefficient");
  std::vector<std::string> labels;
  Range xs;
  for (const Interval& r : plot.rows) {
    labels.push_back(r.label);
    for (double v : {r.estimate, r.low, r.high})
      if (std::isfinite(v)) xs.add(v);
  }
  const bool has_data = !xs.empty();
  if (has_data) xs.add(0);  // the line at 0 is the point of the figure: always in view

  constexpr int kWidth = 640;
  constexpr double kRow = 26;
  const double rows = static_cast<double>(plot.rows.size());
  const int height = static_cast<int>(std::max(220.0, 44 + 58 + rows * kRow));
  const double left = std::round(std::clamp(40 + label_width(labels, 32), 90.0, 260.0));
  const Box box{left, 44, kWidth - left - 24, height - 44.0 - 58};
  const Ticks tx = ticks_for(xs, false);
  const Scale sx{tx.lo, tx.hi, false, box.left, box.right()};
  const AxisMarks mx = marks(sx, tx);
  AxisMarks my;
  const double row_height = plot.rows.empty() ? box.height : box.height / rows;
  for (std::size_t i = 0; i < plot.rows.size(); ++i) my.px.push_back(box.top + (static_cast<double>(i) + 0.5) * row_height);
  my.labels = labels;

  std::string out;
  open_svg(out, kWidth, height, plot.title);
  plot_area(out, box);
  vertical_grid(out, box, mx);
  horizontal_grid(out, box, my);
  if (has_data) {
    const std::string zero = num(sx.px(0));
    put(out, R"(<line class="zero" x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#666" stroke-dasharray="4 3"/>)", zero,
        num(box.top), num(box.bottom()));
  }
  const std::string_view colour = palette(0);
  for (std::size_t i = 0; i < plot.rows.size(); ++i) {
    const Interval& r = plot.rows[i];
    const double y = my.px[i];
    put(out, R"(<g class="row"><title>{}: {} [{}, {}]</title>)", escape(r.label), value_text(r.estimate),
        value_text(r.low), value_text(r.high));
    if (std::isfinite(r.low) && std::isfinite(r.high)) {
      const std::string a = num(sx.px(std::min(r.low, r.high))), b = num(sx.px(std::max(r.low, r.high)));
      put(out, R"(<path class="interval" d="M{0},{2}H{1}M{0},{3}v8M{1},{3}v8" stroke="{4}" stroke-width="2" fill="none"/>)",
          a, b, num(y), num(y - 4), colour);
    }
    if (std::isfinite(r.estimate))
      put(out, R"(<circle class="estimate" cx="{}" cy="{}" r="4" fill="{}"/>)", num(sx.px(r.estimate)), num(y), colour);
    out += "</g>";
  }
  if (!has_data) no_data(out, box);
  x_axis(out, box, mx);
  y_axis(out, box, my, 32);
  axis_labels(out, kWidth, height, box, plot.title, plot.x_label, "coefficient");
  out += "</svg>";
  return out;
}

namespace {

// White to dark blue (ColorBrewer's Blues), t in 0..1.
std::string blues(double t) {
  static constexpr std::array<std::array<double, 3>, 5> kStops = {
      {{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};
  t = std::clamp(t, 0.0, 1.0) * (kStops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(t), kStops.size() - 2);
  const double f = t - static_cast<double>(i);
  std::array<int, 3> c{};
  for (std::size_t k = 0; k < 3; ++k) c[k] = static_cast<int>(std::lround(kStops[i][k] + f * (kStops[i + 1][k] - kStops[i][k])));
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

std::vector<std::string> numbered(std::size_t n) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < n; ++i) labels.push_back(std::to_string(i));
  return labels;
}

}  // namespace

std::string svg(const Heatmap& map) {
  require_labels("heatmap", map.title, map.x.label, map.y.label);
  const std::size_t rows = map.cells.size(), cols = rows > 0 ? map.cells[0].size() : map.x_ticks.size();
  for (const auto& row : map.cells)
    if (row.size() != cols)
      throw std::invalid_argument(fmt::format("heatmap: rows of {} and {} cells; every row needs the same number", cols, row.size()));
  if (!map.x_ticks.empty() && map.x_ticks.size() != cols)
    throw std::invalid_argument(fmt::format("heatmap: {} x ticks for {} columns", map.x_ticks.size(), cols));
  if (!map.y_ticks.empty() && map.y_ticks.size() != rows)
    throw std::invalid_argument(fmt::format("heatmap: {} y ticks for {} rows", map.y_ticks.size(), rows));
  const std::vector<std::string> x_ticks = map.x_ticks.empty() ? numbered(cols) : map.x_ticks;
  const std::vector<std::string> y_ticks = map.y_ticks.empty() ? numbered(rows) : map.y_ticks;

  Range values;
  for (const auto& row : map.cells)
    for (double v : row)
      if (std::isfinite(v)) values.add(v);
  const double lo = values.empty() ? 0 : std::min(0.0, values.lo), hi = values.empty() ? 1 : values.hi;
  const auto shade = [&](double v) { return hi > lo ? (v - lo) / (hi - lo) : 0.0; };

  constexpr int kWidth = 640;
  const int height = static_cast<int>(std::max(400.0, 44 + 70 + 16.0 * static_cast<double>(rows)));
  const double left = std::round(std::clamp(40 + label_width(y_ticks, 24), 80.0, 220.0));
  const Box box{left, 44, kWidth - left - 100, height - 44.0 - 70};
  const double cw = cols > 0 ? box.width / static_cast<double>(cols) : box.width;
  const double ch = rows > 0 ? box.height / static_cast<double>(rows) : box.height;
  AxisMarks mx, my;
  for (std::size_t c = 0; c < cols; ++c) mx.px.push_back(box.left + (static_cast<double>(c) + 0.5) * cw);
  for (std::size_t r = 0; r < rows; ++r) my.px.push_back(box.top + (static_cast<double>(r) + 0.5) * ch);
  mx.labels = x_ticks;
  my.labels = y_ticks;

  std::string out;
  open_svg(out, kWidth, height, map.title);
  plot_area(out, box);
  out += R"(<g class="cells" stroke="#e2e2e2">)";
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = map.cells[r][c];
      const bool finite = std::isfinite(v);
      const std::string text = value_text(v);
      put(out, R"(<g><title>{} / {}: {}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>)", escape(y_ticks[r]),
          escape(x_ticks[c]), text, num(box.left + static_cast<double>(c) * cw),
          num(box.top + static_cast<double>(r) * ch), num(cw), num(ch), finite ? blues(shade(v)) : "#eeeeee");
      // As large as the cell allows; too small to read means too small to draw.
      const double size = std::min({14.0, ch * 0.45, cw / (0.62 * static_cast<double>(text.size()) + 0.5)});
      if (finite && size >= 6)
        put(out, R"(<text class="cell" x="{}" y="{}" dy="0.35em" text-anchor="middle" font-size="{}" fill="{}" stroke="none">{}</text>)",
            num(mx.px[c]), num(my.px[r]), num(size), shade(v) > 0.55 ? "#fff" : "#222", text);
      out += "</g>";
    }
  out += "</g>";
  if (values.empty()) no_data(out, box);
  // The colour scale: ten steps from the lowest value (or 0) to the highest.
  const double bar_x = box.right() + 24, bar_height = std::min(box.height, 240.0);
  out += R"(<g class="colour-scale">)";
  for (int i = 0; i < 10; ++i)
    put(out, R"(<rect x="{}" y="{}" width="14" height="{}" fill="{}"/>)", num(bar_x), num(box.top + bar_height * (9 - i) / 10),
        num(bar_height / 10 + 0.5), blues((i + 0.5) / 10));
  put(out, R"(<text x="{}" y="{}" dy="0.32em" fill="{}">{}</text>)", num(bar_x + 20), num(box.top), kTickInk, value_text(hi));
  put(out, R"(<text x="{}" y="{}" dy="0.32em" fill="{}">{}</text>)", num(bar_x + 20), num(box.top + bar_height), kTickInk,
      value_text(lo));
  out += "</g>";
  x_axis(out, box, mx, static_cast<std::size_t>(std::max(3.0, cw / 7)));
  y_axis(out, box, my, 24);
  axis_labels(out, kWidth, height, box, map.title, map.x.label, map.y.label);
  out += "</svg>";
  return out;
}

namespace {

// Budgets that keep a timeline of any number of spans to a few megabytes at most.
constexpr std::size_t kMaxSpanRects = 10000;    // spans drawn one by one
constexpr std::size_t kMaxTooltips = 2000;      // of those, the widest, with their tooltip
constexpr double kMaxBucketCells = 30000;       // rows × pixel columns of merged small spans

bool valid_span(const Span& s, std::size_t rows) {
  return s.row >= 0 && static_cast<std::size_t>(s.row) < rows && std::isfinite(s.start) && std::isfinite(s.end) &&
         s.end >= s.start;
}

/// The spans too narrow (or too many) to draw one by one, of one row: how much of each column
/// every palette colour covers, drawn as runs of columns of the same colour and shade.
class Buckets {
 public:
  explicit Buckets(std::size_t columns) : columns_(columns), cover_(columns * kSlots), full_((columns + 1) * kSlots) {}

  void clear() {
    std::fill(cover_.begin(), cover_.end(), 0.0);
    std::fill(full_.begin(), full_.end(), 0.0);
  }
  /// A span from column position a to b (in columns, 0..columns).
  void add(double a, double b, std::size_t slot) {
    const double n = static_cast<double>(columns_);
    // A zero-length span is still a moment the row was busy: a sliver (too thin to change any
    // shade) makes its column show.
    constexpr double kSliver = 1e-9;
    a = std::clamp(a, 0.0, n - kSliver);
    b = std::clamp(std::max(b, a + kSliver), a, n);
    const auto first = static_cast<std::size_t>(a), last = std::min(static_cast<std::size_t>(b), columns_ - 1);
    if (first == last) {
      cover_[first * kSlots + slot] += b - a;
      return;
    }
    cover_[first * kSlots + slot] += static_cast<double>(first + 1) - a;
    cover_[last * kSlots + slot] += b - static_cast<double>(last);
    // The columns in between are covered whole: counted once per span, not once per column.
    full_[(first + 1) * kSlots + slot] += 1;
    full_[last * kSlots + slot] -= 1;
  }
  /// Rects `<rect x= width= height=/>` by (slot, shade) key, for columns starting at pixel x0.
  std::map<std::pair<std::size_t, int>, std::string> rects(double x0, double column_px, const std::string& height) {
    std::array<double, kSlots> running{};
    std::map<std::pair<std::size_t, int>, std::string> out;
    std::pair<std::size_t, int> run_key{0, 0};
    std::size_t run_start = 0;
    const auto close = [&](std::size_t end) {
      if (run_key.second > 0)
        out[run_key] += fmt::format(R"(<rect x="{}" width="{}" height="{}"/>)", num(x0 + static_cast<double>(run_start) * column_px),
                                    num(static_cast<double>(end - run_start) * column_px), height);
    };
    for (std::size_t c = 0; c <= columns_; ++c) {
      std::pair<std::size_t, int> key{0, 0};
      if (c < columns_) {
        double total = 0;
        std::size_t best = 0;
        for (std::size_t k = 0; k < kSlots; ++k) {
          running[k] += full_[c * kSlots + k];
          const double covered = cover_[c * kSlots + k] + running[k];
          total += covered;
          if (covered > cover_[c * kSlots + best] + running[best]) best = k;
        }
        if (total > 0) key = {best, shade(total)};
      }
      if (c == columns_ || key != run_key) {
        close(c);
        run_key = key;
        run_start = c;
      }
    }
    return out;
  }

 private:
  static constexpr std::size_t kSlots = kPalette.size();
  // Four shades by how much of the column is busy: a column touched by one tiny task still shows.
  static int shade(double covered) { return covered >= 0.75 ? 4 : covered >= 0.5 ? 3 : covered >= 0.25 ? 2 : 1; }
  std::size_t columns_;
  std::vector<double> cover_, full_;
};

constexpr std::array<std::string_view, 5> kShadeOpacity = {"0", "0.4", "0.6", "0.8", "1"};

}  // namespace

std::string svg(const Timeline& timeline) {
  require_labels("timeline", timeline.title, timeline.x_label, timeline.y_label);
  const std::size_t rows = timeline.rows.size();
  const auto& spans = timeline.spans;
  Range xs;
  if (timeline.origin && std::isfinite(*timeline.origin)) xs.add(*timeline.origin);
  for (const Span& s : spans)
    if (valid_span(s, rows)) {
      xs.add(s.start);
      xs.add(s.end);
    }

  constexpr int kWidth = 960;
  const double row_height = rows <= 24 ? 22 : std::max(4.0, 528.0 / static_cast<double>(rows));
  const double bar_height = std::max(3.0, std::round(row_height * 0.75 * 4) / 4);
  const double plot_height = rows == 0 ? 120 : row_height * static_cast<double>(rows);
  const int height = static_cast<int>(std::ceil(std::max(200.0, 44 + 58 + plot_height)));
  const double left = std::round(std::clamp(40 + label_width(timeline.rows, 28), 90.0, 240.0));
  const double right = timeline.legend.empty() ? 24 : 180;
  const Box box{left, 44, std::floor(kWidth - left - right), plot_height};
  // Time runs exactly from the first start to the last end: the ticks fall inside.
  const Ticks tx = ticks_for(xs, false, /*extend=*/false);
  const Scale sx{tx.lo, tx.hi, false, box.left, box.right()};
  const AxisMarks mx = marks(sx, tx);
  const auto column_of = [&](double t) { return std::clamp((t - tx.lo) / (tx.hi - tx.lo), 0.0, 1.0) * box.width; };

  // The widest spans of at least a pixel are drawn one by one, the rest merged per pixel column.
  std::vector<std::size_t> wide;
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (valid_span(spans[i], rows) && column_of(spans[i].end) - column_of(spans[i].start) >= 1) wide.push_back(i);
  const auto wider = [&](std::size_t a, std::size_t b) {
    return column_of(spans[a].end) - column_of(spans[a].start) > column_of(spans[b].end) - column_of(spans[b].start);
  };
  const auto keep_widest = [&](std::vector<std::size_t>& v, std::size_t n) {
    if (v.size() <= n) return;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n), v.end(), wider);
    v.resize(n);
  };
  keep_widest(wide, kMaxSpanRects);
  std::vector<char> alone(spans.size(), 0), with_tooltip(spans.size(), 0);
  std::vector<std::size_t> tipped;
  for (std::size_t i : wide) {
    alone[i] = 1;
    if (!spans[i].tooltip.empty()) tipped.push_back(i);
  }
  keep_widest(tipped, kMaxTooltips);
  for (std::size_t i : tipped) with_tooltip[i] = 1;
  std::vector<std::vector<std::size_t>> by_row(rows);
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (valid_span(spans[i], rows)) by_row[static_cast<std::size_t>(spans[i].row)].push_back(i);

  std::string out;
  open_svg(out, kWidth, height, timeline.title);
  plot_area(out, box);
  std::string stripes;  // every other row shaded, so a long row is easy to follow
  for (std::size_t r = 1; r < rows; r += 2)
    stripes += fmt::format("M{},{}h{}v{}h-{}Z", num(box.left), num(box.top + static_cast<double>(r) * row_height),
                           num(box.width), num(row_height), num(box.width));
  if (!stripes.empty()) put(out, R"(<path class="stripes" d="{}" fill="#f0f0f0"/>)", stripes);
  vertical_grid(out, box, mx);

  // Columns of one pixel, or wider when there are very many rows, to bound the merged rects.
  const double column_px = std::max(1.0, std::ceil(static_cast<double>(rows) * box.width / kMaxBucketCells));
  const auto columns = static_cast<std::size_t>(std::max(1.0, std::floor(box.width / column_px)));
  Buckets buckets(columns);
  const std::string bar = num(bar_height);
  for (std::size_t r = 0; r < rows; ++r) {
    if (by_row[r].empty()) continue;
    buckets.clear();
    std::map<std::size_t, std::string> singles;  // by palette slot
    for (std::size_t i : by_row[r]) {
      const Span& s = spans[i];
      const std::size_t slot = palette_slot(s.color);
      const double a = column_of(s.start), b = column_of(s.end);
      if (!alone[i]) {
        buckets.add(a / column_px, b / column_px, slot);
        continue;
      }
      std::string& rects = singles[slot];
      rects += fmt::format(R"(<rect x="{}" width="{}" height="{}")", num(box.left + a), num(b - a), bar);
      rects += with_tooltip[i] ? fmt::format("><title>{}</title></rect>", escape(fit(s.tooltip, 200))) : "/>";
    }
    const double y = box.top + static_cast<double>(r) * row_height + (row_height - bar_height) / 2;
    put(out, R"svg(<g class="lane" data-row="{}" transform="translate(0,{})">)svg", r, num(y));
    for (const auto& [key, rects] : buckets.rects(box.left, column_px, bar))
      put(out, R"(<g fill="{}" fill-opacity="{}">{}</g>)", palette(key.first), kShadeOpacity[static_cast<std::size_t>(key.second)], rects);
    for (const auto& [slot, rects] : singles) put(out, R"(<g fill="{}">{}</g>)", palette(slot), rects);
    out += "</g>";
  }
  if (xs.empty()) no_data(out, box);

  AxisMarks my;
  for (std::size_t r = 0; r < rows; ++r) my.px.push_back(box.top + (static_cast<double>(r) + 0.5) * row_height);
  my.labels = timeline.rows;
  x_axis(out, box, mx);
  y_axis(out, box, my, 28, static_cast<std::size_t>(std::ceil(12 / row_height)));
  axis_labels(out, kWidth, height, box, timeline.title, timeline.x_label, timeline.y_label);
  if (!timeline.legend.empty()) {
    std::vector<LegendEntry> entries;
    for (std::size_t i = 0; i < timeline.legend.size(); ++i) entries.push_back({timeline.legend[i], palette(i)});
    legend(out, box.right() + 14, box.top + 8, entries);
  }
  out += "</svg>";
  return out;
}

}  // namespace tessera::report
