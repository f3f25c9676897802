#include "tessera/job/job_spec.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "tessera/error.hpp"
#include "tessera/core/did_you_mean.hpp"

namespace tessera {
namespace {

const std::vector<std::string> sections = {"data", "model", "output", "predict", "cv", "search"};
const std::vector<std::string> cv_keys = {"folds", "shuffle", "seed"};
const std::vector<std::string> search_keys = {"grid", "scoring", "refit", "max_candidates"};
const std::vector<std::string> data_keys = {"path",        "features",         "target",    "a", "b", "b_path",
                                            "predictions", "predictions_path", "chunk_rows"};
const std::vector<std::string> output_keys = {"path", "overwrite"};
const std::vector<std::string> predict_keys = {"path", "features"};
const std::vector<std::string> solvers = {"tsqr", "cholesky"};
const std::vector<std::string> metric_kinds = {"regression", "classification"};
/// Models that [cv] and [search] apply to.
const std::vector<std::string> searchable = {"ridge", "logistic"};

/// The keys [model] accepts for each model type.
const std::vector<std::string>& model_keys(const std::string& type) {
  static const std::vector<std::string> only_type = {"type"};
  static const std::vector<std::string> ols = {"type", "fit_intercept", "solver"};
  static const std::vector<std::string> ridge = {"type", "fit_intercept", "alpha", "pca"};
  static const std::vector<std::string> logistic = {"type", "fit_intercept", "C", "tol", "max_iter", "pca"};
  static const std::vector<std::string> evaluate = {"type", "metrics"};
  return type == "ols"        ? ols
         : type == "ridge"    ? ridge
         : type == "logistic" ? logistic
         : type == "evaluate" ? evaluate
                              : only_type;
}

/// The grid parameters of a model, and the name each is reported under ("logistic.C" is "C").
std::string grid_parameter(const std::string& type, const std::string& name) {
  if (name == "pca.n_components") return name;
  if (type == "ridge" && (name == "alpha" || name == "ridge.alpha")) return "alpha";
  if (type == "logistic" && (name == "C" || name == "logistic.C")) return "C";
  return "";
}

const std::vector<std::string>& grid_parameters(const std::string& type) {
  static const std::vector<std::string> ridge = {"alpha", "pca.n_components"};
  static const std::vector<std::string> logistic = {"C", "pca.n_components"};
  return type == "ridge" ? ridge : logistic;
}

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

}  // namespace

const std::vector<std::string>& model_types() {
  static const std::vector<std::string> types = {"gram", "dot", "ols", "ridge", "logistic", "evaluate"};
  return types;
}

JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
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
  job.data.features = r.string(data, "data", "features").value_or(job.data.features);
  job.data.target = r.string(data, "data", "target").value_or(job.data.target);
  job.data.a = r.string(data, "data", "a").value_or(job.data.a);
  job.data.b = r.string(data, "data", "b").value_or(job.data.b);
  job.data.b_path = r.string(data, "data", "b_path").value_or(job.data.path);
  job.data.predictions = r.string(data, "data", "predictions").value_or(job.data.predictions);
  job.data.predictions_path = r.string(data, "data", "predictions_path").value_or(job.data.path);
  job.data.chunk_rows = r.integer(data, "data", "chunk_rows");
  if (job.data.chunk_rows && *job.data.chunk_rows <= 0)
    throw InputError(where(name, r.node(data, "chunk_rows")) + "[data] chunk_rows must be positive, got " +
                     std::to_string(*job.data.chunk_rows));

  const toml::table& model = *r.section("model", true);
  job.model.type = r.required_string(model, "model", "type");
  const auto& types = model_types();
  if (std::find(types.begin(), types.end(), job.model.type) == types.end())
    throw InputError(where(name, r.node(model, "type")) + "unknown model type '" + job.model.type + "'" +
                     did_you_mean(job.model.type, types) + "; known: " + fmt::format("{}", fmt::join(types, ", ")));
  r.check_keys(model, "model", model_keys(job.model.type));
  job.model.fit_intercept = r.boolean(model, "model", "fit_intercept").value_or(true);
  job.model.solver = r.string(model, "model", "solver").value_or("tsqr");
  job.model.alpha = r.number(model, "model", "alpha").value_or(1.0);
  job.model.C = r.number(model, "model", "C").value_or(1.0);
  job.model.tol = r.number(model, "model", "tol").value_or(job.model.tol);
  job.model.max_iter = r.integer(model, "model", "max_iter").value_or(job.model.max_iter);
  if (!(job.model.C > 0 && std::isfinite(job.model.C)))
    throw InputError(where(name, r.node(model, "C")) + "[model] C must be positive and finite (it is the inverse of the penalty), got " +
                     fmt::format("{}", job.model.C));
  if (!(job.model.tol > 0 && std::isfinite(job.model.tol)))
    throw InputError(where(name, r.node(model, "tol")) + "[model] tol must be positive and finite");
  if (job.model.max_iter < 1) throw InputError(where(name, r.node(model, "max_iter")) + "[model] max_iter must be at least 1");
  if (job.model.type == "evaluate") {
    job.model.metrics = r.required_string(model, "model", "metrics");
    if (std::find(metric_kinds.begin(), metric_kinds.end(), job.model.metrics) == metric_kinds.end())
      throw InputError(where(name, r.node(model, "metrics")) + "unknown metrics '" + job.model.metrics + "'" +
                       did_you_mean(job.model.metrics, metric_kinds) + "; known: regression, classification");
  }
  if (const toml::node* pca = model.get("pca")) {
    const toml::table* table = pca->as_table();
    if (!table) throw InputError(where(name, *pca) + "[model.pca] must be a table, e.g. [model.pca] n_components = 5");
    r.check_keys(*table, "model.pca", {"n_components"});
    job.model.pca_components = r.integer(*table, "model.pca", "n_components");
    if (!job.model.pca_components) throw InputError(name + ": [model.pca] needs n_components");
    if (*job.model.pca_components < 1)
      throw InputError(where(name, *table->get("n_components")) + "[model.pca] n_components must be at least 1, got " +
                       std::to_string(*job.model.pca_components));
  }
  if (!(job.model.alpha >= 0 && std::isfinite(job.model.alpha)))
    throw InputError(where(name, r.node(model, "alpha")) + "[model] alpha must be finite and not negative, got " +
                     fmt::format("{}", job.model.alpha));
  if (std::find(solvers.begin(), solvers.end(), job.model.solver) == solvers.end())
    throw InputError(where(name, r.node(model, "solver")) + "unknown solver '" + job.model.solver + "'" +
                     did_you_mean(job.model.solver, solvers) + "; known: tsqr, cholesky");

  const toml::table& output = *r.section("output", true);
  r.check_keys(output, "output", output_keys);
  job.output.path = r.required_string(output, "output", "path");
  job.output.overwrite = r.boolean(output, "output", "overwrite").value_or(false);

  if (const toml::table* predict = r.section("predict", false)) {
    if (job.model.type != "ols") throw InputError(name + ": [predict] needs a model that predicts (ols)");
    r.check_keys(*predict, "predict", predict_keys);
    job.predict = PredictSpec{r.required_string(*predict, "predict", "path"),
                              r.string(*predict, "predict", "features").value_or(job.data.features)};
  }
  if (const toml::table* cv = r.section("cv", false)) {
    if (std::find(searchable.begin(), searchable.end(), job.model.type) == searchable.end())
      throw InputError(name + ": [cv] needs a model that can be cross-validated (ridge, logistic)");
    r.check_keys(*cv, "cv", cv_keys);
    job.cv = CvSpec{r.integer(*cv, "cv", "folds").value_or(5), r.boolean(*cv, "cv", "shuffle").value_or(false),
                    r.integer(*cv, "cv", "seed").value_or(0)};
    if (job.cv->folds < 2)
      throw InputError(where(name, r.node(*cv, "folds")) + "[cv] folds must be at least 2, got " + std::to_string(job.cv->folds));
  }
  if (const toml::table* search = r.section("search", false)) {
    if (std::find(searchable.begin(), searchable.end(), job.model.type) == searchable.end())
      throw InputError(name + ": [search] needs a model with parameters to search (ridge, logistic)");
    r.check_keys(*search, "search", search_keys);
    SearchSpec spec;
    spec.max_candidates = r.integer(*search, "search", "max_candidates").value_or(spec.max_candidates);
    if (spec.max_candidates < 1)
      throw InputError(where(name, r.node(*search, "max_candidates")) + "[search] max_candidates must be at least 1");
    const toml::table* grid = (*search)["grid"].as_table();
    const bool logistic = job.model.type == "logistic";
    const std::string example = logistic ? "C = [0.1, 1, 10]" : "alpha = [0.1, 1, 10]";
    if (!grid) throw InputError(name + ": [search] needs a grid, e.g. grid = { " + example + " }");
    if (grid->empty()) throw InputError(where(name, *search->get("grid")) + "[search] grid is empty");
    const auto& names = grid_parameters(job.model.type);
    double candidates = 1;
    for (const auto& [key, node] : *grid) {
      const std::string given(key.str()), param = grid_parameter(job.model.type, given);
      if (param.empty())
        throw InputError(where(name, node) + "[search] grid: '" + given + "' is not a parameter of " + job.model.type +
                         did_you_mean(given, names) + "; known: " + fmt::format("{}", fmt::join(names, ", ")));
      if (spec.grid.count(param)) throw InputError(where(name, node) + "[search] grid: '" + param + "' is given twice");
      spec.grid[param] = r.grid_values(node, given, spec.max_candidates);
      candidates *= static_cast<double>(spec.grid[param].size());
      if (candidates > static_cast<double>(spec.max_candidates))
        throw InputError(where(name, node) + fmt::format("[search] grid: {} candidates is more than the {} a search may have "
                                                         "(raise [search] max_candidates to allow it)",
                                                         candidates, spec.max_candidates));
      for (double v : spec.grid[param]) {
        if (param == "alpha" && !(v >= 0 && std::isfinite(v)))
          throw InputError(where(name, node) + fmt::format("[search] grid {}: a penalty must be finite and not negative, got {}", given, v));
        if (param == "C" && !(v > 0 && std::isfinite(v)))
          throw InputError(where(name, node) + fmt::format("[search] grid {}: C must be positive and finite (it is the inverse of the penalty), got {}", given, v));
        if (param == "pca.n_components" && (v < 1 || v != std::floor(v)))
          throw InputError(where(name, node) + fmt::format("[search] grid {}: must be whole numbers of at least 1, got {}", param, v));
      }
    }
    spec.scoring = r.string(*search, "search", "scoring").value_or(logistic ? "accuracy" : "r2");
    const auto& fitting = logistic ? classification_scorings() : regression_scorings();
    const auto& other = logistic ? regression_scorings() : classification_scorings();
    if (std::find(fitting.begin(), fitting.end(), spec.scoring) == fitting.end()) {
      const bool known = std::find(other.begin(), other.end(), spec.scoring) != other.end();
      std::vector<std::string> all = fitting;
      all.insert(all.end(), other.begin(), other.end());
      throw InputError(where(name, r.node(*search, "scoring")) +
                       (known ? "scoring '" + spec.scoring + "' is for " + (logistic ? "regressors" : "classifiers") + "; " +
                                    job.model.type + " takes " + fmt::format("{}", fmt::join(fitting, ", "))
                              : "unknown scoring '" + spec.scoring + "'" + did_you_mean(spec.scoring, all) + "; known: " +
                                    fmt::format("{}", fmt::join(all, ", "))));
    }
    spec.refit = r.boolean(*search, "search", "refit").value_or(true);
    job.search = std::move(spec);
    if (!job.cv) job.cv = CvSpec{};
  }
  return job;
}

const std::vector<std::string>& regression_scorings() {
  static const std::vector<std::string> names = {"neg_mean_squared_error", "r2"};
  return names;
}

const std::vector<std::string>& classification_scorings() {
  static const std::vector<std::string> names = {"accuracy", "neg_log_loss", "roc_auc", "f1"};
  return names;
}

JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) throw InputError(path + ": no such job file");
  if (std::filesystem::is_directory(status)) throw InputError(path + ": is a directory, not a job file");
  if (!std::filesystem::is_regular_file(status)) throw InputError(path + ": is not a regular file, so not a job file");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the job file (permission denied?)");
  std::stringstream text;
  text << in.rdbuf();
  return parse_job(text.str(), path, overrides);
}

}  // namespace tessera
