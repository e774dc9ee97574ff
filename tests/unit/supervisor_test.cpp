#include <gtest/gtest.h>

#include <atomic>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/message_types.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/observe.hpp"
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
      auto h = services::find(*sys, name);
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
  EXPECT_EQ(services::find(*sys, "sup_b"), b);
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
  auto b = services::find(*sys, "sup_b");
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

namespace {

using hold_atom = caf::atom_constant<caf::atom("hold")>;

/// Answers pings; `hold` blocks it until `release` is set (so messages queue up).
caf::behavior counting(observed_event_actor* self, std::shared_ptr<std::atomic<bool>> release) {
  return {
      [](ping_atom) { return caf::make_message(ping_atom::value); },
      [release](hold_atom) {
        for (int i = 0; i < 500 && !release->load(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      },
  };
}

nlohmann::json ask_tree(caf::actor_system& sys, const caf::actor& sup) {
  caf::scoped_actor self{sys};
  nlohmann::json out;
  self->request(sup, std::chrono::seconds(5), tree_atom::value)
      .receive([&](const std::string& t) { out = nlohmann::json::parse(t); },
               [](caf::error& e) { ADD_FAILURE() << "tree: " << caf::to_string(e); });
  return out;
}

}  // namespace

TEST(observed_actor, counts_handled_messages_and_the_mailbox_depth) {
  caf::actor_system_config cfg;
  announce_message_types(cfg);
  caf::actor_system sys{cfg};
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto a = sys.spawn(counting, release);
  caf::scoped_actor self{sys};
  for (int i = 0; i < 5; ++i)
    self->request(a, std::chrono::seconds(5), ping_atom::value).receive([](ping_atom) {}, [](caf::error&) { FAIL(); });
  auto s = sample(a);
  EXPECT_EQ(s["id"], a.id());
  EXPECT_EQ(s["handled"], 5);
  EXPECT_EQ(s["mailbox"], 0);
  // Blocked in `hold`, three more pings wait in its mailbox.
  self->send(a, hold_atom::value);
  for (int i = 0; i < 3; ++i)
    self->send(a, ping_atom::value);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(sample(a)["mailbox"], 3);
  release->store(true);
  for (int i = 0; i < 3; ++i)
    self->receive([](ping_atom) {}, caf::after(std::chrono::seconds(5)) >> [] { FAIL() << "no answer"; });
  EXPECT_EQ(sample(a)["handled"], 9);
  EXPECT_EQ(sample(a)["mailbox"], 0);
  // An actor that is not observed shows its id only; a null handle nothing.
  auto plain = sys.spawn(crashy, 0);
  auto p = sample(plain);
  EXPECT_EQ(p["id"], plain.id());
  EXPECT_FALSE(p.contains("handled"));
  EXPECT_TRUE(sample(caf::actor{}).is_null());
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(plain, caf::exit_reason::user_shutdown);
}

TEST_F(supervision, the_tree_nests_supervisors_and_stop_finds_an_actor_anywhere_in_it) {
  auto release = std::make_shared<std::atomic<bool>>(true);
  std::vector<child_spec> inner = {
      {"leaf",
       [this](caf::actor_system& s) {
         ++c.b_starts;
         return s.spawn(crashy, 0);
       },
       restart_mode::permanent, true},
  };
  std::vector<child_spec> outer = {
      {"obs", [release](caf::actor_system& s) { return s.spawn(counting, release); }, restart_mode::permanent, true},
      {"inner",
       [inner](caf::actor_system& s) {
         return spawn_supervisor(s, "inner", restart_strategy::all_for_one, fast_policy(3), inner);
       },
       restart_mode::permanent, false, child_kind::supervisor},
  };
  auto sup = spawn_supervisor(*sys, "outer", restart_strategy::one_for_one, fast_policy(3), outer);
  auto leaf = wait_for("leaf", nullptr, 1, c.b_starts);
  ASSERT_TRUE(leaf);
  auto obs = services::find(*sys, "obs");
  ASSERT_TRUE(obs);
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 4; ++i)
    self->request(obs, std::chrono::seconds(5), ping_atom::value)
        .receive([](ping_atom) {}, [](caf::error&) { FAIL(); });

  auto t = ask_tree(*sys, sup);
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
  self->request(sup, std::chrono::seconds(5), stop_atom::value, static_cast<uint64_t>(leaf.id()))
      .receive(
          [](const std::string& answer) {
            auto j = nlohmann::json::parse(answer);
            EXPECT_EQ(j["stopped"]["name"], "leaf");
            EXPECT_EQ(j["stopped"]["supervisor"], "inner");
          },
          [](caf::error& e) { FAIL() << caf::to_string(e); });
  auto leaf2 = wait_for("leaf", leaf, 2, c.b_starts);
  ASSERT_TRUE(leaf2) << "the stopped actor was not restarted by its supervisor";
  auto t2 = ask_tree(*sys, sup);
  EXPECT_EQ(t2["children"][1]["children"][0]["restarts"], 1);
  EXPECT_EQ(t2["children"][1]["children"][0]["id"], leaf2.id());

  // An id that is nowhere in the tree.
  self->request(sup, std::chrono::seconds(5), stop_atom::value, uint64_t{999999})
      .receive([](const std::string&) { FAIL() << "stopped an actor that does not exist"; },
               [](caf::error& e) { EXPECT_EQ(view(e).code, errc::not_found); });
  caf::anon_send_exit(sup, caf::exit_reason::user_shutdown);
}
