// The job-type table: one line per job type.
#include "jobs/dot/dot_job.hpp"
#include "jobs/elastic_net/elastic_net_job.hpp"
#include "jobs/evaluate/evaluate_job.hpp"
#include "jobs/gram/gram_job.hpp"
#include "jobs/kmeans/kmeans_job.hpp"
#include "jobs/logistic/logistic_job.hpp"
#include "jobs/ols/ols_job.hpp"
#include "jobs/ridge/ridge_job.hpp"
#include "tessera/jobs/job_type.hpp"

#include <fmt/format.h>

namespace tessera {

const std::vector<const JobType*>& job_types() {
  static const std::vector<const JobType*> types = {
      &gram_job,      //
      &dot_job,       //
      &ols_job,       //
      &ridge_job,     //
      &elastic_net_job,  //
      &lasso_job,    //
      &logistic_job,  //
      &kmeans_job,    //
      &evaluate_job,  //
  };
  return types;
}

const JobType& job_type(const std::string& name) {
  for (const JobType* t : job_types())
    if (name == t->name) return *t;
  throw Error("no job type '" + name + "'");
}

const ModelTypes& model_types() {
  static const ModelTypes types = [] {
    ModelTypes t;
    static std::map<std::string, ModelSchema> schemas;
    for (const JobType* type : job_types()) {
      t.names.push_back(type->name);
      schemas.emplace(type->name, type->schema());
    }
    t.schema = [](const std::string& name) -> const ModelSchema& { return schemas.at(name); };
    return t;
  }();
  return types;
}

JobSpec load_job(const std::string& path, const std::vector<std::string>& overrides) {
  return load_job(path, overrides, model_types());
}

JobSpec parse_job(const std::string& text, const std::string& name, const std::vector<std::string>& overrides) {
  return parse_job(text, name, overrides, model_types());
}

std::string model_keys_markdown() {
  std::string out;
  for (const JobType* type : job_types()) {
    const ModelSchema schema = type->schema();
    const std::vector<std::string> defaults = type->defaults();
    out += fmt::format("### `type = \"{}\"`\n\n{}\n\n", type->name, type->summary);
    if (schema.keys.empty()) {
      out += "No other [model] keys.\n\n";
    } else {
      out += "| key | default | meaning |\n|---|---|---|\n";
      for (std::size_t i = 0; i < schema.keys.size(); ++i) {
        const KeyDoc& key = schema.keys[i];
        const auto dot = key.name.find('.');
        const std::string shown =
            dot == std::string::npos ? key.name : "[model." + key.name.substr(0, dot) + "] " + key.name.substr(dot + 1);
        std::string meaning = key.meaning;
        if (!key.choices.empty()) meaning += fmt::format(" (`{}`)", fmt::join(key.choices, "`, `"));
        // A `|` inside a cell (k-means||) would end it.
        const auto cell = [](const std::string& text) {
          std::string escaped;
          for (char c : text) (c == '|' ? escaped += "\\|" : escaped += c);
          return escaped;
        };
        out += fmt::format("| `{}` | {} | {} |\n", shown, cell(defaults[i]), cell(meaning));
      }
      out += "\n";
    }
    std::vector<std::string> names;
    for (const auto& p : schema.grid) names.push_back("`" + p.name + "`");
    if (!schema.grid.empty() && schema.scorings.empty()) {
      out += fmt::format("Takes [search] (no [cv]: it {}); grid parameters {}.\n\n", schema.scored_as, fmt::join(names, ", "));
    } else if (!schema.grid.empty()) {
      out += fmt::format("Takes [cv] and [search]; grid parameters {}; scorings `{}` (default `{}`).\n\n",
                         fmt::join(names, ", "), fmt::join(schema.scorings, "`, `"), schema.scorings.front());
    }
    if (schema.predicts) out += "Takes [predict].\n\n";
  }
  return out;
}

}  // namespace tessera
