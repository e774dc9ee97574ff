#include "runtime/services.hpp"
#include "runtime/supervisor.hpp"

#include <deque>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/config.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

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
        services::erase(*sys, specs[i].name);
      caf::anon_send_exit(children[i], caf::exit_reason::user_shutdown);
    }
  }
};

using sup_actor = observed_actor<supervisor_state>;

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
    services::put(self->system(), spec.name, child);
  st.children[i] = child;
}

void stop_children(sup_actor* self) {
  auto& st = self->state;
  // Stop in reverse start order, as later children may depend on earlier ones.
  for (auto i = st.children.size(); i-- > 0;) {
    if (auto& c = st.children[i]) {
      if (st.specs[i].registered)
        services::erase(self->system(), st.specs[i].name);
      self->demonitor(c);
      self->send_exit(c, caf::exit_reason::user_shutdown);
      c = nullptr;
    }
  }
}

const char* kind_name(child_kind k) {
  switch (k) {
    case child_kind::supervisor: return "supervisor";
    case child_kind::pool: return "pool";
    case child_kind::registry: return "registry";
    default: return "worker";
  }
}

/// Answers once every nested part of the tree (or stop search) has answered.
struct gather {
  nlohmann::json tree;
  size_t pending = 1;  // the caller's own share, released by done() after it asked everyone
  caf::response_promise rp;
  caf::error found_error = make_error(errc::not_found, "no such actor on this node");
  bool found = false;

  void done() {
    if (--pending > 0)
      return;
    if (tree.is_null() && !found)
      rp.deliver(found_error);
    else
      rp.deliver(tree.dump());
  }
};

caf::result<std::string> tree(sup_actor* self) {
  auto& st = self->state;
  auto g = std::make_shared<gather>();
  g->rp = self->make_response_promise<std::string>();
  g->tree = sample(caf::actor_cast<caf::actor>(self));
  g->tree["name"] = st.name;
  g->tree["kind"] = "supervisor";
  g->tree["strategy"] = st.strategy == restart_strategy::one_for_one ? "one_for_one" : "all_for_one";
  auto& children = g->tree["children"] = nlohmann::json::array();
  for (size_t i = 0; i < st.specs.size(); ++i) {
    auto& spec = st.specs[i];
    auto c = sample(st.children[i]);
    if (c.is_null())
      c = {{"id", nullptr}};
    c["name"] = spec.name;
    c["kind"] = kind_name(spec.kind);
    c["running"] = static_cast<bool>(st.children[i]);
    c["restarts"] = st.total_restarts[i];
    c["mode"] = spec.mode == restart_mode::permanent ? "permanent" : "transient";
    children.push_back(std::move(c));
  }
  for (size_t i = 0; i < st.specs.size(); ++i) {
    auto& child = st.children[i];
    auto kind = st.specs[i].kind;
    if (!child || kind == child_kind::worker)
      continue;
    ++g->pending;
    auto on_error = [g, i](caf::error& err) {
      g->tree["children"][i]["error"] = caf::to_string(err);
      g->done();
    };
    if (kind == child_kind::pool) {
      self->request(child, tree_timeout, caf::sys_atom::value, caf::get_atom::value)
          .then(
              [g, i](std::vector<caf::actor>& workers) {
                auto arr = nlohmann::json::array();
                for (auto& w : workers) {
                  auto x = sample(w);
                  x["name"] = "worker";
                  x["kind"] = "worker";
                  arr.push_back(std::move(x));
                }
                g->tree["children"][i]["children"] = std::move(arr);
                g->done();
              },
              on_error);
    } else {
      self->request(child, tree_timeout, tree_atom::value)
          .then(
              [g, i](std::string& sub) {
                auto j = nlohmann::json::parse(sub, nullptr, false);
                auto& node = g->tree["children"][i];
                if (j.is_object())
                  for (auto& [k, v] : j.items())
                    if (k != "name" && k != "kind" && k != "id" && k != "mailbox" && k != "handled" && k != "rate")
                      node[k] = v;
                g->done();
              },
              on_error);
    }
  }
  g->done();
  return g->rp;
}

caf::result<std::string> stop_actor(sup_actor* self, uint64_t id) {
  auto& st = self->state;
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& child = st.children[i];
    if (!child || child.id() != id)
      continue;
    log::warn("an operator stops an actor", {{"supervisor", st.name}, {"child", st.specs[i].name}, {"id", id}});
    nlohmann::json out = {{"stopped",
                           {{"id", id},
                            {"name", st.specs[i].name},
                            {"supervisor", st.name},
                            {"then", st.strategy == restart_strategy::one_for_one
                                         ? "its supervisor restarts it after a backoff"
                                         : "its supervisor restarts it and its siblings after a backoff"}}}};
    self->send_exit(child, caf::exit_reason::kill);
    return out.dump();
  }
  auto g = std::make_shared<gather>();
  g->rp = self->make_response_promise<std::string>();
  for (size_t i = 0; i < st.children.size(); ++i) {
    auto& child = st.children[i];
    auto kind = st.specs[i].kind;
    if (!child || kind == child_kind::worker)
      continue;
    ++g->pending;
    if (kind == child_kind::pool) {
      self->request(child, tree_timeout, caf::sys_atom::value, caf::get_atom::value)
          .then(
              [g, id, name = st.specs[i].name](std::vector<caf::actor>& workers) {
                for (auto& w : workers)
                  if (w.id() == id)
                    g->found_error =
                        make_error(errc::conflict, "actor " + std::to_string(id) + " is a worker of pool " + name +
                                                       ", which would not replace it; stop the pool");
                g->done();
              },
              [g](caf::error&) { g->done(); });
    } else {
      self->request(child, tree_timeout, stop_atom::value, id)
          .then(
              [g](std::string& answer) {
                if (!g->found) {
                  g->found = true;
                  g->tree = nlohmann::json::parse(answer, nullptr, false);
                }
                g->done();
              },
              [g](caf::error& err) {
                auto v = view(err);
                if (v.code == errc::conflict)
                  g->found_error = err;
                g->done();
              });
    }
  }
  g->done();
  return g->rp;
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
      services::erase(self->system(), spec.name);
    bool abnormal = dm.reason && dm.reason != caf::exit_reason::normal;
    if (!abnormal && spec.mode == restart_mode::transient) {
      log::info("child stopped", {{"supervisor", st.name}, {"child", spec.name}});
      return;
    }
    auto now = self->clock().now();
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
      [self](tree_atom) { return tree(self); },
      [self](stop_atom, uint64_t id) { return stop_actor(self, id); },
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
