#include <gtest/gtest.h>

#include "tessera/error.hpp"
#include "tessera/jobs/job_type.hpp"
#include "tessera/core/did_you_mean.hpp"

namespace tessera {
namespace {

const char* good = R"([data]
path = "d.h5"
chunk_rows = 1000

[model]
type = "gram"

[output]
path = "out.h5"
)";

/// The message of the InputError that parsing `text` throws.
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_job(text, "job.toml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(JobSpec, ParsesDefaultsAndValues) {
  const JobSpec j = parse_job(good, "job.toml");
  EXPECT_EQ(j.data.path, "d.h5");
  EXPECT_EQ(j.data.features, "X");
  EXPECT_EQ(j.data.target, "y");
  EXPECT_EQ(j.data.chunk_rows, 1000);
  EXPECT_EQ(j.model.type, "gram");
  EXPECT_EQ(j.output.path, "out.h5");
  EXPECT_FALSE(j.output.overwrite);
}

TEST(JobSpec, OverridesFromTheCommandLine) {
  const JobSpec j = parse_job(good, "job.toml", {"data.chunk_rows=50", "output.overwrite=true", "data.features=Z", "model.type=dot"});
  EXPECT_EQ(j.data.chunk_rows, 50);
  EXPECT_TRUE(j.output.overwrite);
  EXPECT_EQ(j.data.features, "Z");
  EXPECT_EQ(j.model.type, "dot");
  EXPECT_NE(error_of(good, {"data.chunk_rows=0"}).find("--set"), std::string::npos);
  EXPECT_NE(error_of(good, {"nonsense"}).find("section.key=value"), std::string::npos);
}

TEST(JobSpec, MalformedTomlNamesTheLine) {
  const std::string m = error_of("[data]\npath = \"d.h5\"\nchunk_rows = = 3\n");
  EXPECT_EQ(m.rfind("job.toml:3:", 0), 0u) << m;
  EXPECT_NE(m.find("malformed TOML"), std::string::npos) << m;
}

TEST(JobSpec, UnknownKeySuggestsTheNearestOne) {
  std::string text = good;
  text.replace(text.find("chunk_rows"), 10, "chunk_row");
  const std::string m = error_of(text);
  EXPECT_NE(m.find("job.toml:3:1"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key 'chunk_row' in [data] (did you mean 'chunk_rows'?)"), std::string::npos) << m;
}

TEST(JobSpec, UnknownModelTypeSuggestsOne) {
  std::string text = good;
  text.replace(text.find("\"gram\""), 6, "\"grma\"");
  const std::string m = error_of(text);
  EXPECT_NE(m.find("unknown model type 'grma' (did you mean 'gram'?)"), std::string::npos) << m;
  EXPECT_NE(m.find("job.toml:6:"), std::string::npos) << m;
}

TEST(JobSpec, ChunkRowsMustBePositive) {
  std::string text = good;
  text.replace(text.find("1000"), 4, "-5");
  EXPECT_NE(error_of(text).find("chunk_rows must be positive, got -5"), std::string::npos);
  text = good;
  text.replace(text.find("1000"), 4, "\"many\"");
  EXPECT_NE(error_of(text).find("chunk_rows must be a positive integer or \"auto\""), std::string::npos);
}

TEST(JobSpec, MissingSectionsAndKeysAreNamed) {
  EXPECT_NE(error_of("[data]\npath = \"x\"\n[output]\npath = \"o\"\n").find("missing section [model]"), std::string::npos);
  EXPECT_NE(error_of("[data]\n[model]\ntype = \"gram\"\n[output]\npath = \"o\"\n").find("[data] needs 'path'"), std::string::npos);
  EXPECT_NE(error_of(std::string(good) + "[outptu]\n").find("did you mean 'output'"), std::string::npos);
}

TEST(DidYouMean, OnlyCloseWordsAreSuggested) {
  EXPECT_EQ(closest_match("featurs", {"features", "target"}), "features");
  EXPECT_EQ(closest_match("zzz", {"features", "target"}), std::nullopt);
  EXPECT_EQ(closest_match("hc3", {"HC0", "HC3"}), "HC3");  // case alone, however short the word
  EXPECT_EQ(did_you_mean("ols", {"gram", "dot"}), "");
}

}  // namespace
}  // namespace tessera
