// The entity registry's idle sweep, on CAF's deterministic coordinator: entities of
// a kind with an idle timeout that no command reached for that long are told to
// passivate (one timer for the registry, none per entity); busy ones and kinds
// without a timeout stay. At the cap of active entities the least recently used of
// those kinds make room. Time moves only when the test moves it.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include <caf/all.hpp>

#include "deterministic.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

using namespace hirehub;
using namespace std::chrono_literals;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

namespace {

/// Answers a ping with its actor id; passivates the way entities do when told.
caf::behavior toy(caf::event_based_actor* self, entity_context ctx, caf::actor registry, std::shared_ptr<int> told) {
  return {
      [self](ping_atom) { return self->id(); },
      [self, ctx, registry, told](passivate_atom) {
        ++*told;
        self->request(registry, caf::infinite, passivate_atom::value, ctx.kind, ctx.id)
            .then([self] { self->quit(); }, [self](caf::error&) { self->quit(); });
      },
  };
}

struct registry_sweep : test::deterministic {
  std::shared_ptr<int> told = std::make_shared<int>(0);
  caf::actor registry;

  void start(std::chrono::milliseconds toy_idle, size_t max_active = 1000000) {
    auto factory = [told = told](caf::actor_system& s, const entity_context& ctx, caf::actor reg) {
      return s.spawn(toy, ctx, std::move(reg), told);
    };
    registry_options opts;
    opts.idle_timeouts = {{"toy", toy_idle}};
    opts.max_active = max_active;
    registry = spawn_entity_registry(*sys, {{"toy", factory}, {"other", factory}}, opts);
    run();
  }
  void TearDown() override {
    if (registry)
      caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    deterministic::TearDown();
  }
  /// The id of the incarnation that answered (0 on an error).
  uint64_t ping(const std::string& kind, const std::string& id) {
    auto r = ask<uint64_t>(registry, nullptr, route_message(kind, id, false, caf::make_message(ping_atom::value)));
    return r.value_or(0);
  }
  size_t active() { return ask<size_t>(registry, nullptr, stats_atom::value).value_or(~size_t{0}); }
  /// Moves the clock in steps of `step` (the sweep re-arms after each).
  void pass(std::chrono::milliseconds total, std::chrono::milliseconds step) {
    for (auto t = 0ms; t < total; t += step)
      advance(step);
  }
};

}  // namespace

TEST_F(registry_sweep, an_idle_entity_passivates_after_its_timeout_not_before) {
  start(40ms);  // sweeps every 10 ms
  auto first = ping("toy", "a");
  ASSERT_NE(first, 0u);
  EXPECT_EQ(active(), 1u);
  pass(30ms, 10ms);
  EXPECT_EQ(active(), 1u) << "passivated before its idle timeout";
  EXPECT_EQ(*told, 0);
  pass(20ms, 10ms);  // 50 ms: at most a quarter past the timeout
  EXPECT_EQ(active(), 0u) << "the idle entity was not passivated";
  EXPECT_EQ(*told, 1);
  auto second = ping("toy", "a");
  ASSERT_NE(second, 0u);
  EXPECT_NE(second, first) << "a passivated entity answered again";
  EXPECT_EQ(active(), 1u);
}

TEST_F(registry_sweep, an_entity_that_keeps_getting_commands_stays_and_kinds_without_a_timeout_stay) {
  start(500ms);
  auto busy = ping("toy", "busy");
  auto other = ping("other", "x");
  ASSERT_NE(busy, 0u);
  ASSERT_NE(other, 0u);
  ping("toy", "idle");
  // Three timeouts' worth of sweeps, a command to "busy" every 25 ms.
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(ping("toy", "busy"), busy) << "a busy entity was passivated after " << i * 25 << " ms";
    advance(25ms);
  }
  EXPECT_EQ(active(), 2u) << "the idle entity of the same kind was not passivated";
  EXPECT_EQ(ping("other", "x"), other) << "an entity of a kind without an idle timeout was passivated";
  EXPECT_EQ(*told, 1);
}

TEST_F(registry_sweep, at_the_cap_the_least_recently_used_passivate_instead_of_refusing) {
  start(1h, 16);
  std::map<std::string, uint64_t> first;
  for (int i = 0; i < 16; ++i)
    first["e" + std::to_string(i)] = ping("toy", "e" + std::to_string(i));
  // The first eight were used again: the other eight are the least recently used.
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(ping("toy", "e" + std::to_string(i)), first["e" + std::to_string(i)]);
  EXPECT_EQ(active(), 16u);
  EXPECT_EQ(*told, 0);
  // One more: it is served, and the cap's eighth (plus one) of the least recent is told.
  EXPECT_NE(ping("toy", "new"), 0u) << "refused at the cap";
  EXPECT_EQ(active(), 17u - 3);
  EXPECT_EQ(*told, 3);
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
  start(1h, 4);
  for (int i = 0; i < 4; ++i)
    ASSERT_NE(ping("other", "o" + std::to_string(i)), 0u);
  caf::error err;
  EXPECT_FALSE(ask<uint64_t>(registry, &err,
                             route_message("other", "one-too-many", false, caf::make_message(ping_atom::value))));
  EXPECT_EQ(view(err).code, errc::overloaded) << "nothing could make room";
  EXPECT_EQ(ping("toy", "t"), 0u);
  EXPECT_EQ(active(), 4u);
  EXPECT_EQ(*told, 0);
}
