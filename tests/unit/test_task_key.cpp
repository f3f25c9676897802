#include <gtest/gtest.h>

#include "tessera/error.hpp"
#include "tessera/graph/task.hpp"

namespace tessera {
namespace {

Task base() { return Task{"gram", {{"row_begin", std::int64_t{0}}, {"path", std::string("a.h5")}}, {TaskKey{1, 2}}}; }

TEST(TaskKey, SameContentSameKey) {
  EXPECT_EQ(base().key(), base().key());
  Task reordered{"gram", {}, {TaskKey{1, 2}}};
  reordered.params.set("path", std::string("a.h5")).set("row_begin", std::int64_t{0});
  EXPECT_EQ(reordered.key(), base().key()) << "parameter order must not matter";
}

TEST(TaskKey, EveryPartOfTheContentChangesTheKey) {
  Task t = base();
  t.kernel = "gramx";
  EXPECT_NE(t.key(), base().key());
  t = base();
  t.params.set("row_begin", std::int64_t{1});
  EXPECT_NE(t.key(), base().key());
  t = base();
  t.params.set("row_begin", 0.0);  // same number, other type
  EXPECT_NE(t.key(), base().key());
  t = base();
  t.inputs = {TaskKey{1, 3}};
  EXPECT_NE(t.key(), base().key());
  t = base();
  t.inputs.push_back(TaskKey{1, 2});
  EXPECT_NE(t.key(), base().key());
}

TEST(TaskKey, LocalityIsNotPartOfTheKey) {
  Task t = base();
  t.locality = Locality{3, 7};
  EXPECT_EQ(t.key(), base().key());
}

TEST(TaskKey, HexRoundTripsAndRejectsGarbage) {
  const TaskKey k = base().key();
  EXPECT_EQ(TaskKey::from_hex(k.hex()), k);
  EXPECT_EQ(k.hex().size(), 32u);
  EXPECT_THROW(TaskKey::from_hex("xyz"), InputError);
}

TEST(Params, TypedAccessorsNameTheParameter) {
  Params p{{"n", std::int64_t{3}}, {"x", 2.5}, {"s", std::string("t")}, {"v", std::vector<double>{1, 2}}};
  EXPECT_EQ(p.integer("n"), 3);
  EXPECT_EQ(p.real("x"), 2.5);
  EXPECT_EQ(p.text("s"), "t");
  EXPECT_EQ(p.reals("v").size(), 2u);
  try {
    p.real("n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'n'"), std::string::npos);
  }
  EXPECT_THROW(p.integer("missing"), Error);
}

}  // namespace
}  // namespace tessera
