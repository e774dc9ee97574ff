// The gateway supervisor: watches the request actors and the WebSocket sessions, stops
// them when the node stops, and ends a request at its deadline.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "gateway/gateway_actors.hpp"
#include "gateway/request_context.hpp"
#include "gateway/route_match.hpp"
#include "runtime/atoms.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::gateway {

namespace {

using deadline_tick_atom = caf::atom_constant<caf::atom("gwtick")>;

// It watches the request actors and the WebSocket sessions, stops them when the
// node stops, and ends a request past its deadline (http.request_timeout_ms from
// its start, for all the actor calls it makes): the request actor is sent an exit
// with sec::request_timeout and answers 503 `timeout`. The calls themselves carry
// no CAF timeout, which would wake CAF's clock thread twice per call (set, cancel).
struct gateway_sup_state {
  std::unordered_map<caf::actor_addr, caf::actor> children;
  /// Requests by deadline (start + the same timeout for each; kept in order at adoption).
  std::deque<std::pair<std::chrono::steady_clock::time_point, caf::actor_addr>> deadlines;
  std::chrono::milliseconds request_timeout{5000};
  bool tick_pending = false;
  std::string name;
  ~gateway_sup_state() {
    for (auto& [addr, c] : children)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }
};

using gateway_sup_actor = caf::stateful_actor<gateway_sup_state>;

/// How often the supervisor looks for expired requests: a request ends between its
/// deadline and one tick later.
std::chrono::milliseconds deadline_tick(std::chrono::milliseconds timeout) {
  return std::clamp(timeout / 20, std::chrono::milliseconds{10}, std::chrono::milliseconds{250});
}

void schedule_deadline_tick(gateway_sup_actor* self) {
  auto& st = self->state;
  if (st.tick_pending || st.deadlines.empty())
    return;
  st.tick_pending = true;
  self->delayed_send(self, deadline_tick(st.request_timeout), deadline_tick_atom::value);
}

// Takes its name as an argument: CAF 0.17 binds a reference to a null
// shared_ptr<std::tuple<>> for argument-less actor functions (UBSan reports it).
caf::behavior gateway_supervisor(gateway_sup_actor* self, std::string name, std::chrono::milliseconds request_timeout) {
  self->state.name = std::move(name);
  self->state.request_timeout = request_timeout;
  self->set_down_handler([self](caf::down_msg& dm) {
    self->state.children.erase(dm.source);
    if (dm.reason && dm.reason != caf::exit_reason::normal && dm.reason != caf::exit_reason::user_shutdown &&
        dm.reason != caf::sec::request_timeout)
      metrics::get_counter("hirehub_gateway_actor_failures_total",
                           "Request and session actors that failed (their request or socket got an error)")
          .inc();
  });
  return {
      // Children are stopped, never restarted: a request or a socket cannot be replayed.
      // A request is ended at its deadline, counted from its start (`started_ns`: the
      // steady clock's count when the gateway took it, the same start its handlers
      // count from); a WebSocket session (0) lives as long as its socket.
      [self](adopt_atom, const caf::actor& child, int64_t started_ns) {
        auto& st = self->state;
        st.children.emplace(child.address(), child);
        self->monitor(child);
        if (started_ns != 0) {
          auto started = std::chrono::steady_clock::time_point{std::chrono::nanoseconds{started_ns}};
          // Adopted in about the order they started (I/O threads hand them over): a deadline
          // earlier than the last one queued is queued at that one's time, microseconds later.
          auto at = started + st.request_timeout;
          if (!st.deadlines.empty())
            at = std::max(at, st.deadlines.back().first);
          st.deadlines.emplace_back(at, child.address());
          schedule_deadline_tick(self);
        }
      },
      [self](deadline_tick_atom) {
        auto& st = self->state;
        st.tick_pending = false;
        auto now = std::chrono::steady_clock::now();
        while (!st.deadlines.empty() && st.deadlines.front().first <= now) {
          auto found = st.children.find(st.deadlines.front().second);
          if (found != st.children.end())
            self->send_exit(found->second, caf::make_error(caf::sec::request_timeout));
          st.deadlines.pop_front();
        }
        // Finished requests leave their entries behind until their deadline passes.
        schedule_deadline_tick(self);
      },
  };
}

}  // namespace

caf::actor spawn_gateway_supervisor(caf::actor_system& sys, std::chrono::milliseconds request_timeout) {
  return sys.spawn(gateway_supervisor, std::string{"gateway_supervisor"}, request_timeout);
}

}  // namespace hirehub::gateway
