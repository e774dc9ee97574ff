// The entity -> shard hash must never change between nodes, builds or
// releases (a change would move every entity at the next rolling restart):
// fixed vectors pin it; ids spread evenly over the shards.
#include <gtest/gtest.h>

#include <vector>

#include "cluster/shard.hpp"

using hirehub::cluster::shard_of;

TEST(shard, fnv1a_of_the_id_modulo_the_shard_count_is_pinned) {
  // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325; of "a" 0xaf63dc4c8601ec8c.
  EXPECT_EQ(shard_of("", 1 << 30), static_cast<int>(0xcbf29ce484222325ull % (1u << 30)));
  EXPECT_EQ(shard_of("a", 1000), static_cast<int>(0xaf63dc4c8601ec8cull % 1000));
  EXPECT_EQ(shard_of("b3c0a7e2-5d1f-4c5e-9a51-0f4f3b2a1c9d", 64),
            shard_of(std::string("b3c0a7e2-5d1f-4c5e-9a51-0f4f3b2a1c9d"), 64));
  EXPECT_EQ(shard_of("anything", 1), 0);
  EXPECT_EQ(shard_of("anything", 0), 0);  // never divides by zero
}

TEST(shard, uuids_spread_evenly_over_64_shards) {
  std::vector<int> counts(64, 0);
  const int n = 64000;
  char id[37];
  for (int i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "%08x-1234-4abc-8def-%012x", i * 2654435761u, i);
    int s = shard_of(id, 64);
    ASSERT_GE(s, 0);
    ASSERT_LT(s, 64);
    ++counts[s];
  }
  for (int c : counts) {
    EXPECT_GT(c, 1000 * 8 / 10);
    EXPECT_LT(c, 1000 * 12 / 10);
  }
}
