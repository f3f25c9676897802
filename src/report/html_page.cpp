#include "tessera/report/html_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <string_view>

namespace tessera::report {
namespace {

// Nothing may be fetched: no script, no font, no image but inline data. Styles are inline only.
constexpr std::string_view kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

constexpr std::string_view kStyle = R"(:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#222;font:15px/1.5 "DejaVu Sans",Arial,sans-serif}
header,main{max-width:1400px;margin:0 auto;padding:0 24px}
header{padding-top:24px;padding-bottom:4px}
h1{font-size:1.6em;margin:0 0 4px}
.subtitle{color:#555;margin:0}
section{margin:28px 0}
h2{font-size:1.25em;margin:0 0 8px;border-bottom:1px solid #ccc;padding-bottom:4px}
.intro{max-width:90ch;color:#333;margin:0 0 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:16px;align-items:start}
.block{background:#fff;border:1px solid #ddd;border-radius:4px;padding:8px;overflow-x:auto;min-width:0}
.block.wide{grid-column:1/-1}
svg.plot{display:block;max-width:100%;height:auto;margin:0 auto}
table.kernels{border-collapse:collapse;width:100%;font-size:13px}
.kernels th,.kernels td{padding:4px 8px;border-bottom:1px solid #e5e5e5;text-align:left;white-space:nowrap}
.kernels th{background:#f0f2f5;border-bottom:2px solid #ccc}
.kernels tbody tr:nth-child(even){background:#fafbfc}
.kernels .num{text-align:right;font-variant-numeric:tabular-nums}
)";

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// A number, maybe signed, with thousands separators, a fraction, an exponent, then at most a short
// unit: "12", "-3.5e-4", "1,024", "97.1%", "1.2 s", "3.4 GB", "250 µs".
bool reads_as_number(std::string_view s) {
  s = trim(s);
  if (s.starts_with("+") || s.starts_with("-")) s.remove_prefix(1);
  else if (s.starts_with("\u2212")) s.remove_prefix(std::string_view("\u2212").size());
  std::size_t i = 0, digits = 0;
  for (; i < s.size() && (digit(s[i]) || (s[i] == ',' && digits > 0 && i + 1 < s.size() && digit(s[i + 1]))); ++i)
    digits += digit(s[i]);
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && digit(s[i]); ++i) ++digits;
  if (digits == 0) return false;
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (s[j] == '+' || s[j] == '-') ++j;
    if (j < s.size() && digit(s[j])) {
      while (j < s.size() && digit(s[j])) ++j;
      i = j;
    }
  }
  std::string_view unit = s.substr(i);
  if (unit.starts_with(" ")) unit.remove_prefix(1);
  if (unit.size() > 6) return false;  // bytes: "µs" is three
  return std::all_of(unit.begin(), unit.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '%' || (static_cast<unsigned char>(c) & 0x80);
  });
}

// Cells that say "no value" do not make a column of numbers a column of text.
bool placeholder(std::string_view s) {
  s = trim(s);
  return s.empty() || s == "-" || s == "\u2013" || s == "\u2014" || s == "n/a" || s == "NA" || s == "nan" ||
         s == "NaN" || s == "inf" || s == "-inf";
}

// A figure wider than a grid column, or a table of many columns, gets a row of its own.
bool wide_block(std::string_view block) {
  block = trim(block);
  if (block.starts_with("<svg")) {
    const std::string_view tag = block.substr(0, block.find('>'));
    const std::size_t at = tag.find(" width=\"");
    int width = 0;
    if (at != std::string_view::npos) {
      const char* first = tag.data() + at + 8;
      std::from_chars(first, tag.data() + tag.size(), width);
    }
    return width > 700;
  }
  if (block.starts_with("<table")) {
    const std::string_view head = block.substr(0, block.find("</tr>"));
    std::size_t columns = 0;
    for (std::size_t at = head.find("<th"); at != std::string_view::npos; at = head.find("<th", at + 3))
      columns += head.substr(at, 4) != "<the";  // <th>, not <thead>
    return columns > 6;
  }
  return false;
}

// Plain text as paragraphs: a blank line starts a new one.
void paragraphs(std::string& out, std::string_view text, std::string_view cls) {
  while (!text.empty()) {
    const std::size_t end = text.find("\n\n");
    const std::string_view paragraph = trim(text.substr(0, end));
    if (!paragraph.empty()) fmt::format_to(std::back_inserter(out), "<p class=\"{}\">{}</p>\n", cls, escape(paragraph));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 2);
  }
}

}  // namespace

std::string html_table(const Table& table) {
  std::size_t columns = table.header.size();
  for (const auto& row : table.rows) columns = std::max(columns, row.size());
  // A column is numeric when it has numbers and nothing else but placeholders.
  std::vector<bool> numeric(columns, false);
  for (std::size_t c = 0; c < columns; ++c) {
    bool any = false, all = true;
    for (const auto& row : table.rows) {
      if (c >= row.size() || placeholder(row[c])) continue;
      const bool number = reads_as_number(row[c]);
      any = any || number;
      all = all && number;
    }
    numeric[c] = any && all;
  }
  std::string out = "<table class=\"kernels\">\n";
  if (!table.header.empty()) {
    out += "<thead><tr>";
    for (std::size_t c = 0; c < table.header.size(); ++c)
      fmt::format_to(std::back_inserter(out), "<th{}>{}</th>", numeric[c] ? " class=\"num\"" : "", escape(table.header[c]));
    out += "</tr></thead>\n";
  }
  out += "<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c)
      fmt::format_to(std::back_inserter(out), "<td{}>{}</td>", numeric[c] || reads_as_number(row[c]) ? " class=\"num\"" : "",
                     escape(row[c]));
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>";
  return out;
}

std::string html(const Page& page) {
  std::string out;
  fmt::format_to(std::back_inserter(out),
                 "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
                 kPolicy, escape(page.title), kStyle);
  fmt::format_to(std::back_inserter(out), "<header>\n<h1>{}</h1>\n", escape(page.title));
  paragraphs(out, page.subtitle, "subtitle");
  out += "</header>\n<main>\n";
  for (const Section& section : page.sections) {
    fmt::format_to(std::back_inserter(out), "<section>\n<h2>{}</h2>\n", escape(section.heading));
    paragraphs(out, section.intro, "intro");
    out += "<div class=\"grid\">\n";
    for (const std::string& block : section.blocks)
      fmt::format_to(std::back_inserter(out), "<div class=\"block{}\">{}</div>\n", wide_block(block) ? " wide" : "", block);
    out += "</div>\n</section>\n";
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tessera::report
