// The hub's count of watched topics that publishers read before building a frame.
#include <gtest/gtest.h>

#include "runtime/hub.hpp"

using hirehub::hub_watch;

TEST(hub_watch, a_topic_is_wanted_while_someone_watches_it) {
  hub_watch w;
  EXPECT_FALSE(w.wanted("application:a"));
  w.add("application:a");
  w.add("application:a");  // two sessions
  EXPECT_TRUE(w.wanted("application:a"));
  EXPECT_FALSE(w.wanted("application:a:applicant"));
  w.remove("application:a");
  EXPECT_TRUE(w.wanted("application:a")) << "one session still watches";
  w.remove("application:a");
  EXPECT_FALSE(w.wanted("application:a"));
  w.remove("application:a");  // a stray count-out does not go below zero
  w.add("application:a");
  EXPECT_TRUE(w.wanted("application:a"));
  EXPECT_EQ(w.topics(), 1u);
}

TEST(hub_watch, with_other_nodes_every_topic_is_wanted) {
  hub_watch w;
  w.set_peers(true);
  EXPECT_TRUE(w.wanted("application:b")) << "a session on another node may watch it";
  w.set_peers(false);
  EXPECT_FALSE(w.wanted("application:b"));
}
