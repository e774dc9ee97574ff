#pragma once
/// What the admin console shows of an actor without disturbing it: how many
/// messages wait in its mailbox, how many it handled, and how many in the last
/// full second.
///
/// CAF 0.17 has no per-actor metrics, and an actor's mailbox may only be
/// inspected from its own thread. So HireHub's actors are spawned as
/// `observed<...>` (via the `observed_actor<State>` alias): two relaxed atomic
/// counters, bumped where CAF enqueues a message and where the actor consumes
/// one, which any thread may read through `sample`.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>

#include <caf/event_based_actor.hpp>
#include <caf/fwd.hpp>
#include <caf/invoke_message_result.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <nlohmann/json_fwd.hpp>

namespace hirehub {

/// Counters of one actor; written by CAF's enqueue and by the actor, read by anyone.
class actor_counters {
 public:
  void on_enqueue() { enqueued_.fetch_add(1, std::memory_order_relaxed); }
  /// The actor takes a message (counted as handled from now on, so `mailbox`
  /// means messages waiting, not the one being handled).
  void on_take();
  /// It was skipped (the current behavior does not handle it yet): it waits again.
  void on_skipped() { handled_.fetch_sub(1, std::memory_order_relaxed); }

  uint64_t enqueued() const { return enqueued_.load(std::memory_order_relaxed); }
  uint64_t handled() const { return handled_.load(std::memory_order_relaxed); }
  /// Messages handled in the last full second (0 when idle longer).
  uint64_t rate() const;

 private:
  std::atomic<uint64_t> enqueued_{0};
  std::atomic<uint64_t> handled_{0};
  std::atomic<int64_t> second_{0};              // the second being counted (steady clock)
  std::atomic<uint64_t> handled_at_second_{0};  // handled_ when it began
  std::atomic<uint64_t> last_second_{0};        // handled during the second before it
};

/// What `sample` finds on an observed actor, whatever its CAF base.
class observable {
 public:
  virtual ~observable() = default;
  actor_counters counters;
};

/// The default exception handler of observed actors: logs the exception with the
/// actor's name and id and ends the actor with `sec::runtime_error`, so its
/// supervisor decides (CAF's own handler only prints to stderr).
caf::error log_actor_exception(caf::local_actor* self, std::exception_ptr& ep);

/// An actor type with counters. `Base` is a CAF scheduled actor (event-based or stateful).
template <class Base>
class observed : public Base, public observable {
 public:
  template <class... Ts>
  explicit observed(caf::actor_config& cfg, Ts&&... xs) : Base(cfg, std::forward<Ts>(xs)...) {
    this->set_exception_handler([this](std::exception_ptr& ep) { return log_actor_exception(this, ep); });
  }

  using Base::enqueue;
  void enqueue(caf::mailbox_element_ptr x, caf::execution_unit* eu) override {
    counters.on_enqueue();
    Base::enqueue(std::move(x), eu);
  }

  using Base::consume;
  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    counters.on_take();
    auto r = Base::consume(x);
    if (r == caf::invoke_message_result::skipped)
      counters.on_skipped();
    return r;
  }
};

template <class State>
using observed_actor = observed<caf::stateful_actor<State>>;
using observed_event_actor = observed<caf::event_based_actor>;

/// {"id", "mailbox", "handled", "rate"} of a live actor spawned as `observed`;
/// {"id"} alone for other actors (pools, CAF's own); null for an invalid handle.
nlohmann::json sample(const caf::actor& handle);

/// How busy an observed actor is (all zero for others): ordering many actors
/// by it costs no JSON (the registry shows only its busiest entities).
struct activity {
  uint64_t mailbox = 0;
  uint64_t rate = 0;
  uint64_t handled = 0;
  bool operator>(const activity& o) const {
    return std::tie(mailbox, rate, handled) > std::tie(o.mailbox, o.rate, o.handled);
  }
};
activity activity_of(const caf::actor& handle);

/// An entity's line of the actor tree: `sample` with name "<kind>/<id>" and kind "entity".
nlohmann::json sample_entity(const caf::actor& handle, const std::string& kind, const std::string& id);

}  // namespace hirehub
