#include "runtime/entity_registry.hpp"

#include <unordered_map>

#include <caf/all.hpp>

#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub {

namespace {

struct registry_state {
  std::map<std::string, entity_factory> kinds;
  registry_options opts;
  std::unordered_map<std::string, caf::actor> active;  // key: kind + '/' + id
  std::unordered_map<caf::actor_addr, std::string> keys;
  const char* name = "entity_registry";
  // Entities are the registry's children: they stop with it (their state is in
  // the journal, so nothing is lost).
  ~registry_state() {
    for (auto& [key, handle] : active)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  }
};

using registry_actor = caf::stateful_actor<registry_state>;

metrics::gauge& active_gauge(const std::string& kind) {
  return metrics::get_gauge("hirehub_active_entities", "Entity actors currently active on this node", {{"kind", kind}});
}

void forget(registry_actor* self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto k = st.keys.find(addr);
  if (k == st.keys.end())
    return;
  auto kind = k->second.substr(0, k->second.find('/'));
  st.active.erase(k->second);
  st.keys.erase(k);
  active_gauge(kind).add(-1);
}

caf::behavior registry_impl(registry_actor* self, std::map<std::string, entity_factory> kinds, registry_options opts) {
  self->state.kinds = std::move(kinds);
  self->state.opts = opts;
  for (auto& [kind, f] : self->state.kinds)
    active_gauge(kind).set(0);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.reason && dm.reason != caf::exit_reason::normal) {
      log::warn("entity crashed; it will be re-activated from its journal on the next message",
                {{"entity", self->state.keys.count(dm.source) ? self->state.keys[dm.source] : "?"},
                 {"reason", self->system().render(dm.reason)}});
      metrics::get_counter("hirehub_entity_crashes_total", "Entity actors that ended abnormally").inc();
    }
    forget(self, dm.source);
  });
  return {
      [self](route_atom, const std::string& kind, const std::string& id, bool fresh,
             caf::message& cmd) -> caf::result<caf::message> {
        auto& st = self->state;
        auto key = kind + '/' + id;
        auto it = st.active.find(key);
        if (it == st.active.end()) {
          auto f = st.kinds.find(kind);
          if (f == st.kinds.end())
            return make_error(errc::internal, "unknown entity kind " + kind);
          if (st.active.size() >= st.opts.max_active)
            return make_error(errc::overloaded, "too many active entities on this node; retry later");
          auto handle = f->second(self->system(), entity_context{kind, id, fresh}, caf::actor_cast<caf::actor>(self));
          self->monitor(handle);
          it = st.active.emplace(key, handle).first;
          st.keys.emplace(handle.address(), key);
          active_gauge(kind).add(1);
          metrics::get_counter("hirehub_entity_activations_total", "Entity activations", {{"kind", kind}}).inc();
        }
        self->delegate(it->second, std::move(cmd));
        return caf::delegated<caf::message>{};
      },
      [self](passivate_atom, const std::string& kind, const std::string& id) {
        auto& st = self->state;
        auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
        auto it = st.active.find(kind + '/' + id);
        // Only the current incarnation is forgotten; a late request from an older one is simply acknowledged.
        if (it != st.active.end() && it->second.address() == sender) {
          self->demonitor(it->second);
          forget(self, sender);
        }
        return caf::unit;
      },
      [self](stats_atom) -> size_t { return self->state.active.size(); },
  };
}

}  // namespace

caf::actor spawn_entity_registry(caf::actor_system& sys, std::map<std::string, entity_factory> kinds,
                                 registry_options opts) {
  return sys.spawn(registry_impl, std::move(kinds), opts);
}

caf::message route_message(const std::string& kind, const std::string& id, bool fresh, caf::message cmd) {
  return caf::make_message(route_atom::value, kind, id, fresh, std::move(cmd));
}

}  // namespace hirehub
