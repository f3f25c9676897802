#include "tessera/job/job_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "tessera/error.hpp"
#include "tessera/core/did_you_mean.hpp"

namespace tessera {
namespace {

const std::vector<std::string> sections = {"data", "model", "output", "predict", "cv", "search", "checkpoint"};
const std::vector<std::string> checkpoint_keys = {"dir"};
const std::vector<std::string> cv_keys = {"folds", "shuffle", "seed", "stratify"};
const std::vector<std::string> search_keys = {"grid", "scoring", "refit", "max_candidates"};
const std::vector<std::string> data_keys = {"path",        "features",         "target",     "a",      "b", "b_path",
                                            "predictions", "predictions_path", "chunk_rows", "columns"};
const std::vector<std::string> output_keys = {"path", "overwrite"};
const std::vector<std::string> predict_keys = {"path", "features", "target", "columns"};
/// "file:line:column: " for a node that came from the file, "file: " for one set on the command line.
std::string where(const std::string& file, const toml::node& node) {
  const auto& begin = node.source().begin;
  if (begin.line == 0 || !node.source().path) return file + " (--set): ";  // parsed from the command line
  return fmt::format("{}:{}:{}: ", file, begin.line, begin.column);
}

class Reader {
 public:
  Reader(const toml::table& root, std::string file) : root_(root), file_(std::move(file)) {}

  void check_sections() const {
    for (const auto& [key, node] : root_) {
      const std::string name(key.str());
      if (std::find(sections.begin(), sections.end(), name) == sections.end())
        throw InputError(where(file_, node) + "unknown section [" + name + "]" + did_you_mean(name, sections));
      if (!node.is_table()) throw InputError(where(file_, node) + "'" + name + "' must be a table ([" + name + "])");
    }
  }

  const toml::table* section(const std::string& name, bool required) const {
    const toml::table* t = root_[name].as_table();
    if (!t && required) throw InputError(file_ + ": missing section [" + name + "]");
    return t;
  }

  void check_keys(const toml::table& table, const std::string& section, const std::vector<std::string>& known) const {
    for (const auto& [key, node] : table) {
      const std::string name(key.str());
      if (std::find(known.begin(), known.end(), name) == known.end())
        throw InputError(where(file_, node) + "unknown key '" + name + "' in [" + section + "]" + did_you_mean(name, known));
    }
  }

  std::optional<std::string> string(const toml::table& t, const std::string& section, const std::string& key) const {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (!node->is_string()) throw InputError(where(file_, *node) + "[" + section + "] " + key + " must be a string");
    return node->value<std::string>();
  }

  /// `features` (a dataset, or a list of 1-D datasets) and `columns` of [data] or [predict].
  void features(const toml::table& t, const std::string& section, std::string& dataset, FeatureColumns& columns) const {
    if (const toml::node* node = t.get("features"); node && node->is_array()) {
      const toml::array& list = *node->as_array();
      if (list.empty()) throw InputError(where(file_, *node) + "[" + section + "] features is an empty list");
      for (const toml::node& item : list) {
        if (!item.is_string() || item.value<std::string>()->empty())
          throw InputError(where(file_, item) + "[" + section + "] features must list dataset names (strings)");
        const std::string name = *item.value<std::string>();
        if (std::find(columns.datasets.begin(), columns.datasets.end(), name) != columns.datasets.end())
          throw InputError(where(file_, item) + "[" + section + "] features lists '" + name + "' twice");
        columns.datasets.push_back(name);
      }
      dataset = columns.datasets.front();
    } else {
      dataset = string(t, section, "features").value_or(dataset);
    }
    const toml::node* chosen = t.get("columns");
    if (!chosen) return;
    const toml::array* list = chosen->as_array();
    if (!list || list->empty())
      throw InputError(where(file_, *chosen) + "[" + section + "] columns must be a list of column names or indices");
    if (!columns.datasets.empty())
      throw InputError(where(file_, *chosen) + "[" + section + "] columns chooses columns of one 2-D features dataset; "
                       "with a list of features, list only the datasets wanted");
    for (const toml::node& item : *list) {
      if (const auto name = item.value_exact<std::string>(); name && columns.indices.empty())
        columns.names.push_back(*name);
      else if (const auto index = item.value_exact<std::int64_t>(); index && columns.names.empty())
        columns.indices.push_back(*index);
      else
        throw InputError(where(file_, item) + "[" + section + "] columns must be all names (strings) or all indices (integers)");
    }
  }

  std::string required_string(const toml::table& t, const std::string& section, const std::string& key) const {
    auto v = string(t, section, key);
    if (!v) throw InputError(file_ + ": [" + section + "] needs '" + key + "'");
    if (v->empty()) throw InputError(where(file_, *t.get(key)) + "[" + section + "] " + key + " is empty");
    return *v;
  }

  std::optional<std::int64_t> integer(const toml::table& t, const std::string& section, const std::string& key) const {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (!node->is_integer()) throw InputError(where(file_, *node) + "[" + section + "] " + key + " must be an integer");
    return node->value<std::int64_t>();
  }

  std::optional<double> number(const toml::table& t, const std::string& section, const std::string& key) const {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (!node->is_number()) throw InputError(where(file_, *node) + "[" + section + "] " + key + " must be a number");
    return node->value<double>();
  }

  /// A grid parameter's values: a list of numbers, or { logspace = [start, stop, count] } as numpy's.
  /// At most `max_values` of them, checked before any is made.
  /// A grid of names (penalty = ["l1", "l2"]): each name's index in `names`.
  std::vector<double> grid_names(const toml::node& node, const std::string& name, const std::vector<std::string>& names,
                                 std::int64_t max_values) const {
    const std::string what = where(file_, node) + "[search] grid " + name;
    const toml::array* list = node.as_array();
    if (!list) throw InputError(fmt::format("{}: expected a list of names, e.g. [\"{}\"]", what, names.front()));
    if (static_cast<std::int64_t>(list->size()) > max_values)
      throw InputError(fmt::format("{}: {} values is more than the {} candidates a search may have (raise [search] "
                                   "max_candidates to allow it)",
                                   what, list->size(), max_values));
    std::vector<double> values;
    for (const auto& v : *list) {
      const auto given = v.value<std::string>();
      if (!given) throw InputError(fmt::format("{}: every value must be a name: {}", what, fmt::join(names, ", ")));
      const auto at = std::find(names.begin(), names.end(), *given);
      if (at == names.end())
        throw InputError(fmt::format("{}: unknown {} '{}'{}; known: {}", what, name, *given, did_you_mean(*given, names),
                                     fmt::join(names, ", ")));
      values.push_back(static_cast<double>(at - names.begin()));
    }
    if (values.empty()) throw InputError(what + ": the list is empty");
    return values;
  }

  std::vector<double> grid_values(const toml::node& node, const std::string& name, std::int64_t max_values) const {
    const std::string what = where(file_, node) + "[search] grid " + name;
    const auto too_many = [&](std::int64_t count) {
      return InputError(fmt::format("{}: {} values is more than the {} candidates a search may have (raise [search] "
                                    "max_candidates to allow it)",
                                    what, count, max_values));
    };
    std::vector<double> values;
    if (const toml::array* list = node.as_array()) {
      if (static_cast<std::int64_t>(list->size()) > max_values) throw too_many(static_cast<std::int64_t>(list->size()));
      for (const auto& v : *list) {
        if (!v.is_number()) throw InputError(what + ": every value must be a number");
        values.push_back(*v.value<double>());
      }
    } else if (const toml::table* spec = node.as_table()) {
      const toml::array* ls = (*spec)["logspace"].as_array();
      if (!ls || spec->size() != 1 || ls->size() != 3 || !(*ls)[0].is_number() || !(*ls)[1].is_number() || !(*ls)[2].is_integer())
        throw InputError(what + ": expected a list of numbers or { logspace = [start, stop, count] }");
      const double a = *(*ls)[0].value<double>(), b = *(*ls)[1].value<double>();
      const std::int64_t count = *(*ls)[2].value<std::int64_t>();
      if (count < 1) throw InputError(fmt::format("{}: logspace count must be at least 1, got {}", what, count));
      if (count > max_values) throw too_many(count);
      if (!std::isfinite(a) || !std::isfinite(b))
        throw InputError(fmt::format("{}: logspace bounds must be finite exponents, got [{}, {}]", what, a, b));
      values.reserve(static_cast<std::size_t>(count));
      for (std::int64_t i = 0; i < count; ++i)
        values.push_back(std::pow(10.0, count == 1 ? a : a + (b - a) * static_cast<double>(i) / static_cast<double>(count - 1)));
    } else {
      throw InputError(what + ": expected a list of numbers or { logspace = [start, stop, count] }");
    }
    if (values.empty()) throw InputError(what + " is empty");
    return values;
  }

  std::optional<bool> boolean(const toml::table& t, const std::string& section, const std::string& key) const {
    const toml::node* node = t.get(key);
    if (!node) return std::nullopt;
    if (!node->is_boolean()) throw InputError(where(file_, *node) + "[" + section + "] " + key + " must be true or false");
    return node->value<bool>();
  }

  const toml::node& node(const toml::table& t, const std::string& key) const { return *t.get(key); }
  /// "file:line:column: " of a node.
  std::string at(const toml::node& n) const { return where(file_, n); }
  const std::string& file() const { return file_; }

 private:
  const toml::table& root_;
  std::string file_;
};

/// Applies one "section.key=value" override; the value is read as TOML, or else as a plain string.
void apply_override(toml::table& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw InputError("--set " + assignment + ": expected section.key=value");
  const std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1);
  const std::string text = assignment.substr(eq + 1);
  if (std::find(sections.begin(), sections.end(), section) == sections.end())
    throw InputError("--set " + assignment + ": unknown section [" + section + "]" + did_you_mean(section, sections));
  toml::table* table = root[section].as_table();
  if (!table) table = root.insert_or_assign(section, toml::table{}).first->second.as_table();
  try {
    toml::table parsed = toml::parse("v = " + text);
    table->insert_or_assign(key, *parsed.get("v"));
  } catch (const toml::parse_error&) {
    table->insert_or_assign(key, text);
  }
}

/// "what must be positive and finite, got -1" for a failed Check; empty when it holds.
std::string violation(Check check, double v) {
  switch (check) {
    case Check::finite_non_negative:
      return v >= 0 && std::isfinite(v) ? "" : fmt::format("must be finite and not negative, got {}", v);
    case Check::finite_positive: return v > 0 && std::isfinite(v) ? "" : fmt::format("must be positive and finite, got {}", v);
    case Check::at_least_one: return v >= 1 ? "" : fmt::format("must be at least 1, got {}", v);
    case Check::open_unit_interval: return v > 0 && v < 1 ? "" : fmt::format("must be between 0 and 1 (exclusive), got {}", v);
    case Check::unit_interval: return v >= 0 && v <= 1 ? "" : fmt::format("must be between 0 and 1, got {}", v);
    case Check::none: return "";
  }
  return "";
}

/// [model] and its sub-tables read for a job type's Options (see job/model_schema.hpp).
class ModelReader : public OptionReader {
 public:
  ModelReader(const Reader& reader, const toml::table& model, const std::string& type, const ModelSchema& schema)
      : r_(reader), model_(model) {
    // Every key of [model] and of its sub-tables must be one the type declares.
    std::vector<std::string> top = {"type"};
    std::map<std::string, std::vector<std::string>> sub;
    for (const auto& key : schema.keys) {
      const auto dot = key.name.find('.');
      if (dot == std::string::npos) {
        top.push_back(key.name);
      } else {
        if (!sub.count(key.name.substr(0, dot))) top.push_back(key.name.substr(0, dot));
        sub[key.name.substr(0, dot)].push_back(key.name.substr(dot + 1));
      }
    }
    r_.check_keys(model_, "model", top);
    for (const auto& [table, keys] : sub) {
      if (const toml::node* node = model_.get(table)) {
        if (!node->is_table())
          throw InputError(r_.at(*node) + "[model." + table + "] must be a table, e.g. [model." + table + "] " + keys.front() + " = ...");
        r_.check_keys(*node->as_table(), "model." + table, keys);
      }
    }
    (void)type;
  }

  void read(const KeyDoc& key, bool& value) override {
    if (const auto v = r_.boolean(table_of(key), section_of(key), leaf_of(key))) value = *v;
    required(key, value);
  }
  void read(const KeyDoc& key, std::int64_t& value) override {
    if (const auto v = r_.integer(table_of(key), section_of(key), leaf_of(key))) value = *v;
    check(key, static_cast<double>(value));
  }
  void read(const KeyDoc& key, double& value) override {
    if (const auto v = r_.number(table_of(key), section_of(key), leaf_of(key))) value = *v;
    check(key, value);
  }
  void read(const KeyDoc& key, std::string& value) override {
    if (const auto v = r_.string(table_of(key), section_of(key), leaf_of(key))) value = *v;
    if (key.required && !node_of(key)) throw InputError(r_.file() + ": [" + section_of(key) + "] needs '" + leaf_of(key) + "'");
    if (!key.choices.empty() && std::find(key.choices.begin(), key.choices.end(), value) == key.choices.end())
      throw InputError(location(key) + "unknown " + leaf_of(key) + " '" + value + "'" + did_you_mean(value, key.choices) +
                       "; known: " + fmt::format("{}", fmt::join(key.choices, ", ")));
  }
  void read(const KeyDoc& key, std::optional<std::int64_t>& value) override {
    const toml::table* table = sub_table(key);
    if (!table) return;
    value = r_.integer(*table, section_of(key), leaf_of(key));
    // A sub-table ([model.pca]) is there for its key; a key of [model] itself may be left out.
    if (!value && key.name.find('.') == std::string::npos) return;
    if (!value) throw InputError(r_.file() + ": [" + section_of(key) + "] needs " + leaf_of(key));
    check(key, static_cast<double>(*value));
  }
  void read(const KeyDoc& key, std::optional<double>& value) override {
    const toml::node* node = node_of(key);
    if (!node) return;
    if (const auto flag = node->value_exact<bool>())
      value = *flag ? 1.0 : 0.0;
    else
      value = r_.number(table_of(key), section_of(key), leaf_of(key));
    check(key, *value);
  }

 private:
  std::string section_of(const KeyDoc& key) const {
    const auto dot = key.name.find('.');
    return dot == std::string::npos ? "model" : "model." + key.name.substr(0, dot);
  }
  std::string leaf_of(const KeyDoc& key) const {
    const auto dot = key.name.find('.');
    return dot == std::string::npos ? key.name : key.name.substr(dot + 1);
  }
  const toml::table* sub_table(const KeyDoc& key) const {
    const auto dot = key.name.find('.');
    if (dot == std::string::npos) return &model_;
    const toml::node* node = model_.get(key.name.substr(0, dot));
    return node ? node->as_table() : nullptr;
  }
  const toml::table& table_of(const KeyDoc& key) const {
    static const toml::table empty;
    const toml::table* t = sub_table(key);
    return t ? *t : empty;
  }
  const toml::node* node_of(const KeyDoc& key) const { return table_of(key).get(leaf_of(key)); }
  std::string location(const KeyDoc& key) const {
    const toml::node* node = node_of(key);
    return node ? r_.at(*node) : r_.file() + ": ";
  }
  void check(const KeyDoc& key, double value) const {
    const std::string problem = violation(key.check, value);
    if (!problem.empty()) throw InputError(location(key) + "[" + section_of(key) + "] " + leaf_of(key) + " " + problem);
  }
  void required(const KeyDoc& key, bool) const {
    if (key.required && !node_of(key)) throw InputError(r_.file() + ": [" + section_of(key) + "] needs '" + leaf_of(key) + "'");
  }

  const Reader& r_;
  const toml::table& model_;
};

/// The job types that take [cv] and [search], or [predict], for messages.
std::string searchable(const ModelTypes& types) {
  std::vector<std::string> out;
  for (const auto& n : types.names)
    if (!types.schema(n).grid.empty() && !types.schema(n).scorings.empty()) out.push_back(n);
  return fmt::format("{}", fmt::join(out, ", "));
}
std::string predicting(const ModelTypes& types) {
  std::vector<std::string> out;
  for (const auto& n : types.names)
    if (types.schema(n).predicts) out.push_back(n);
  return fmt::format("{}", fmt::join(out, ", "));
}

/// [search]: the grid (every value checked, its size bounded before it is made) and the scoring.
SearchSpec read_search(const Reader& r, const toml::table& search, const std::string& type, const ModelSchema& schema,
                       const ModelTypes& types) {
  SearchSpec spec;
  spec.max_candidates = r.integer(search, "search", "max_candidates").value_or(spec.max_candidates);
  if (spec.max_candidates < 1) throw InputError(r.at(r.node(search, "max_candidates")) + "[search] max_candidates must be at least 1");
  // Without a grid the one candidate is the [model] keys' (or the candidates the model derives
  // from the data, as elastic net's n_alphas), as with [cv] alone; [search] still sets the scoring.
  static const toml::table no_grid;
  const toml::table* grid = search["grid"].as_table();
  if (!grid && search.contains("grid"))
    throw InputError(r.at(*search.get("grid")) + "[search] grid must be a table, e.g. grid = { " + schema.grid.front().name +
                     " = [0.1, 1, 10] }");
  if (grid && grid->empty()) throw InputError(r.at(*search.get("grid")) + "[search] grid is empty");
  if (!grid) grid = &no_grid;
  std::vector<std::string> names;
  for (const auto& p : schema.grid) names.push_back(p.name);
  double candidates = 1;
  for (const auto& [key, node] : *grid) {
    const std::string given(key.str());
    const auto parameter = std::find_if(schema.grid.begin(), schema.grid.end(), [&](const GridParameter& p) {
      return p.name == given || std::find(p.aliases.begin(), p.aliases.end(), given) != p.aliases.end();
    });
    if (parameter == schema.grid.end())
      throw InputError(r.at(node) + "[search] grid: '" + given + "' is not a parameter of " + type + did_you_mean(given, names) +
                       "; known: " + fmt::format("{}", fmt::join(names, ", ")));
    const std::string& param = parameter->name;
    if (spec.grid.count(param)) throw InputError(r.at(node) + "[search] grid: '" + param + "' is given twice");
    spec.grid[param] = parameter->names.empty() ? r.grid_values(node, given, spec.max_candidates)
                                                : r.grid_names(node, given, parameter->names, spec.max_candidates);
    candidates *= static_cast<double>(spec.grid[param].size());
    if (candidates > static_cast<double>(spec.max_candidates))
      throw InputError(r.at(node) + fmt::format("[search] grid: {} candidates is more than the {} a search may have "
                                                   "(raise [search] max_candidates to allow it)",
                                                   candidates, spec.max_candidates));
    for (double v : spec.grid[param]) {
      const std::string problem = violation(parameter->check, v);
      if (!problem.empty()) throw InputError(r.at(node) + fmt::format("[search] grid {}: {} {}", given, param, problem));
      if (parameter->whole_numbers && v != std::floor(v))
        throw InputError(r.at(node) + fmt::format("[search] grid {}: must be whole numbers, got {}", param, v));
    }
  }
  // A grid scored without cross-validation (kmeans: by inertia) takes no scoring.
  if (schema.scorings.empty()) {
    if (search.contains("scoring"))
      throw InputError(r.at(r.node(search, "scoring")) + "[search] scoring: " + type + " " + schema.scored_as +
                       "; remove scoring");
    return spec;
  }
  spec.scoring = r.string(search, "search", "scoring").value_or(schema.scorings.front());
  const auto& fitting = schema.scorings;
  if (std::find(fitting.begin(), fitting.end(), spec.scoring) == fitting.end()) {
    std::vector<std::string> all;
    std::string other_kind;
    for (const auto& n : types.names)
      for (const auto& s : types.schema(n).scorings) {
        if (std::find(all.begin(), all.end(), s) == all.end()) all.push_back(s);
        if (s == spec.scoring) other_kind = types.schema(n).scored_as;
      }
    throw InputError(r.at(r.node(search, "scoring")) +
                     (!other_kind.empty() ? "scoring '" + spec.scoring + "' is for " + other_kind + "; " + type + " takes " +
                                                fmt::format("{}", fmt::join(fitting, ", "))
                                          : "unknown scoring '" + spec.scoring + "'" + did_you_mean(spec.scoring, all) +
                                                "; known: " + fmt::format("{}", fmt::join(all, ", "))));
  }
  spec.refit = r.boolean(search, "search", "refit").value_or(true);
  return spec;
}

}  // namespace

JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides,
                  const ModelTypes& types) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: malformed TOML: {}", name, e.source().begin.line, e.source().begin.column,
                                 e.description()));
  }
  for (const auto& o : overrides) apply_override(root, o);

  Reader r(root, name);
  r.check_sections();
  JobSpec job;
  job.file = name;

  const toml::table& data = *r.section("data", true);
  r.check_keys(data, "data", data_keys);
  job.data.path = r.required_string(data, "data", "path");
  r.features(data, "data", job.data.features, job.data.feature_columns);
  job.data.target = r.string(data, "data", "target").value_or(job.data.target);
  job.data.a = r.string(data, "data", "a").value_or(job.data.a);
  job.data.b = r.string(data, "data", "b").value_or(job.data.b);
  job.data.b_path = r.string(data, "data", "b_path").value_or(job.data.path);
  job.data.predictions = r.string(data, "data", "predictions").value_or(job.data.predictions);
  job.data.predictions_path = r.string(data, "data", "predictions_path").value_or(job.data.path);
  if (const toml::node* chunk = data.get("chunk_rows")) {
    const auto rows = chunk->value<std::int64_t>();
    if (chunk->value<std::string>() == "auto")
      job.data.chunk_rows_auto = true;
    else if (!chunk->is_integer())
      throw InputError(where(name, *chunk) + "[data] chunk_rows must be a positive integer or \"auto\"");
    else if (*rows <= 0)
      throw InputError(where(name, *chunk) + "[data] chunk_rows must be positive, got " + std::to_string(*rows));
    else
      job.data.chunk_rows = rows;
  }

  const toml::table& model = *r.section("model", true);
  job.model.type = r.required_string(model, "model", "type");
  const auto& names = types.names;
  if (std::find(names.begin(), names.end(), job.model.type) == names.end())
    throw InputError(where(name, r.node(model, "type")) + "unknown model type '" + job.model.type + "'" +
                     did_you_mean(job.model.type, names) + "; known: " + fmt::format("{}", fmt::join(names, ", ")));
  const ModelSchema& schema = types.schema(job.model.type);
  ModelReader model_reader(r, model, job.model.type, schema);
  job.model.options = schema.read_options(model_reader);

  const toml::table& output = *r.section("output", true);
  r.check_keys(output, "output", output_keys);
  job.output.path = r.required_string(output, "output", "path");
  job.output.overwrite = r.boolean(output, "output", "overwrite").value_or(false);

  if (const toml::table* predict = r.section("predict", false)) {
    if (!schema.predicts) throw InputError(name + ": [predict] needs a model that predicts (" + predicting(types) + ")");
    r.check_keys(*predict, "predict", predict_keys);
    job.predict = PredictSpec{r.required_string(*predict, "predict", "path"), job.data.features, job.data.feature_columns,
                              r.string(*predict, "predict", "target")};
    // [predict]'s own features replace [data]'s (and their columns) altogether.
    if (predict->contains("features") || predict->contains("columns")) {
      job.predict->feature_columns = FeatureColumns{};
      r.features(*predict, "predict", job.predict->features, job.predict->feature_columns);
    }
  }
  if (const toml::table* cv = r.section("cv", false)) {
    if (!schema.grid.empty() && schema.scorings.empty())
      throw InputError(name + ": [cv] does not apply to " + job.model.type + ", which " + schema.scored_as + "; remove [cv]");
    if (schema.grid.empty())
      throw InputError(name + ": [cv] needs a model that can be cross-validated (" + searchable(types) + ")");
    r.check_keys(*cv, "cv", cv_keys);
    job.cv = CvSpec{r.integer(*cv, "cv", "folds").value_or(5), r.boolean(*cv, "cv", "shuffle").value_or(false),
                    r.integer(*cv, "cv", "seed").value_or(0), r.boolean(*cv, "cv", "stratify").value_or(false)};
    if (job.cv->folds < 2)
      throw InputError(where(name, r.node(*cv, "folds")) + "[cv] folds must be at least 2, got " + std::to_string(job.cv->folds));
  }
  if (const toml::table* search = r.section("search", false)) {
    if (schema.grid.empty())
      throw InputError(name + ": [search] needs a model with parameters to search (" + searchable(types) + ")");
    r.check_keys(*search, "search", search_keys);
    job.search = read_search(r, *search, job.model.type, schema, types);
    if (!job.cv && !schema.scorings.empty()) job.cv = CvSpec{};
  }
  // [cv] alone is a search over the one candidate of the [model] keys, scored the default way.
  if (job.cv && !job.search) job.search = SearchSpec{{}, schema.scorings.front(), true};
  if (const toml::table* checkpoint = r.section("checkpoint", false)) {
    r.check_keys(*checkpoint, "checkpoint", checkpoint_keys);
    job.checkpoint_dir = r.required_string(*checkpoint, "checkpoint", "dir");
  }
  // Everything that decides the results, written out canonically (keys in order, no comments):
  // where they go and where they are checkpointed do not.
  toml::table decisive = root;
  decisive.erase("output");
  decisive.erase("checkpoint");
  std::ostringstream identity;
  identity << decisive;
  job.identity = identity.str();
  return job;
}

JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides, const ModelTypes& types) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(path + ": no such job file");
  if (std::filesystem::is_directory(status)) throw InputError(path + ": is a directory, not a job file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(path + ": is not a regular file, so not a job file");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the job file (permission denied?)");
  std::stringstream text;
  text << in.rdbuf();
  return parse_job(text.str(), path, overrides, types);
}

}  // namespace tessera
