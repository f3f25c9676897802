#include "tessera/job/job_spec.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "tessera/error.hpp"
#include "tessera/util/did_you_mean.hpp"

namespace tessera {
namespace {

const std::vector<std::string> sections = {"data", "model", "output", "predict"};
const std::vector<std::string> data_keys = {"path", "features", "target", "a", "b", "b_path", "chunk_rows"};
const std::vector<std::string> output_keys = {"path", "overwrite"};
const std::vector<std::string> predict_keys = {"path", "features"};
const std::vector<std::string> solvers = {"tsqr", "cholesky"};

/// The keys [model] accepts for each model type.
const std::vector<std::string>& model_keys(const std::string& type) {
  static const std::vector<std::string> only_type = {"type"};
  static const std::vector<std::string> ols = {"type", "fit_intercept", "solver"};
  return type == "ols" ? ols : only_type;
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
  static const std::vector<std::string> types = {"gram", "dot", "ols"};
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
  return job;
}

JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read the job file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_job(text.str(), path, overrides);
}

}  // namespace tessera
