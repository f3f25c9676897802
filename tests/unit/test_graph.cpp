#include <gtest/gtest.h>

#include <fmt/format.h>

#include "tessera/error.hpp"
#include "tessera/graph/graph.hpp"
#include "tessera/plan/chunk_reads.hpp"

namespace tessera {
namespace {

Task leaf(std::int64_t i) { return Task{"fill", {{"i", i}}, {}}; }

TEST(Graph, IdenticalTasksCollapseIntoOneNode) {
  Graph g;
  const TaskKey a = g.add(leaf(1));
  const TaskKey b = g.add(leaf(1));
  const TaskKey c = g.add(leaf(2));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.deduplicated(), 1u);
  // A shared prefix is shared by everything built on it.
  g.add(Task{"sum", {}, {a, c}});
  g.add(Task{"sum", {}, {b, c}});
  EXPECT_EQ(g.size(), 3u);
  EXPECT_EQ(g.deduplicated(), 2u);
}

TEST(Graph, MissingInputIsNamed) {
  Graph g;
  const TaskKey ghost = TaskKey::named("ghost");
  g.add(Task{"sum", {}, {ghost}});
  try {
    g.validate();
    FAIL() << "validate accepted a missing input";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(ghost.hex()), std::string::npos) << e.what();
  }
}

TEST(Graph, CycleIsRejectedWithItsKeys) {
  Graph g;
  const TaskKey a = TaskKey::named("a"), b = TaskKey::named("b"), c = TaskKey::named("c"), d = TaskKey::named("d");
  g.add(d, Task{"fill", {}, {}});
  g.add(a, Task{"step", {}, {c}});
  g.add(b, Task{"step", {}, {a, d}});
  g.add(c, Task{"step", {}, {b}});
  try {
    g.validate();
    FAIL() << "validate accepted a cycle";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cycle"), std::string::npos) << m;
    for (const TaskKey& k : {a, b, c}) EXPECT_NE(m.find(short_name("step", k)), std::string::npos) << m;
    EXPECT_EQ(m.find(short_name("fill", d)), std::string::npos) << "d is not on the cycle: " << m;
  }
}

TEST(Graph, TopologicalOrderPutsInputsFirst) {
  Graph g;
  const TaskKey x = TaskKey::named("x"), y = TaskKey::named("y"), z = TaskKey::named("z");
  g.add(z, Task{"sum", {}, {x, y}});  // added before its inputs
  g.add(y, Task{"add_one", {}, {x}});
  g.add(x, Task{"fill", {}, {}});
  EXPECT_EQ(g.topological_order(), (std::vector<TaskKey>{x, y, z}));
}

TEST(Graph, TreeReduceShapeDependsOnlyOnLeafCount) {
  Graph g;
  std::vector<TaskKey> leaves;
  for (int i = 0; i < 5; ++i) leaves.push_back(g.add(leaf(i)));
  const TaskKey root = tree_reduce(g, leaves, "sum");
  // ((0+1)+(2+3))+4
  const TaskKey s01 = Task{"sum", {}, {leaves[0], leaves[1]}}.key();
  const TaskKey s23 = Task{"sum", {}, {leaves[2], leaves[3]}}.key();
  const TaskKey s0123 = Task{"sum", {}, {s01, s23}}.key();
  EXPECT_EQ(root, (Task{"sum", {}, {s0123, leaves[4]}}.key()));
  EXPECT_EQ(g.size(), 5u + 4u);
}

TEST(Graph, DotHasEveryNodeAndEdge) {
  Graph g;
  const TaskKey a = g.add(leaf(1)), b = g.add(leaf(2));
  const TaskKey s = g.add(Task{"sum", {}, {a, b}});
  const std::string dot = g.to_dot({s});
  EXPECT_EQ(dot.rfind("digraph tessera {", 0), 0u);
  // fmt::format, not string concatenation: GCC 12 misreads `"\"" + s` with -Wrestrict (bug 105329).
  for (const TaskKey& k : {a, b, s}) EXPECT_NE(dot.find(fmt::format("\"{}\" [label=", k.hex())), std::string::npos);
  EXPECT_NE(dot.find(fmt::format("\"{}\" -> \"{}\"", a.hex(), s.hex())), std::string::npos);
  EXPECT_NE(dot.find(fmt::format("\"{}\" -> \"{}\"", b.hex(), s.hex())), std::string::npos);
  EXPECT_NE(dot.find("peripheries=2"), std::string::npos) << "the output is marked";
}


TEST(Graph, InputFromOutsideIsAcceptedOnlyWhenKnown) {
  // A driver's later graph may name a result it still holds from an earlier one (k-means seeding
  // keeps per-row costs on the workers); any other missing input is still an error.
  Graph g;
  const TaskKey held = TaskKey::named("held"), ghost = TaskKey::named("ghost");
  const TaskKey a = g.add(Task{"leaf", {}, {}});
  const TaskKey b = g.add(Task{"sum", {}, {a, held}});
  const auto known = [&](const TaskKey& key) { return key == held; };
  const std::vector<TaskKey> order = g.topological_order(known);
  EXPECT_EQ(order, (std::vector<TaskKey>{a, b}));
  EXPECT_THROW(g.validate(), InputError);
  g.add(Task{"sum", {}, {b, ghost}});
  EXPECT_THROW(g.validate(known), InputError);
}

}  // namespace
}  // namespace tessera
