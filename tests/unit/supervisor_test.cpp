// Supervision on CAF's deterministic coordinator: restarts, back-off, escalation,
// the actor tree and stopping an actor anywhere in it. Nothing sleeps: the test
// runs the actors and moves the clock itself.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "deterministic.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/observe.hpp"
#include "runtime/services.hpp"
#include "runtime/supervisor.hpp"

using namespace hirehub;
using namespace std::chrono_literals;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;

namespace {

// Function-based actors here take an argument: CAF 0.17 binds a reference to a
// null pointer when it spawns one without any (UBSan stops the sanitizer run).
caf::behavior crashy(caf::event_based_actor*, int) {
  return {
      [](crash_atom) { throw std::runtime_error("boom"); },
      [](ping_atom) { return caf::make_message(ping_atom::value); },
  };
}

/// Answers pings (an observed actor: the tree shows its counters).
caf::behavior counting(observed_event_actor*, int) {
  return {[](ping_atom) { return caf::make_message(ping_atom::value); }};
}

restart_policy fast_policy(int max) {
  restart_policy p;
  p.max_restarts = max;
  p.window = std::chrono::seconds(30);
  p.backoff = std::chrono::milliseconds(5);
  p.backoff_max = std::chrono::milliseconds(40);
  return p;
}

struct supervision : test::deterministic {
  int a_starts = 0;
  int b_starts = 0;

  std::vector<child_spec> children() {
    return {
        {"sup_a",
         [this](caf::actor_system& s) {
           ++a_starts;
           return s.spawn(crashy, 0);
         },
         restart_mode::permanent, true},
        {"sup_b",
         [this](caf::actor_system& s) {
           ++b_starts;
           return s.spawn(crashy, 0);
         },
         restart_mode::permanent, true},
    };
  }
  caf::actor find(const char* name) { return services::find(*sys, name); }
  bool pings(const caf::actor& a) { return a && ask<ping_atom>(a, nullptr, ping_atom::value).has_value(); }
  nlohmann::json tree(const caf::actor& sup) {
    auto t = ask<std::string>(sup, nullptr, tree_atom::value);
    return t ? nlohmann::json::parse(*t) : nlohmann::json{};
  }
  /// Where the exit reason of `a` lands when it stops.
  std::shared_ptr<std::optional<caf::error>> watch(const caf::actor& a) {
    auto out = std::make_shared<std::optional<caf::error>>();
    a->attach_functor([out](const caf::error& reason) { *out = reason; });
    return out;
  }
};

}  // namespace

TEST_F(supervision, one_for_one_restarts_only_the_crashed_child_after_its_back_off) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::one_for_one, fast_policy(3), children());
  run();
  auto a = find("sup_a"), b = find("sup_b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a_starts, 1);
  caf::anon_send(a, crash_atom::value);
  run();
  EXPECT_EQ(a_starts, 1) << "restarted before the back-off";
  EXPECT_FALSE(find("sup_a")) << "a crashed child stays registered";
  advance(5ms);
  auto a2 = find("sup_a");
  ASSERT_TRUE(a2 && a2 != a) << "crashed child was not restarted";
  EXPECT_EQ(a_starts, 2);
  EXPECT_EQ(b_starts, 1);
  EXPECT_EQ(find("sup_b"), b);
  EXPECT_TRUE(pings(a2)) << "restarted child does not answer";
  auto stats = ask<std::string>(sup, nullptr, stats_atom::value);
  ASSERT_TRUE(stats);
  auto j = nlohmann::json::parse(*stats);
  EXPECT_EQ(j[0]["restarts"], 1);
  EXPECT_EQ(j[1]["restarts"], 0);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, all_for_one_restarts_every_child) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::all_for_one, fast_policy(3), children());
  run();
  auto a = find("sup_a"), b = find("sup_b");
  ASSERT_TRUE(a && b);
  caf::anon_send(a, crash_atom::value);
  run();
  advance(5ms);
  EXPECT_EQ(a_starts, 2);
  EXPECT_EQ(b_starts, 2);
  EXPECT_TRUE(find("sup_a") && find("sup_a") != a);
  EXPECT_TRUE(find("sup_b") && find("sup_b") != b);
  EXPECT_TRUE(pings(find("sup_b")));
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, too_many_restarts_escalate_to_the_parent_and_stop_the_children) {
  auto sup = spawn_supervisor(*sys, "test", restart_strategy::one_for_one, fast_policy(2), children());
  run();
  auto sup_down = watch(sup);
  auto b = find("sup_b");
  auto b_down = watch(b);
  // Back-off doubles: 5, 10 ms before the first and second restart.
  for (auto wait : {5ms, 10ms}) {
    caf::anon_send(find("sup_a"), crash_atom::value);
    run();
    advance(wait);
  }
  EXPECT_EQ(a_starts, 3);
  EXPECT_FALSE(sup_down->has_value()) << "escalated within its limit";
  caf::anon_send(find("sup_a"), crash_atom::value);
  run();
  ASSERT_TRUE(sup_down->has_value()) << "the supervisor did not escalate after exceeding its restart limit";
  EXPECT_TRUE(static_cast<bool>(**sup_down)) << "it stopped as if nothing went wrong";
  EXPECT_EQ(a_starts, 3);
  EXPECT_TRUE(b_down->has_value()) << "a sibling outlived its supervisor";
  advance(1s);
  EXPECT_EQ(a_starts, 3) << "restarted after escalating";
}

TEST(supervisor_backoff, doubles_up_to_the_maximum) {
  auto p = fast_policy(5);
  EXPECT_EQ(restart_delay(p, 1).count(), 5);
  EXPECT_EQ(restart_delay(p, 2).count(), 10);
  EXPECT_EQ(restart_delay(p, 3).count(), 20);
  EXPECT_EQ(restart_delay(p, 4).count(), 40);
  EXPECT_EQ(restart_delay(p, 9).count(), 40);
}

using observed_actor_test = test::deterministic;

TEST_F(observed_actor_test, counts_handled_messages_and_the_mailbox_depth) {
  auto a = sys->spawn(counting, 0);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(ask<ping_atom>(a, nullptr, ping_atom::value));
  auto s = sample(a);
  EXPECT_EQ(s["id"], a.id());
  EXPECT_EQ(s["handled"], 5);
  EXPECT_EQ(s["mailbox"], 0);
  // Three more pings wait in its mailbox until the actors run.
  std::vector<std::shared_ptr<test::reply<ping_atom>>> waiting;
  for (int i = 0; i < 3; ++i)
    waiting.push_back(request<ping_atom>(a, ping_atom::value));
  sched->run_once();  // each requester sends; the counting actor has not run yet
  sched->run_once();
  sched->run_once();
  EXPECT_EQ(sample(a)["mailbox"], 3);
  run();
  for (auto& w : waiting)
    EXPECT_TRUE(w->value.has_value());
  EXPECT_EQ(sample(a)["handled"], 8);
  EXPECT_EQ(sample(a)["mailbox"], 0);
  // An actor that is not observed shows its id only; a null handle nothing.
  auto plain = sys->spawn(crashy, 0);
  auto p = sample(plain);
  EXPECT_EQ(p["id"], plain.id());
  EXPECT_FALSE(p.contains("handled"));
  EXPECT_TRUE(sample(caf::actor{}).is_null());
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(plain, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, the_tree_nests_supervisors_and_stop_finds_an_actor_anywhere_in_it) {
  std::vector<child_spec> inner = {
      {"leaf",
       [this](caf::actor_system& s) {
         ++b_starts;
         return s.spawn(crashy, 0);
       },
       restart_mode::permanent, true},
  };
  std::vector<child_spec> outer = {
      {"obs", [](caf::actor_system& s) { return s.spawn(counting, 0); }, restart_mode::permanent, true},
      {"inner",
       [inner](caf::actor_system& s) {
         return spawn_supervisor(s, "inner", restart_strategy::all_for_one, fast_policy(3), inner);
       },
       restart_mode::permanent, false, child_kind::supervisor},
  };
  auto sup = spawn_supervisor(*sys, "outer", restart_strategy::one_for_one, fast_policy(3), outer);
  run();
  auto leaf = find("leaf");
  auto obs = find("obs");
  ASSERT_TRUE(leaf && obs);
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(pings(obs));

  auto t = tree(sup);
  EXPECT_EQ(t["name"], "outer");
  EXPECT_EQ(t["kind"], "supervisor");
  EXPECT_EQ(t["strategy"], "one_for_one");
  ASSERT_EQ(t["children"].size(), 2u);
  auto& o = t["children"][0];
  EXPECT_EQ(o["name"], "obs");
  EXPECT_EQ(o["kind"], "worker");
  EXPECT_EQ(o["id"], obs.id());
  EXPECT_EQ(o["handled"], 4);
  EXPECT_EQ(o["mailbox"], 0);
  EXPECT_EQ(o["restarts"], 0);
  auto& in = t["children"][1];
  EXPECT_EQ(in["kind"], "supervisor");
  EXPECT_EQ(in["strategy"], "all_for_one");
  ASSERT_EQ(in["children"].size(), 1u);
  EXPECT_EQ(in["children"][0]["name"], "leaf");
  EXPECT_EQ(in["children"][0]["id"], leaf.id());

  // Stopping the nested leaf through the outer supervisor: its own supervisor restarts it.
  auto answer = ask<std::string>(sup, nullptr, stop_atom::value, static_cast<uint64_t>(leaf.id()));
  ASSERT_TRUE(answer);
  auto j = nlohmann::json::parse(*answer);
  EXPECT_EQ(j["stopped"]["name"], "leaf");
  EXPECT_EQ(j["stopped"]["supervisor"], "inner");
  advance(5ms);
  auto leaf2 = find("leaf");
  ASSERT_TRUE(leaf2 && leaf2 != leaf) << "the stopped actor was not restarted by its supervisor";
  EXPECT_EQ(b_starts, 2);
  auto t2 = tree(sup);
  EXPECT_EQ(t2["children"][1]["children"][0]["restarts"], 1);
  EXPECT_EQ(t2["children"][1]["children"][0]["id"], leaf2.id());

  // An id that is nowhere in the tree.
  caf::error err;
  EXPECT_FALSE(ask<std::string>(sup, &err, stop_atom::value, uint64_t{999999}))
      << "stopped an actor that does not exist";
  EXPECT_EQ(view(err).code, errc::not_found);
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}
