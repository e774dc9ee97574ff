#include "cluster/membership.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/manager.hpp>
#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "persistence/membership_store.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::cluster {

using nlohmann::json;

// ---- the actor -------------------------------------------------------------------

namespace {

struct peer {
  std::string host;
  int port = 0;
  caf::actor ingress;
  bool connecting = false;
};

struct membership_state {
  membership_options opts;
  std::shared_ptr<persistence::membership_store> store;
  std::function<void()> on_dead;
  size_t entities = 0;
  bool coordinator = false;
  bool dead = false;
  bool releasing = false;  ///< a release is with the registry
  std::vector<int> owned;
  std::map<std::string, peer> peers;  ///< node id -> its ingress
  std::vector<owner_row> last_rows;   ///< the shard owners as last read
  std::vector<owner_row> last_live;   ///< the live nodes as last read (shard -1)
  std::chrono::steady_clock::time_point last_beat = std::chrono::steady_clock::now();
  bool holding = true;                          ///< false after the registry was told this node holds nothing
  std::vector<caf::response_promise> draining;  ///< stop requests waiting until every shard moved away
  const char* name = "membership";
};
using membership_actor = observed_actor<membership_state>;

caf::actor local(caf::local_actor* self, const char* name) {
  return services::find(self->system(), name);
}

/// Asks the registry for its entity count; the answer is reported with the next beat.
void refresh_load(membership_actor* self) {
  if (auto registry = local(self, "registry"))
    self->request(registry, std::chrono::milliseconds(500), stats_atom::value)
        .then([self](size_t n) { self->state.entities = n; }, [](caf::error&) {});
}

void publish_placement(membership_actor* self, const std::vector<owner_row>& rows);

/// Introduces this node's ingress to a node it connected to (repeated at every beat:
/// a node that restarted, or had not heard of this one yet, learns it then).
void say_hello(membership_actor* self, const caf::actor& peer_ingress) {
  if (auto in = local(self, "ingress"))
    self->send(peer_ingress, hello_atom::value, self->state.opts.node_id, in);
}

/// The middleman that connects to the other nodes: the TLS one when the node has its
/// cluster certificate (cluster.tls_*), so both ends prove they belong to the cluster.
caf::io::middleman_actor peer_middleman(caf::actor_system& sys) {
  return sys.has_openssl_manager() ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

/// Whether this node opens the connection to `other`: of each pair of nodes, the one
/// with the greater id connects and says hello; the other waits for it. (With both
/// connecting at once, CAF closes one of the two as redundant, and over TLS that
/// took the other down with it, again at every beat.)
bool connects_to(const membership_state& s, const std::string& other) {
  return s.opts.node_id > other;
}

/// The ingress of another node once connected through the middleman; until
/// then null (its shards' commands wait) while a connection is being made, in
/// the background with a timeout: a peer that does not answer never stalls the
/// heartbeats. For a peer that connects to this node, its ingress comes with its hello.
caf::actor ingress_of(membership_actor* self, const owner_row& o) {
  auto& s = self->state;
  auto& p = s.peers[o.node_id];
  if (p.host != o.caf_host || p.port != o.caf_port)
    p = peer{o.caf_host, o.caf_port, nullptr};
  if (p.ingress || p.connecting || o.caf_host.empty() || o.caf_port <= 0 || !connects_to(s, o.node_id))
    return p.ingress;
  p.connecting = true;
  auto node = o.node_id;
  auto at = o.caf_host + ":" + std::to_string(o.caf_port);
  self->request(peer_middleman(self->system()), std::chrono::seconds(3), caf::connect_atom::value, o.caf_host,
                static_cast<uint16_t>(o.caf_port))
      .then(
          [self, node, at](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>&) {
            auto& p = self->state.peers[node];
            p.connecting = false;
            if (!ptr)
              return;
            p.ingress = caf::actor_cast<caf::actor>(ptr);
            self->monitor(p.ingress);  // a lost connection is forgotten, so a later beat connects again
            log::info("connected to a node", {{"node", node}, {"at", at}});
            say_hello(self, p.ingress);
            publish_placement(self, self->state.last_rows);
          },
          [self, node, at](caf::error& err) {
            self->state.peers[node].connecting = false;
            log::warn("cannot reach a node's ingress",
                      {{"node", node}, {"at", at}, {"error", self->system().render(err)}});
          });
  return nullptr;
}

/// Tells the registry where the shards are and the hub who its peers are.
void publish_placement(membership_actor* self, const std::vector<owner_row>& rows) {
  auto& s = self->state;
  if (&rows != &s.last_rows)
    s.last_rows = rows;
  auto map = std::make_shared<placement>();
  map->local.assign(static_cast<size_t>(s.opts.shards), false);
  map->remote.assign(static_cast<size_t>(s.opts.shards), nullptr);
  std::set<std::string> live;
  std::vector<caf::actor> peers;
  for (const auto& r : rows) {
    if (r.shard < 0 || r.shard >= s.opts.shards)
      continue;
    auto i = static_cast<size_t>(r.shard);
    if (r.node_id == s.opts.node_id) {
      map->local[i] = true;
    } else if (auto h = ingress_of(self, r)) {
      map->remote[i] = h;
      if (live.insert(r.node_id).second)
        peers.push_back(h);
    }
  }
  // Frames go to every live node, also those without shards (drained, just joined):
  // their WebSocket clients watch entities living elsewhere.
  for (const auto& n : s.last_live)
    if (n.node_id != s.opts.node_id && !live.count(n.node_id))
      if (auto h = ingress_of(self, n); h && live.insert(n.node_id).second)
        peers.push_back(h);
  if (auto registry = local(self, "registry"))
    self->send(registry, placement_atom::value, placement_ptr{map});
  if (auto hub = local(self, "hub"))
    self->send(hub, peers_atom::value, std::move(peers));
  s.holding = true;
}

/// The registry stops the shards' entities first; then the leases go back.
void start_release(membership_actor* self, std::vector<int> shards) {
  auto& s = self->state;
  auto registry = local(self, "registry");
  if (s.releasing || shards.empty() || !registry)
    return;
  s.releasing = true;
  self->request(registry, std::chrono::seconds(10), release_atom::value, shards)
      .then([self, shards](bool) { self->send(self, release_atom::value, shards); },
            [self](caf::error&) { self->state.releasing = false; });
}

void tick(membership_actor* self) {
  auto& s = self->state;
  if (s.dead)
    return;
  static auto& owned_gauge = metrics::get_gauge("hirehub_cluster_shards_owned", "Shards leased to this node");
  static auto& coord_gauge =
      metrics::get_gauge("hirehub_cluster_coordinator", "1 while this node coordinates the cluster");
  try {
    refresh_load(self);
    json load = {{"entities", s.entities}};
    auto b = s.store->heartbeat(load);
    if (b.status == "dead") {
      s.dead = true;
      log::error("this node was declared dead by the cluster (heartbeats too old); it stops",
                 {{"node", s.opts.node_id}});
      if (auto registry = local(self, "registry"))
        self->send(registry, placement_atom::value,
                   placement_ptr{std::make_shared<placement>(
                       placement{std::vector<bool>(static_cast<size_t>(s.opts.shards), false),
                                 std::vector<caf::actor>(static_cast<size_t>(s.opts.shards))})});
      if (s.on_dead)
        s.on_dead();
      return;
    }
    s.last_beat = std::chrono::steady_clock::now();
    {
      bool was = s.coordinator;
      auto [holding, changes] = s.store->coordinate(b.previous_beat_s);
      s.coordinator = holding;
      if (s.coordinator && !was)
        log::info("this node coordinates the cluster", {{"node", s.opts.node_id}});
      if (s.coordinator && changes.value("granted", 0) > 0)
        b = s.store->heartbeat(
            load);  // shards granted just now (maybe to this node) take effect without waiting a period
    }
    coord_gauge.set(s.coordinator ? 1 : 0);
    if (b.owned != s.owned) {
      log::info("shard leases changed", {{"node", s.opts.node_id}, {"shards", b.owned.size()}});
      s.owned = b.owned;
    }
    owned_gauge.set(static_cast<int64_t>(s.owned.size()));
    auto view = s.store->view();
    auto& rows = view.owners;
    auto& members = view.members;
    s.last_live = view.live;
    // The ingress takes commands from the members only.
    if (auto in = local(self, "ingress"))
      self->send(in, members_atom::value, std::move(members));
    publish_placement(self, rows);
    for (auto& [id, p] : s.peers)
      if (p.ingress && connects_to(s, id))
        say_hello(self, p.ingress);
    start_release(self, b.releasing);
    // Stopping: done once this node holds nothing and every shard has an owner the
    // registry knows, or when no active node is left to take them (all stopping at once).
    bool nobody_left = false;
    if (!s.draining.empty())
      nobody_left = !s.store->others_active();
    if (!s.draining.empty() &&
        (nobody_left || (b.owned.empty() && !s.releasing && rows.size() == static_cast<size_t>(s.opts.shards)))) {
      log::info(nobody_left ? "no active node is left to take the shards; stopping with them"
                            : "drained: every shard is with another node",
                {{"node", s.opts.node_id}});
      for (auto& rp : s.draining)
        rp.deliver(true);
      s.draining.clear();
    }
  } catch (const std::exception& e) {
    // A broken connection drops the advisory lock with it: another node may coordinate now.
    log::warn("membership round failed", {{"node", s.opts.node_id}, {"error", e.what()}});
    s.store->drop();
    s.coordinator = false;
    coord_gauge.set(0);
    // Without renewals the leases run out: stop this node's entities before anyone else may start them.
    if (s.holding && std::chrono::steady_clock::now() - s.last_beat > s.opts.lease * 3 / 4) {
      log::error("cannot renew the shard leases; this node's entities stop until it can", {{"node", s.opts.node_id}});
      if (auto registry = local(self, "registry"))
        self->send(registry, placement_atom::value,
                   placement_ptr{std::make_shared<placement>(
                       placement{std::vector<bool>(static_cast<size_t>(s.opts.shards), false),
                                 std::vector<caf::actor>(static_cast<size_t>(s.opts.shards))})});
      s.holding = false;
      owned_gauge.set(0);
    }
  }
}

/// Hands an admin request (answered with a JSON string) to `node`'s ingress:
/// this node's own, or another live node's through the middleman.
template <class... Ts>
caf::result<std::string> ask_node(membership_actor* self, const std::string& node, Ts... xs) {
  auto& s = self->state;
  if (node == s.opts.node_id) {
    auto in = local(self, "ingress");
    if (!in)
      return make_error(errc::unavailable, "the node is starting or stopping; retry");
    self->delegate(in, xs...);
    return caf::delegated<std::string>{};
  }
  owner_row where;
  try {
    auto a = s.store->address_of(node);
    if (!a)
      return make_error(errc::not_found, "no node with this id");
    if (a->status == "dead" || a->status == "left")
      return make_error(cluster_errc::node_gone, "node " + node + " is " + a->status);
    where = {-1, node, a->caf_host, a->caf_port};
  } catch (const std::exception& e) {
    s.store->drop();
    log::warn("cannot read a node's address", {{"node", node}, {"error", e.what()}});
    return make_error(errc::unavailable, "the cluster's database is unreachable; retry");
  }
  if (auto in = ingress_of(self, where)) {
    self->delegate(in, xs...);
    return caf::delegated<std::string>{};
  }
  // One connection per pair of nodes (connects_to): none made here.
  return make_error(cluster_errc::not_connected, "not connected to node " + node + " yet; retry");
}

caf::behavior membership_impl(membership_actor* self, membership_options o, std::function<void()> on_dead,
                              std::shared_ptr<persistence::membership_store> store) {
  auto& s = self->state;
  s.opts = std::move(o);
  s.on_dead = std::move(on_dead);
  s.store = std::move(store);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& s = self->state;
    if (msg.reason == caf::exit_reason::user_shutdown && !s.dead) {
      try {
        s.store->leave();
        log::info("left the cluster", {{"node", s.opts.node_id}});
      } catch (const std::exception& e) {
        log::warn("could not leave the cluster; the leases expire instead", {{"error", e.what()}});
      }
    }
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& dm) {
    for (auto& [id, p] : self->state.peers)
      if (p.ingress && p.ingress.address() == dm.source)
        p.ingress = nullptr;
  });
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        tick(self);
        self->delayed_send(self, self->state.opts.heartbeat, tick_atom::value);
      },
      [self](release_atom, const std::vector<int>& shards) {
        auto& s = self->state;
        s.releasing = false;
        try {
          s.store->release(shards);
          if (auto registry = local(self, "registry"))
            self->send(registry, release_atom::value, shards, true);
          log::info("shards handed back", {{"node", s.opts.node_id}, {"shards", shards.size()}});
        } catch (const std::exception& e) {
          log::warn("could not hand shards back; the next beat asks again", {{"error", e.what()}});
          s.store->drop();
        }
      },
      // The node stops: move its shards to the others first (answered `true` when
      // done; at once when no other node is active).
      [self](close_atom) -> caf::result<bool> {
        auto& s = self->state;
        try {
          if (s.owned.empty() || !s.store->drain_self())
            return true;
        } catch (const std::exception& e) {
          log::warn("cannot drain before stopping; the leases expire instead", {{"error", e.what()}});
          return true;
        } catch (const caf::error& e) {  // declared dead meanwhile: nothing to drain
          log::warn("cannot drain before stopping; the leases expire instead", {{"error", caf::to_string(e)}});
          return true;
        }
        log::info("draining before stopping", {{"node", s.opts.node_id}, {"shards", s.owned.size()}});
        auto rp = self->make_response_promise<bool>();
        s.draining.push_back(rp);
        return rp;
      },
      [self](tree_atom tree, const std::string& node) { return ask_node(self, node, tree); },
      [self](stop_atom stop, const std::string& node, uint64_t id) { return ask_node(self, node, stop, id); },
      // A node that connected to this one introduces its ingress (through ours, which
      // checked that it is a member).
      [self](hello_atom, const std::string& node, const caf::actor& peer_ingress) {
        auto& s = self->state;
        if (!peer_ingress || node == s.opts.node_id)
          return;
        auto& p = s.peers[node];
        if (p.ingress == peer_ingress)
          return;
        for (auto& n : s.last_live)
          if (n.node_id == node) {
            p.host = n.caf_host;
            p.port = n.caf_port;
          }
        p.ingress = peer_ingress;
        self->monitor(p.ingress);
        log::info("a node connected", {{"node", node}});
        publish_placement(self, s.last_rows);
      },
      // The ingress met a node it does not know: read the members again now.
      [self](members_atom) {
        auto& s = self->state;
        try {
          auto members = s.store->view().members;
          if (auto in = local(self, "ingress"))
            self->send(in, members_atom::value, std::move(members));
        } catch (const std::exception& e) {
          log::warn("cannot read the cluster's members", {{"error", e.what()}});
        }
      },
      [self](stats_atom) {
        auto& s = self->state;
        return json{{"node_id", s.opts.node_id}, {"coordinator", s.coordinator}, {"shards", s.owned}}.dump();
      },
  };
}

}  // namespace

caf::actor spawn_membership(caf::actor_system& sys, membership_options o, std::function<void()> on_declared_dead) {
  // Register before anything is spawned, so a refused join stops the start-up with its reason.
  auto store = std::make_shared<persistence::membership_store>(o);
  store->register_node();
  log::info("joined the cluster", {{"node", o.node_id}, {"http_url", o.http_url}});
  return sys.spawn<caf::detached>(membership_impl, std::move(o), std::move(on_declared_dead), std::move(store));
}

}  // namespace hirehub::cluster
