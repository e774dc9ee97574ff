#pragma once
// Actor tests on CAF's deterministic test coordinator: nothing runs until the test
// says so (`run()`), and time moves only when the test moves it (`advance()`), so
// the tests never sleep and never race the scheduler.
//
// `request<T>(dest, xs...)` sends a request from a fresh event-based actor and
// returns where its answer will be; it arrives when the test runs the actors.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/message_types.hpp"
#include "runtime/services.hpp"

namespace hirehub::test {

template <class T>
struct reply {
  std::optional<T> value;
  caf::error error;
  bool answered() const { return value.has_value() || static_cast<bool>(error); }
};

struct deterministic : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  void SetUp() override {
    announce_message_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sys->await_actors_before_shutdown(false);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    sched->clock().current_time += std::chrono::hours(1);  // not zero
  }

  /// Names a stand-in as a node service (forgotten when the test ends: the services
  /// outlive the test's actor system otherwise, and their handles would be released
  /// after it is gone).
  void put_service(const std::string& name, const caf::actor& a) {
    services::put(*sys, name, a);
    named.push_back(name);
  }
  std::vector<std::string> named;

  void TearDown() override {
    run();
    for (const auto& n : named)
      services::erase(*sys, n);
  }

  /// Lets every actor handle everything in its mailbox; returns how many ran.
  size_t run() { return sched->run(); }

  /// Moves the clock by `d`, delivering the timers due by then, and runs.
  size_t advance(std::chrono::milliseconds d) {
    sched->advance_time(d);
    return run();
  }

  /// Sends a request to `dest`; the answer (of type T) or its error lands in the result.
  template <class T, class... Ts>
  std::shared_ptr<reply<T>> request(const caf::actor& dest, Ts... xs) {
    auto out = std::make_shared<reply<T>>();
    // (An argument, unused: CAF 0.17 binds a reference to a null pointer when it
    // spawns a function-based actor without any; UBSan stops the sanitizer run.)
    sys->spawn(
        [=](caf::event_based_actor* self, int) {
          self->request(dest, caf::infinite, xs...)
              .then([out](T& x) { out->value = std::move(x); }, [out](caf::error& e) { out->error = e; });
        },
        0);
    return out;
  }

  /// request() and run() of a command answered with nothing: whether it was answered
  /// without an error (the error in `err`).
  template <class... Ts>
  bool acked(const caf::actor& dest, caf::error* err, Ts... xs) {
    auto out = std::make_shared<std::pair<bool, caf::error>>();
    sys->spawn(
        [=](caf::event_based_actor* self, int) {
          self->request(dest, caf::infinite, xs...)
              .then([out]() { out->first = true; }, [out](caf::error& e) { out->second = e; });
        },
        0);
    run();
    if (err)
      *err = out->second;
    return out->first;
  }

  /// request() and run(): the answer, or nothing (the error in `err`).
  template <class T, class... Ts>
  std::optional<T> ask(const caf::actor& dest, caf::error* err, Ts... xs) {
    auto r = request<T>(dest, xs...);
    run();
    if (err)
      *err = r->error;
    return r->value;
  }
};

}  // namespace hirehub::test
