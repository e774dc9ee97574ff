#include "runtime/supervisor.hpp"

#include <deque>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/config.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub {

restart_policy restart_policy::from(const config& cfg) {
  restart_policy p;
  p.max_restarts = static_cast<int>(cfg.get_int("supervisor.max_restarts"));
  p.window = cfg.get_ms("supervisor.window_ms");
  p.backoff = cfg.get_ms("supervisor.backoff_ms");
  p.backoff_max = cfg.get_ms("supervisor.backoff_max_ms");
  return p;
}

std::chrono::milliseconds restart_delay(const restart_policy& p, int n) {
  auto d = p.backoff;
  for (int i = 1; i < n && d < p.backoff_max; ++i)
    d *= 2;
  return std::min(d, p.backoff_max);
}

namespace {

using clock_type = std::chrono::steady_clock;

struct supervisor_state {
  std::string name;
  restart_strategy strategy = restart_strategy::one_for_one;
  restart_policy policy;
  std::vector<child_spec> specs;
  std::vector<caf::actor> children;
  std::vector<int> total_restarts;
  std::deque<clock_type::time_point> recent;  // restarts inside the window
  bool escalated = false;
  // Runs when the supervisor terminates, whatever the reason: it never leaves
  // orphans behind. (State is gone before attach_functor callbacks run.)
  // Registered names are dropped too: a registry entry is a strong reference,
  // and a detached actor whose object is never released keeps the actor
  // system's destructor waiting for its thread.
  caf::actor_system* sys = nullptr;
  ~supervisor_state() {
    for (size_t i = 0; i < children.size(); ++i) {
      if (!children[i])
        continue;
      if (sys && specs[i].registered)
        sys->registry().erase(caf::atom_from_string(specs[i].name));
      caf::anon_send_exit(children[i], caf::exit_reason::user_shutdown);
    }
  }
};

using sup_actor = caf::stateful_actor<supervisor_state>;

void start_child(sup_actor* self, size_t i) {
  auto& st = self->state;
  auto& spec = st.specs[i];
  auto child = spec.start(self->system());
  if (!child) {
    log::error("supervisor could not start child", {{"supervisor", st.name}, {"child", spec.name}});
    self->quit(make_error(errc::internal, "supervisor " + st.name + ": cannot start " + spec.name));
    return;
  }
  self->monitor(child);
  if (spec.registered)
    self->system().registry().put(caf::atom_from_string(spec.name), child);
  st.children[i] = child;
}

void stop_children(sup_actor* self) {
  auto& st = self->state;
  // Stop in reverse start order, as later children may depend on earlier ones.
  for (auto i = st.children.size(); i-- > 0;) {
    if (auto& c = st.children[i]) {
      if (st.specs[i].registered)
        self->system().registry().erase(caf::atom_from_string(st.specs[i].name));
      self->demonitor(c);
      self->send_exit(c, caf::exit_reason::user_shutdown);
      c = nullptr;
    }
  }
}

caf::behavior supervisor_impl(sup_actor* self, std::string name, restart_strategy strategy, restart_policy policy,
                              std::vector<child_spec> specs) {
  auto& st = self->state;
  st.sys = &self->system();
  st.name = std::move(name);
  st.strategy = strategy;
  st.policy = policy;
  st.specs = std::move(specs);
  st.children.resize(st.specs.size());
  st.total_restarts.resize(st.specs.size());
  for (size_t i = 0; i < st.specs.size() && !st.escalated; ++i)
    start_child(self, i);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    size_t idx = st.children.size();
    for (size_t i = 0; i < st.children.size(); ++i)
      if (st.children[i] && st.children[i].address() == dm.source)
        idx = i;
    if (idx == st.children.size())
      return;  // a child we already stopped on purpose
    auto& spec = st.specs[idx];
    st.children[idx] = nullptr;
    if (spec.registered)
      self->system().registry().erase(caf::atom_from_string(spec.name));
    bool abnormal = dm.reason && dm.reason != caf::exit_reason::normal;
    if (!abnormal && spec.mode == restart_mode::transient) {
      log::info("child stopped", {{"supervisor", st.name}, {"child", spec.name}});
      return;
    }
    auto now = clock_type::now();
    while (!st.recent.empty() && now - st.recent.front() > st.policy.window)
      st.recent.pop_front();
    metrics::get_counter("hirehub_actor_restarts_total", "Restarts decided by supervisors",
                         {{"supervisor", st.name}, {"child", spec.name}})
        .inc();
    if (static_cast<int>(st.recent.size()) >= st.policy.max_restarts) {
      log::error("restart limit reached, escalating", {{"supervisor", st.name},
                                                       {"child", spec.name},
                                                       {"reason", self->system().render(dm.reason)},
                                                       {"max_restarts", st.policy.max_restarts},
                                                       {"window_ms", st.policy.window.count()}});
      st.escalated = true;
      stop_children(self);
      self->quit(make_error(errc::internal, "supervisor " + st.name + ": child " + spec.name + " exceeded " +
                                                std::to_string(st.policy.max_restarts) + " restarts"));
      return;
    }
    st.recent.push_back(now);
    auto delay = restart_delay(st.policy, static_cast<int>(st.recent.size()));
    log::warn("child failed, restarting", {{"supervisor", st.name},
                                           {"child", spec.name},
                                           {"reason", self->system().render(dm.reason)},
                                           {"delay_ms", delay.count()}});
    if (st.strategy == restart_strategy::all_for_one) {
      stop_children(self);
      self->delayed_send(self, delay, restart_atom::value, static_cast<int32_t>(-1));
    } else {
      self->delayed_send(self, delay, restart_atom::value, static_cast<int32_t>(idx));
    }
  });
  return {
      [self](restart_atom, int32_t which) {
        auto& st = self->state;
        if (st.escalated)
          return;
        if (which < 0) {
          for (size_t i = 0; i < st.specs.size(); ++i) {
            ++st.total_restarts[i];
            start_child(self, i);
          }
        } else if (static_cast<size_t>(which) < st.specs.size() && !st.children[which]) {
          ++st.total_restarts[which];
          start_child(self, static_cast<size_t>(which));
        }
      },
      [self](stats_atom) -> std::string {
        auto& st = self->state;
        nlohmann::json out = nlohmann::json::array();
        for (size_t i = 0; i < st.specs.size(); ++i)
          out.push_back({{"name", st.specs[i].name},
                         {"running", static_cast<bool>(st.children[i])},
                         {"restarts", st.total_restarts[i]}});
        return out.dump();
      },
  };
}

}  // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, std::string name, restart_strategy strategy, restart_policy policy,
                            std::vector<child_spec> children) {
  return sys.spawn(supervisor_impl, std::move(name), strategy, policy, std::move(children));
}

}  // namespace hirehub
