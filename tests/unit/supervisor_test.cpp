#include <gtest/gtest.h>

#include <atomic>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/message_types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/supervisor.hpp"

using namespace hirehub;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

namespace {

struct counters {
  std::atomic<int> a_starts{0};
  std::atomic<int> b_starts{0};
};

caf::behavior crashy(caf::event_based_actor* self, int) {
  return {
      [self](crash_atom) { throw std::runtime_error("boom"); },
      [](ping_atom) { return caf::make_message(ping_atom::value); },
  };
}

restart_policy fast_policy(int max) {
  restart_policy p;
  p.max_restarts = max;
  p.window = std::chrono::seconds(30);
  p.backoff = std::chrono::milliseconds(5);
  p.backoff_max = std::chrono::milliseconds(40);
  return p;
}

struct supervision : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  counters c;
  void SetUp() override {
    announce_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  std::vector<child_spec> children() {
    return {
        {"sup_a",
         [this](caf::actor_system& s) {
           ++c.a_starts;
           return s.spawn(crashy, 0);
         },
         restart_mode::permanent, true},
        {"sup_b",
         [this](caf::actor_system& s) {
           ++c.b_starts;
           return s.spawn(crashy, 0);
         },
         restart_mode::permanent, true},
    };
  }
  caf::actor wait_for(const char* name, const caf::actor& not_this, int min_starts, std::atomic<int>& starts) {
    for (int i = 0; i < 500; ++i) {
      auto h = sys->registry().get<caf::actor>(caf::atom_from_string(name));
      if (h && h != not_this && starts.load() >= min_starts)
        return h;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return nullptr;
  }
};

}  // namespace

TEST_F(supervision, one_for_one_restarts_only_the_crashed_child) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::one_for_one, fast_policy(3), children());
  auto a = wait_for("sup_a", nullptr, 1, c.a_starts);
  auto b = wait_for("sup_b", nullptr, 1, c.b_starts);
  ASSERT_TRUE(a && b);
  caf::anon_send(a, crash_atom::value);
  auto a2 = wait_for("sup_a", a, 2, c.a_starts);
  ASSERT_TRUE(a2) << "crashed child was not restarted";
  EXPECT_EQ(c.b_starts.load(), 1);
  EXPECT_EQ(sys->registry().get<caf::actor>(caf::atom("sup_b")), b);
  caf::scoped_actor self{*sys};
  self->request(a2, std::chrono::seconds(5), ping_atom::value)
      .receive([](ping_atom) {}, [](caf::error& e) { FAIL() << "restarted child does not answer"; });
  self->request(sup, std::chrono::seconds(5), stats_atom::value)
      .receive(
          [](const std::string& json) {
            auto j = nlohmann::json::parse(json);
            EXPECT_EQ(j[0]["restarts"], 1);
            EXPECT_EQ(j[1]["restarts"], 0);
          },
          [](caf::error&) { FAIL(); });
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, all_for_one_restarts_every_child) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::all_for_one, fast_policy(3), children());
  auto a = wait_for("sup_a", nullptr, 1, c.a_starts);
  auto b = wait_for("sup_b", nullptr, 1, c.b_starts);
  ASSERT_TRUE(a && b);
  caf::anon_send(a, crash_atom::value);
  ASSERT_TRUE(wait_for("sup_a", a, 2, c.a_starts));
  ASSERT_TRUE(wait_for("sup_b", b, 2, c.b_starts));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, too_many_restarts_escalate_to_the_parent_and_stop_the_children) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::one_for_one, fast_policy(2), children());
  caf::scoped_actor self{*sys};
  self->monitor(sup);
  caf::actor last;
  for (int i = 1; i <= 3; ++i) {
    auto a = wait_for("sup_a", last, i, c.a_starts);
    ASSERT_TRUE(a) << "restart " << i;
    last = a;
    caf::anon_send(a, crash_atom::value);
  }
  bool escalated = false;
  self->receive([&](caf::down_msg& dm) { escalated = dm.source == sup.address() && static_cast<bool>(dm.reason); },
                caf::after(std::chrono::seconds(10)) >> [] {});
  EXPECT_TRUE(escalated) << "the supervisor did not escalate after exceeding its restart limit";
  EXPECT_EQ(c.a_starts.load(), 3);
  auto b = sys->registry().get<caf::actor>(caf::atom("sup_b"));
  if (b) {
    // A sibling may still be registered for an instant; it must be stopping.
    self->monitor(b);
    bool down = false;
    self->receive([&](caf::down_msg&) { down = true; }, caf::after(std::chrono::seconds(5)) >> [] {});
    EXPECT_TRUE(down);
  }
}

TEST(supervisor_backoff, doubles_up_to_the_maximum) {
  auto p = fast_policy(5);
  EXPECT_EQ(restart_delay(p, 1).count(), 5);
  EXPECT_EQ(restart_delay(p, 2).count(), 10);
  EXPECT_EQ(restart_delay(p, 3).count(), 20);
  EXPECT_EQ(restart_delay(p, 4).count(), 40);
  EXPECT_EQ(restart_delay(p, 9).count(), 40);
}
