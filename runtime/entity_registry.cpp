#include "runtime/entity_registry.hpp"

#include <deque>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/atoms.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub {

namespace {

/// A forwarded command is passed on at most this many times before it waits
/// for a fresher shard map (two nodes with stale maps must not ping-pong it).
constexpr int32_t max_hops = 2;

/// Entities listed in the actor tree (the busiest first); the total is given too.
constexpr size_t tree_limit = 200;

/// A command waiting for its shard to get an owner.
struct waiting {
  std::string kind, id;
  bool fresh = false;
  caf::message cmd;
  int32_t hops = 0;
  caf::response_promise rp;
  std::chrono::steady_clock::time_point deadline;
};

struct release_wait {
  std::set<int> shards;
  caf::response_promise rp;
  std::chrono::steady_clock::time_point deadline;
};

/// The registry's own timer for the idle sweep.
using idle_sweep_atom = caf::atom_constant<caf::atom("idlesweep")>;

/// An active entity and the idle sweep during which a command was last routed to it.
struct entry {
  caf::actor handle;
  uint64_t routed_in = 0;
  uint64_t idle_after = 0;  ///< sweeps without a command that make it idle; 0: never
  uint64_t last_use = 0;    ///< st.uses when a command was last routed to it (least recently used first)
  bool told = false;        ///< told to passivate at the cap (it does: entities always obey)
};

struct registry_state {
  std::map<std::string, entity_factory> kinds;
  registry_options opts;
  std::unordered_map<std::string, entry> active;  // key: kind + '/' + id
  std::unordered_map<caf::actor_addr, std::string> keys;
  placement_ptr map;                  // null: no shard map yet (clustered only)
  std::set<int> handing_off;          // shards being released: their commands wait
  std::set<caf::actor_addr> watched;  // other nodes' ingresses (monitored: a dead node's shards wait)
  std::set<caf::actor_addr> gone;     // ingresses whose node went away: never forwarded to again
  std::deque<waiting> queue;          // commands whose shard has no reachable owner right now
  std::vector<release_wait> releases;
  bool ticking = false;
  uint64_t sweep = 0;                           // idle sweeps so far
  size_t evicting = 0;                          // told to passivate at the cap and not gone yet
  uint64_t uses = 0;                            // commands routed to entities so far
  std::chrono::milliseconds sweep_period{0};    // zero: no kind passivates when idle
  std::map<std::string, uint64_t> idle_sweeps;  // per kind: sweeps without a command that make it idle
  const char* name = "entity_registry";
  // Entities are the registry's children: they stop with it (their state is in
  // the journal, so nothing is lost).
  ~registry_state() {
    for (auto& [key, e] : active)
      caf::anon_send_exit(e.handle, caf::exit_reason::user_shutdown);
  }
};

using registry_actor = observed_actor<registry_state>;

metrics::gauge& active_gauge(const std::string& kind) {
  return metrics::get_gauge("hirehub_active_entities", "Entity actors currently active on this node", {{"kind", kind}});
}

metrics::gauge& waiting_gauge() {
  return metrics::get_gauge("hirehub_registry_waiting", "Commands waiting for their shard to get an owner");
}

int shard_of_key(const registry_state& st, const std::string& key) {
  return st.opts.shard_of(key.substr(key.find('/') + 1));
}

/// Answers the release requests whose shards have no entity left here.
void check_releases(registry_actor* self, bool expired_too) {
  auto& st = self->state;
  auto now = self->clock().now();
  for (auto it = st.releases.begin(); it != st.releases.end();) {
    bool busy = false;
    for (auto& [key, e] : st.active)
      if (it->shards.count(shard_of_key(st, key))) {
        busy = true;
        break;
      }
    if (!busy || (expired_too && now >= it->deadline)) {
      if (busy)
        log::warn("entities did not stop in time for a shard hand-off; the journal fences them",
                  {{"shards", it->shards.size()}});
      it->rp.deliver(true);
      it = st.releases.erase(it);
    } else {
      ++it;
    }
  }
}

void forget(registry_actor* self, const caf::actor_addr& addr) {
  auto& st = self->state;
  auto k = st.keys.find(addr);
  if (k == st.keys.end())
    return;
  auto kind = k->second.substr(0, k->second.find('/'));
  auto e = st.active.find(k->second);
  if (e != st.active.end() && e->second.told && st.evicting > 0)
    --st.evicting;
  st.active.erase(k->second);
  st.keys.erase(k);
  active_gauge(kind).add(-1);
  if (!st.releases.empty())
    check_releases(self, false);
}

/// Stops this node's entities of the shards in `shards` (they rebuild from
/// the journal wherever they are activated next).
void stop_entities(registry_actor* self, const std::function<bool(int)>& in_shards) {
  for (auto& [key, e] : self->state.active)
    if (in_shards(shard_of_key(self->state, key)))
      self->send_exit(e.handle, caf::exit_reason::user_shutdown);
}

/// At the cap of active entities: tells the least recently used entities of the kinds
/// that passivate when idle to passivate now, enough to get an eighth of the cap
/// under it (they rebuild from the journal when asked again). Returns false when
/// there is nothing left to tell (every one is told already, or of a kind that
/// only passivates on its own). One round per eighth of the cap: O(active) each.
bool evict_least_recent(registry_actor* self) {
  static auto& evicted =
      metrics::get_counter("hirehub_entity_evictions_total", "Entities told to passivate at the cap of active ones");
  auto& st = self->state;
  if (st.evicting > 0)  // told already; they are still passivating
    return true;
  std::vector<entry*> candidates;
  for (auto& [key, e] : st.active)
    if (e.idle_after > 0 && !e.told)
      candidates.push_back(&e);
  if (candidates.empty())
    return false;
  auto n = std::min(candidates.size(), st.active.size() - st.opts.max_active + st.opts.max_active / 8 + 1);
  std::nth_element(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n - 1), candidates.end(),
                   [](const entry* a, const entry* b) { return a->last_use < b->last_use; });
  for (size_t i = 0; i < n; ++i) {
    candidates[i]->told = true;
    self->send(candidates[i]->handle, passivate_atom::value);
  }
  st.evicting = n;
  evicted.inc(n);
  log::warn("at the cap of active entities: the least recently used passivate",
            {{"active", st.active.size()}, {"max_active", st.opts.max_active}, {"told", n}});
  return true;
}

caf::actor activate(registry_actor* self, const std::string& kind, const std::string& id, bool fresh, caf::error& err) {
  auto& st = self->state;
  auto key = kind + '/' + id;
  auto it = st.active.find(key);
  if (it != st.active.end()) {
    it->second.routed_in = st.sweep;
    it->second.last_use = ++st.uses;
    return it->second.handle;
  }
  auto f = st.kinds.find(kind);
  if (f == st.kinds.end()) {
    err = make_error(errc::internal, "unknown entity kind " + kind);
    return nullptr;
  }
  // Beyond the cap, the least recently used make room; the told ones may take up to an
  // eighth more while they passivate. Only entities that never passivate fill it for good.
  if (st.active.size() >= st.opts.max_active &&
      (!evict_least_recent(self) || st.active.size() >= st.opts.max_active + st.opts.max_active / 8)) {
    err = make_error(errc::overloaded, "too many active entities on this node; retry later");
    return nullptr;
  }
  auto handle = f->second(self->system(), entity_context{kind, id, fresh}, caf::actor_cast<caf::actor>(self));
  self->monitor(handle);
  auto idle = st.idle_sweeps.find(kind);
  st.active.emplace(key, entry{handle, st.sweep, idle == st.idle_sweeps.end() ? 0 : idle->second, ++st.uses});
  st.keys.emplace(handle.address(), key);
  active_gauge(kind).add(1);
  metrics::get_counter("hirehub_entity_activations_total", "Entity activations", {{"kind", kind}}).inc();
  return handle;
}

enum class where { local, remote, wait };

where locate(registry_actor* self, const std::string& id, int32_t hops, caf::actor& remote) {
  auto& st = self->state;
  if (!st.opts.shard_of)
    return where::local;
  if (!st.map)
    return where::wait;
  auto shard = static_cast<size_t>(st.opts.shard_of(id));
  if (shard >= st.map->local.size())
    return where::wait;
  if (st.map->local[shard])
    return st.handing_off.count(static_cast<int>(shard)) ? where::wait : where::local;
  if (st.map->remote[shard] && hops < max_hops) {
    remote = st.map->remote[shard];
    return where::remote;
  }
  return where::wait;
}

void tick_later(registry_actor* self) {
  if (self->state.ticking)
    return;
  self->state.ticking = true;
  self->delayed_send(self, std::chrono::milliseconds(100), tick_atom::value);
}

/// Routes a command; `rp` answers the caller when it must wait or fails here.
caf::result<caf::message> route(registry_actor* self, const std::string& kind, const std::string& id, bool fresh,
                                caf::message& cmd, int32_t hops) {
  auto& st = self->state;
  caf::actor remote;
  switch (locate(self, id, hops, remote)) {
    case where::local: {
      caf::error err;
      auto handle = activate(self, kind, id, fresh, err);
      if (!handle)
        return err;
      self->delegate(handle, std::move(cmd));
      return caf::delegated<caf::message>{};
    }
    case where::remote:
      metrics::get_counter("hirehub_registry_forwarded_total", "Commands delegated to the node owning the shard").inc();
      self->delegate(remote, forward_atom::value, kind, id, fresh, std::move(cmd), hops + 1);
      return caf::delegated<caf::message>{};
    case where::wait: break;
  }
  if (st.queue.size() >= st.opts.max_waiting)
    return make_error(errc::overloaded, "too many commands are waiting for their shards; retry later");
  auto rp = self->make_response_promise<caf::message>();
  st.queue.push_back({kind, id, fresh, std::move(cmd), hops, rp, self->clock().now() + st.opts.route_wait});
  waiting_gauge().set(static_cast<int64_t>(st.queue.size()));
  tick_later(self);
  return rp;
}

/// Retries the waiting commands (after a new map, a finished hand-off, or to expire them).
void drain_queue(registry_actor* self) {
  auto& st = self->state;
  auto now = self->clock().now();
  std::deque<waiting> still;
  for (auto& w : st.queue) {
    caf::actor remote;
    // A command that waited for a fresher map may be passed on once more.
    auto at = locate(self, w.id, std::min(w.hops, max_hops - 1), remote);
    if (at == where::local) {
      caf::error err;
      auto handle = activate(self, w.kind, w.id, w.fresh, err);
      if (handle)
        w.rp.delegate(handle, std::move(w.cmd));
      else
        w.rp.deliver(err);
    } else if (at == where::remote) {
      w.rp.delegate(remote, forward_atom::value, w.kind, w.id, w.fresh, std::move(w.cmd), w.hops + 1);
    } else if (now >= w.deadline) {
      w.rp.deliver(make_error(errc::unavailable, "the entity's shard has no reachable owner right now; retry"));
    } else {
      still.push_back(std::move(w));
    }
  }
  st.queue.swap(still);
  waiting_gauge().set(static_cast<int64_t>(st.queue.size()));
}

/// Tells the entities no command was routed to for their kind's idle timeout to
/// passivate. One timer for the whole node instead of one per entity: sweep k
/// finds an entity idle when its last command came before sweep k - n + 1, with
/// n = ceil(timeout / period) + 1, i.e. between 1 and 1 + period / timeout
/// timeouts after that command (the period is a quarter of the shortest timeout).
/// The entity passivates itself (it may be waiting for a commit), and a command
/// routed to it meanwhile is still handled (entity_registry.hpp).
void sweep_idle(registry_actor* self) {
  auto& st = self->state;
  ++st.sweep;
  for (auto& [key, e] : st.active)
    if (e.idle_after > 0 && st.sweep - e.routed_in >= e.idle_after) {
      self->send(e.handle, passivate_atom::value);
      e.routed_in = st.sweep;  // told once per timeout
    }
  self->delayed_send(self, st.sweep_period, idle_sweep_atom::value);
}

void start_idle_sweep(registry_actor* self) {
  auto& st = self->state;
  for (auto& [kind, timeout] : st.opts.idle_timeouts)
    if (timeout.count() > 0 && (st.sweep_period.count() == 0 || timeout / 4 < st.sweep_period))
      st.sweep_period = std::max(std::chrono::milliseconds(1), timeout / 4);
  if (st.sweep_period.count() == 0)
    return;
  for (auto& [kind, timeout] : st.opts.idle_timeouts)
    if (timeout.count() > 0)
      st.idle_sweeps[kind] =
          static_cast<uint64_t>((timeout + st.sweep_period - std::chrono::milliseconds(1)) / st.sweep_period) + 1;
  self->delayed_send(self, st.sweep_period, idle_sweep_atom::value);
}

caf::behavior registry_impl(registry_actor* self, std::map<std::string, entity_factory> kinds, registry_options opts) {
  self->state.kinds = std::move(kinds);
  self->state.opts = opts;
  start_idle_sweep(self);
  for (auto& [kind, f] : self->state.kinds)
    active_gauge(kind).set(0);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (st.watched.erase(dm.source) > 0) {
      st.gone.insert(dm.source);
      // Another node is gone: its shards wait for the coordinator to grant them elsewhere.
      log::warn("lost the connection to a node; its shards wait for a new owner",
                {{"reason", self->system().render(dm.reason)}});
      if (st.map) {
        auto copy = std::make_shared<placement>(*st.map);
        for (auto& r : copy->remote)
          if (r && r.address() == dm.source)
            r = nullptr;
        st.map = copy;
      }
      return;
    }
    if (dm.reason && dm.reason != caf::exit_reason::normal && dm.reason != caf::exit_reason::user_shutdown) {
      log::warn("entity crashed; it will be re-activated from its journal on the next message",
                {{"entity", self->state.keys.count(dm.source) ? self->state.keys[dm.source] : "?"},
                 {"reason", self->system().render(dm.reason)}});
      metrics::get_counter("hirehub_entity_crashes_total", "Entity actors that ended abnormally").inc();
    }
    forget(self, dm.source);
  });
  return {
      [self](route_atom, const std::string& kind, const std::string& id, bool fresh,
             caf::message& cmd) -> caf::result<caf::message> { return route(self, kind, id, fresh, cmd, 0); },
      [self](forward_atom, const std::string& kind, const std::string& id, bool fresh, caf::message& cmd,
             int32_t hops) -> caf::result<caf::message> { return route(self, kind, id, fresh, cmd, hops); },
      [self](placement_atom, placement_ptr map) {
        auto& st = self->state;
        auto before = st.map;
        // The membership may still name a node whose connection just died: its shards wait instead.
        bool stale = false;
        for (auto& r : map->remote)
          stale = stale || (r && st.gone.count(r.address()) > 0);
        if (stale) {
          auto copy = std::make_shared<placement>(*map);
          for (auto& r : copy->remote)
            if (r && st.gone.count(r.address()))
              r = nullptr;
          map = copy;
        }
        st.map = map;
        for (auto& r : map->remote)
          if (r && st.watched.insert(r.address()).second)
            self->monitor(r);
        // Shards this node no longer holds (lease lost or released): their entities stop here.
        // (A map arrives with every lease renewal: the entities are walked only when a shard was lost.)
        if (before && st.opts.shard_of) {
          std::vector<bool> lost(before->local.size(), false);
          bool any = false;
          for (size_t i = 0; i < before->local.size(); ++i) {
            bool gone = before->local[i] && (i >= map->local.size() || !map->local[i]);
            lost[i] = gone;
            any = any || gone;
          }
          if (any)
            stop_entities(self,
                          [&](int s) { return static_cast<size_t>(s) < lost.size() && lost[static_cast<size_t>(s)]; });
        }
        for (auto it = st.handing_off.begin(); it != st.handing_off.end();) {
          auto i = static_cast<size_t>(*it);
          if (i >= map->local.size() || !map->local[i])
            it = st.handing_off.erase(it);  // released: the new owner takes its commands
          else
            ++it;
        }
        drain_queue(self);
      },
      [self](release_atom, const std::vector<int>& shards) -> caf::result<bool> {
        auto& st = self->state;
        std::set<int> set(shards.begin(), shards.end());
        st.handing_off.insert(set.begin(), set.end());
        stop_entities(self, [&](int s) { return set.count(s) > 0; });
        auto rp = self->make_response_promise<bool>();
        st.releases.push_back({set, rp, self->clock().now() + std::chrono::seconds(5)});
        check_releases(self, false);
        tick_later(self);
        return rp;
      },
      // The membership handed those shards back: whoever holds them next (maybe
      // this node again, with a new epoch) gets their commands per the map.
      [self](release_atom, const std::vector<int>& shards, bool) {
        for (int s : shards)
          self->state.handing_off.erase(s);
        drain_queue(self);
      },
      [self](idle_sweep_atom) { sweep_idle(self); },
      [self](tick_atom) {
        auto& st = self->state;
        st.ticking = false;
        drain_queue(self);
        check_releases(self, true);
        if (!st.queue.empty() || !st.releases.empty())
          tick_later(self);
      },
      [self](passivate_atom, const std::string& kind, const std::string& id) {
        auto& st = self->state;
        auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
        auto it = st.active.find(kind + '/' + id);
        // Only the current incarnation is forgotten; a late request from an older one is simply acknowledged.
        if (it != st.active.end() && it->second.handle.address() == sender) {
          self->demonitor(it->second.handle);
          forget(self, sender);
        }
        return caf::unit;
      },
      [self](stats_atom) -> size_t { return self->state.active.size(); },
      // The admin API's actor tree: the busiest entities first (at most tree_limit).
      [self](tree_atom) -> std::string {
        auto& st = self->state;
        // Rank every entity by its counters, then describe only the busiest.
        std::vector<std::pair<activity, const decltype(st.active)::value_type*>> ranked;
        ranked.reserve(st.active.size());
        for (auto& entry : st.active)
          ranked.emplace_back(activity_of(entry.second.handle), &entry);
        auto shown = std::min(ranked.size(), tree_limit);
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
                          [](const auto& a, const auto& b) { return a.first > b.first; });
        auto all = nlohmann::json::array();
        for (size_t i = 0; i < shown; ++i) {
          auto& [key, e] = *ranked[i].second;
          auto slash = key.find('/');
          all.push_back(sample_entity(e.handle, key.substr(0, slash), key.substr(slash + 1)));
        }
        nlohmann::json out = {{"children", all}, {"total", st.active.size()}, {"waiting", st.queue.size()}};
        return out.dump();
      },
      // An operator stops one entity: it is killed and forgotten; the next command
      // activates it again from the journal.
      [self](stop_atom, uint64_t id) -> caf::result<std::string> {
        for (auto& [key, e] : self->state.active)
          if (e.handle.id() == id) {
            log::warn("an operator stops an entity", {{"entity", key}, {"id", id}});
            nlohmann::json out = {
                {"stopped",
                 {{"id", id},
                  {"name", key},
                  {"supervisor", "registry"},
                  {"then", "the registry forgets it; the next command activates it again from the journal"}}}};
            self->send_exit(e.handle, caf::exit_reason::kill);
            return out.dump();
          }
        return make_error(errc::not_found, "no such actor on this node");
      },
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
