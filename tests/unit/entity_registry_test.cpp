// The entity registry's idle sweep: entities of a kind with an idle timeout that
// no command reached for that long are told to passivate (one timer for the
// registry, none per entity); busy ones and kinds without a timeout stay. At the
// cap of active entities the least recently used of those kinds make room.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include <caf/all.hpp>

#include "actors/message_types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"

using namespace hirehub;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

namespace {

/// Answers a ping with its actor id; passivates the way entities do when told.
caf::behavior toy(caf::event_based_actor* self, entity_context ctx, caf::actor registry,
                  std::shared_ptr<std::atomic<int>> told) {
  return {
      [self](ping_atom) { return self->id(); },
      [self, ctx, registry, told](passivate_atom) {
        ++*told;
        self->request(registry, caf::infinite, passivate_atom::value, ctx.kind, ctx.id)
            .then([self] { self->quit(); }, [self](caf::error&) { self->quit(); });
      },
  };
}

struct registry_sweep : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> me;
  std::shared_ptr<std::atomic<int>> told = std::make_shared<std::atomic<int>>(0);
  caf::actor registry;

  void start(std::chrono::milliseconds toy_idle, size_t max_active = 1000000) {
    announce_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    me = std::make_unique<caf::scoped_actor>(*sys);
    auto factory = [told = told](caf::actor_system& s, const entity_context& ctx, caf::actor reg) {
      return s.spawn(toy, ctx, std::move(reg), told);
    };
    registry_options opts;
    opts.idle_timeouts = {{"toy", toy_idle}};
    opts.max_active = max_active;
    registry = spawn_entity_registry(*sys, {{"toy", factory}, {"other", factory}}, opts);
  }
  void TearDown() override {
    if (registry)
      caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    me.reset();
  }
  /// The id of the incarnation that answered (0 on an error).
  uint64_t ping(const std::string& kind, const std::string& id) {
    uint64_t out = 0;
    (*me)
        ->request(registry, std::chrono::seconds(5),
                  route_message(kind, id, false, caf::make_message(ping_atom::value)))
        .receive([&](uint64_t got) { out = got; }, [](caf::error&) {});
    return out;
  }
  size_t active() {
    size_t n = 0;
    (*me)
        ->request(registry, std::chrono::seconds(5), stats_atom::value)
        .receive([&](size_t got) { n = got; }, [](caf::error&) {});
    return n;
  }
  bool eventually_active(size_t n) {
    for (int i = 0; i < 500; ++i) {
      if (active() == n)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

}  // namespace

TEST_F(registry_sweep, an_idle_entity_passivates_and_the_next_command_activates_a_new_one) {
  start(std::chrono::milliseconds(40));
  auto first = ping("toy", "a");
  ASSERT_NE(first, 0u);
  EXPECT_EQ(active(), 1u);
  ASSERT_TRUE(eventually_active(0)) << "the idle entity was not passivated";
  EXPECT_EQ(told->load(), 1);
  auto second = ping("toy", "a");
  ASSERT_NE(second, 0u);
  EXPECT_NE(second, first) << "a passivated entity answered again";
  EXPECT_EQ(active(), 1u);
}

TEST_F(registry_sweep, an_entity_that_keeps_getting_commands_stays_and_kinds_without_a_timeout_stay) {
  start(std::chrono::milliseconds(500));
  auto busy = ping("toy", "busy");
  auto other = ping("other", "x");
  ASSERT_NE(busy, 0u);
  ASSERT_NE(other, 0u);
  ping("toy", "idle");
  // Three timeouts' worth of sweeps, a command to "busy" every 20 ms.
  for (int i = 0; i < 75; ++i) {
    EXPECT_EQ(ping("toy", "busy"), busy) << "a busy entity was passivated";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(eventually_active(2)) << "the idle entity of the same kind was not passivated";
  EXPECT_EQ(ping("other", "x"), other) << "an entity of a kind without an idle timeout was passivated";
  EXPECT_EQ(told->load(), 1);
}

TEST_F(registry_sweep, at_the_cap_the_least_recently_used_passivate_instead_of_refusing) {
  start(std::chrono::hours(1), 16);
  std::map<std::string, uint64_t> first;
  for (int i = 0; i < 16; ++i)
    first["e" + std::to_string(i)] = ping("toy", "e" + std::to_string(i));
  // The first eight were used again: the other eight are the least recently used.
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(ping("toy", "e" + std::to_string(i)), first["e" + std::to_string(i)]);
  EXPECT_EQ(active(), 16u);
  EXPECT_EQ(told->load(), 0);
  // One more: it is served, and the cap's eighth (plus one) of the least recent is told.
  EXPECT_NE(ping("toy", "new"), 0u) << "refused at the cap";
  ASSERT_TRUE(eventually_active(17 - 3)) << active();
  EXPECT_EQ(told->load(), 3);
  // The least recent three (e8, e9, e10) went; the rest answer as before.
  for (int i = 0; i < 16; ++i) {
    if (i < 8 || i > 10) {
      EXPECT_EQ(ping("toy", "e" + std::to_string(i)), first["e" + std::to_string(i)]) << i << " was evicted";
    }
  }
  for (int i = 8; i < 10; ++i)  // two: a third would reach the cap again
    EXPECT_NE(ping("toy", "e" + std::to_string(i)), first["e" + std::to_string(i)]) << i << " was not evicted";
  EXPECT_EQ(active(), 16u);
}

TEST_F(registry_sweep, at_the_cap_kinds_that_never_passivate_are_refused) {
  start(std::chrono::hours(1), 4);
  for (int i = 0; i < 4; ++i)
    ASSERT_NE(ping("other", "o" + std::to_string(i)), 0u);
  EXPECT_EQ(ping("other", "one-too-many"), 0u) << "nothing could make room";
  EXPECT_EQ(ping("toy", "t"), 0u);
  EXPECT_EQ(active(), 4u);
  EXPECT_EQ(told->load(), 0);
}
