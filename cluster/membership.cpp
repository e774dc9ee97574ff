#include "cluster/membership.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/manager.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::cluster {

using nlohmann::json;

namespace {

/// The advisory lock whose holder coordinates ("HireHub" + 1).
constexpr int64_t coordinator_lock = 0x4869726548756201;

std::string interval(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " milliseconds";
}

}  // namespace

void register_node(pqxx::transaction_base& txn, const membership_options& o) {
  auto r = txn.exec_params(
      "INSERT INTO cluster_nodes (node_id, http_url, caf_host, caf_port, caf_node) VALUES ($1, $2, NULLIF($3, ''), "
      "NULLIF($4::int, 0), NULLIF($6, '')) ON CONFLICT (node_id) DO UPDATE SET http_url = EXCLUDED.http_url, "
      "caf_host = EXCLUDED.caf_host, caf_port = EXCLUDED.caf_port, caf_node = EXCLUDED.caf_node, started_at = "
      "now(), heartbeat_at = now(), status = 'active', status_changed_at = now(), load = '{}' WHERE "
      "cluster_nodes.status IN ('dead', 'left') OR cluster_nodes.heartbeat_at < now() - $5::interval RETURNING "
      "node_id",
      o.node_id, o.http_url, o.caf_host, o.caf_port, interval(o.dead_after), o.caf_node);
  if (r.empty())
    throw join_refused("node id '" + o.node_id + "' is in use by a live node (node.id)");
  // An earlier incarnation of this id is gone (its heartbeat is old): its leases go with it.
  txn.exec_params("UPDATE cluster_shards SET owner = NULL, lease_until = NULL, releasing = false WHERE owner = $1",
                  o.node_id);
}

beat heartbeat(pqxx::transaction_base& txn, const membership_options& o, const json& load) {
  beat b;
  // The CTE reads the row as it was before the UPDATE: this node's previous beat.
  auto r = txn.exec_params(
      "WITH prev AS (SELECT heartbeat_at FROM cluster_nodes WHERE node_id = $1) UPDATE cluster_nodes SET "
      "heartbeat_at = now(), load = $2::jsonb, status_changed_at = CASE WHEN status = 'suspected' THEN now() ELSE "
      "status_changed_at END, status = CASE WHEN status = 'suspected' THEN 'active' ELSE status END WHERE node_id = "
      "$1 AND status <> 'dead' RETURNING status, extract(epoch FROM (SELECT heartbeat_at FROM prev))::float8",
      o.node_id, load.dump());
  if (r.empty()) {
    b.status = "dead";
    return b;
  }
  b.status = r[0][0].as<std::string>();
  b.previous_beat_s = r[0][1].is_null() ? 0 : r[0][1].as<double>();
  // Renew only leases that have not expired: an expired one may already be someone else's.
  for (const auto& row : txn.exec_params(
           "UPDATE cluster_shards SET lease_until = now() + $2::interval WHERE owner = $1 AND lease_until >= now() "
           "RETURNING shard, releasing",
           o.node_id, interval(o.lease))) {
    b.owned.push_back(row[0].as<int>());
    if (row[1].as<bool>())
      b.releasing.push_back(row[0].as<int>());
  }
  std::sort(b.owned.begin(), b.owned.end());
  std::sort(b.releasing.begin(), b.releasing.end());
  return b;
}

void release(pqxx::transaction_base& txn, const std::string& node_id, const std::vector<int>& shards) {
  for (int shard : shards)
    txn.exec_params(
        "UPDATE cluster_shards SET owner = NULL, lease_until = NULL, releasing = false WHERE owner = $1 AND shard = "
        "$2 AND releasing",
        node_id, shard);
}

std::vector<owner_row> owners(pqxx::transaction_base& txn) {
  std::vector<owner_row> out;
  for (const auto& r :
       txn.exec("SELECT s.shard, s.owner, COALESCE(n.caf_host, ''), COALESCE(n.caf_port, 0) FROM cluster_shards s JOIN "
                "cluster_nodes n ON n.node_id = s.owner WHERE s.lease_until >= now() AND n.status IN ('active', "
                "'suspected', 'draining') ORDER BY s.shard"))
    out.push_back({r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>()});
  return out;
}

std::vector<std::string> member_nodes(pqxx::transaction_base& txn) {
  std::vector<std::string> out;
  for (const auto& r : txn.exec("SELECT caf_node FROM cluster_nodes WHERE status IN ('active', 'suspected', "
                                "'draining') AND caf_node IS NOT NULL"))
    out.push_back(r[0].as<std::string>());
  return out;
}

std::vector<owner_row> live_nodes(pqxx::transaction_base& txn) {
  std::vector<owner_row> out;
  for (const auto& r :
       txn.exec("SELECT node_id, COALESCE(caf_host, ''), COALESCE(caf_port, 0) FROM cluster_nodes WHERE "
                "status IN ('active', 'suspected', 'draining') ORDER BY node_id"))
    out.push_back({-1, r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int>()});
  return out;
}

void leave(pqxx::transaction_base& txn, const std::string& node_id) {
  txn.exec_params(
      "UPDATE cluster_nodes SET status = 'left', status_changed_at = now() WHERE node_id = $1 AND status <> 'dead'",
      node_id);
  txn.exec_params("UPDATE cluster_shards SET owner = NULL, lease_until = NULL, releasing = false WHERE owner = $1",
                  node_id);
}

bool try_coordinate_lock(pqxx::transaction_base& txn) {
  return txn.exec_params("SELECT pg_try_advisory_lock($1::bigint)", coordinator_lock)[0][0].as<bool>();
}

json coordinate(pqxx::transaction_base& txn, const membership_options& o, double previous_beat_s) {
  json changes = {{"suspected", json::array()}, {"dead", json::array()}, {"granted", 0}, {"releasing", 0}};
  txn.exec_params(
      "INSERT INTO cluster_shards (shard) SELECT g FROM generate_series(0, $1::int - 1) g ON CONFLICT DO NOTHING",
      o.shards);
  // Every restart is a new node id (hostname-pid by default): forget finished ones after a week.
  txn.exec(
      "DELETE FROM cluster_nodes WHERE status IN ('dead', 'left') AND status_changed_at < now() - interval '7 days'");
  // Heartbeat age decides: active -> suspected -> dead (draining nodes die the same way).
  // Age is counted up to this node's own previous beat when that is older than a
  // period: after the database was unreachable, nobody could beat, and the others
  // are judged by what they did while this node could (not declared dead together).
  for (const auto& r : txn.exec_params(
           "WITH t AS (SELECT LEAST(now(), COALESCE(to_timestamp(NULLIF($3::float8, 0)) + $4::interval, now())) AS "
           "at) UPDATE cluster_nodes SET status = CASE WHEN heartbeat_at < (SELECT at FROM t) - $2::interval THEN "
           "'dead' ELSE 'suspected' END, status_changed_at = now() WHERE status IN ('active', 'suspected', "
           "'draining') AND heartbeat_at < (SELECT at FROM t) - $1::interval AND (status <> 'suspected' OR "
           "heartbeat_at < (SELECT at FROM t) - $2::interval) RETURNING node_id, status",
           interval(o.suspect_after), interval(o.dead_after), previous_beat_s, interval(o.heartbeat))) {
    changes[r[1].as<std::string>()].push_back(r[0].as<std::string>());
    log::warn("cluster node status changed", {{"node", r[0].as<std::string>()}, {"status", r[1].as<std::string>()}});
  }

  // Shard counts of the nodes that may take shards (active; suspected ones keep theirs but get none).
  std::map<std::string, int> load;
  for (const auto& r : txn.exec("SELECT node_id FROM cluster_nodes WHERE status = 'active'"))
    load[r[0].as<std::string>()] = 0;
  if (load.empty())
    return changes;
  std::map<std::string, std::vector<int>> keeps;  // shards a node holds and was not asked to release
  for (const auto& r :
       txn.exec("SELECT owner, shard, releasing FROM cluster_shards WHERE owner IS NOT NULL AND lease_until >= now() "
                "ORDER BY shard")) {
    auto owner = r[0].as<std::string>();
    if (auto it = load.find(owner); it != load.end()) {
      ++it->second;
      if (!r[2].as<bool>())
        keeps[owner].push_back(r[1].as<int>());
    }
  }
  auto least = [&load] {
    return std::min_element(load.begin(), load.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  };
  // Grant free shards: never released or expired (never while a live lease exists).
  for (const auto& r : txn.exec("SELECT shard FROM cluster_shards WHERE owner IS NULL OR lease_until IS NULL OR "
                                "lease_until < now() ORDER BY shard FOR UPDATE")) {
    auto to = least();
    auto shard = r[0].as<int>();
    auto g = txn.exec_params(
        "UPDATE cluster_shards SET owner = $2, epoch = epoch + 1, lease_until = now() + $3::interval, releasing = "
        "false, granted_at = now() WHERE shard = $1 AND (owner IS NULL OR lease_until IS NULL OR lease_until < "
        "now()) RETURNING epoch",
        shard, to->first, interval(o.lease));
    if (g.empty())
      continue;
    ++to->second;
    changes["granted"] = changes["granted"].get<int>() + 1;
    log::info("shard granted", {{"shard", shard}, {"node", to->first}, {"epoch", g[0][0].as<int64_t>()}});
  }
  // Balance: a node above its fair share releases the excess while a node is below it.
  auto total = 0;
  for (auto& [n, c] : load)
    total += c;
  auto nodes_n = static_cast<int>(load.size());
  auto floor_share = total / nodes_n;
  auto ceil_share = (total + nodes_n - 1) / nodes_n;
  int deficit = 0;
  for (auto& [n, c] : load)
    deficit += std::max(0, floor_share - c);
  // Shards already on their way (released, not yet granted) count against the deficit.
  for (auto& [n, c] : load)
    deficit -= c - static_cast<int>(keeps[n].size());
  std::vector<int> release;
  for (auto& [n, c] : load) {
    if (deficit <= 0)
      break;
    auto& mine = keeps[n];
    int keeping = static_cast<int>(mine.size());
    int excess = std::max(0, keeping - ceil_share);
    if (excess == 0 && keeping > floor_share)
      excess = keeping - floor_share;
    excess = std::min({excess, deficit, keeping});
    for (int i = 0; i < excess; ++i)
      release.push_back(mine[mine.size() - 1 - static_cast<size_t>(i)]);
    deficit -= excess;
  }
  // Draining nodes release everything.
  for (const auto& r :
       txn.exec("SELECT s.shard FROM cluster_shards s JOIN cluster_nodes n ON n.node_id = s.owner WHERE n.status = "
                "'draining' AND NOT s.releasing"))
    release.push_back(r[0].as<int>());
  for (int shard : release)
    txn.exec_params("UPDATE cluster_shards SET releasing = true WHERE shard = $1", shard);
  changes["releasing"] = release.size();
  return changes;
}

json drain(pqxx::transaction_base& txn, const std::string& node_id) {
  auto r = txn.exec_params("SELECT status FROM cluster_nodes WHERE node_id = $1 FOR UPDATE", node_id);
  if (r.empty())
    return nullptr;
  auto status = r[0][0].as<std::string>();
  if (status == "dead" || status == "left")
    throw make_error(errc::conflict, "node " + node_id + " is " + status + ": there is nothing to drain");
  auto others =
      txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1", node_id)[0][0]
          .as<int>();
  if (others == 0)
    throw make_error(errc::conflict, "node " + node_id + " is the only active node: nobody could take its shards");
  txn.exec_params(
      "UPDATE cluster_nodes SET status = 'draining', status_changed_at = CASE WHEN status = 'draining' THEN "
      "status_changed_at ELSE now() END WHERE node_id = $1",
      node_id);
  for (auto& n : nodes(txn))
    if (n["node_id"] == node_id)
      return n;
  return nullptr;
}

json nodes(pqxx::transaction_base& txn) {
  // The coordinator is the session holding the advisory lock; membership
  // connections carry the node id in their application_name.
  static const std::string sql = std::string(R"(
    SELECT json_build_object(
      'node_id', n.node_id, 'http_url', n.http_url, 'status', n.status,
      'started_at', )") + HH_SQL_ISO("n.started_at") +
                                 ", 'heartbeat_at', " + HH_SQL_ISO("n.heartbeat_at") + R"(,
      'heartbeat_age_ms', (extract(epoch FROM now() - n.heartbeat_at) * 1000)::bigint,
      'uptime_s', (extract(epoch FROM n.heartbeat_at - n.started_at))::bigint,
      'shards', (SELECT count(*) FROM cluster_shards s WHERE s.owner = n.node_id AND s.lease_until >= now()),
      'coordinator', n.status IN ('active', 'suspected', 'draining') AND EXISTS (
          SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted
            AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint
            AND a.application_name = 'hirehub-membership:' || n.node_id),
      'load', n.load)::text
    FROM cluster_nodes n
    WHERE n.status NOT IN ('dead', 'left') OR n.status_changed_at > now() - interval '1 day'
    ORDER BY n.status IN ('dead', 'left'), n.started_at, n.node_id)";
  json out = json::array();
  for (const auto& row : txn.exec_params(sql, coordinator_lock))
    out.push_back(json::parse(row[0].as<std::string>()));
  return out;
}

json shard_map(pqxx::transaction_base& txn) {
  static const std::string sql =
      std::string(
          "SELECT json_build_object('shard', shard, 'owner', CASE WHEN lease_until >= now() THEN owner END, "
          "'epoch', epoch, 'lease_until', ") +
      HH_SQL_ISO("lease_until") + ", 'releasing', releasing)::text FROM cluster_shards ORDER BY shard";
  json out = json::array();
  for (const auto& r : txn.exec(sql))
    out.push_back(json::parse(r[0].as<std::string>()));
  return out;
}

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
  std::shared_ptr<pqxx::connection> conn;
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

/// The liveness check above finds a node's session by this application_name.
std::string session_name(const std::string& node_id) {
  return "hirehub-membership:" + node_id;
}

void open(membership_state& s) {
  if (s.conn && s.conn->is_open())
    return;
  s.coordinator = false;
  s.conn = persistence::connect(s.opts.db_url, session_name(s.opts.node_id));
}

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
  self->request(peer_middleman(self->system()), std::chrono::seconds(3), caf::connect_atom::value,
                o.caf_host, static_cast<uint16_t>(o.caf_port))
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
    open(s);
    refresh_load(self);
    json load = {{"entities", s.entities}};
    auto beat_once = [&] {
      pqxx::work txn{*s.conn};
      auto b = heartbeat(txn, s.opts, load);
      txn.commit();
      return b;
    };
    auto b = beat_once();
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
      pqxx::work txn{*s.conn};
      bool was = s.coordinator;
      s.coordinator = try_coordinate_lock(txn);
      json changes;
      if (s.coordinator) {
        if (!was)
          log::info("this node coordinates the cluster", {{"node", s.opts.node_id}});
        changes = coordinate(txn, s.opts, b.previous_beat_s);
      }
      txn.commit();
      if (s.coordinator && changes.value("granted", 0) > 0)
        b = beat_once();  // shards granted just now (maybe to this node) take effect without waiting a period
    }
    coord_gauge.set(s.coordinator ? 1 : 0);
    if (b.owned != s.owned) {
      log::info("shard leases changed", {{"node", s.opts.node_id}, {"shards", b.owned.size()}});
      s.owned = b.owned;
    }
    owned_gauge.set(static_cast<int64_t>(s.owned.size()));
    std::vector<owner_row> rows;
    std::vector<std::string> members;
    {
      pqxx::read_transaction txn{*s.conn};
      rows = owners(txn);
      s.last_live = live_nodes(txn);
      members = member_nodes(txn);
    }
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
    if (!s.draining.empty()) {
      pqxx::read_transaction txn{*s.conn};
      nobody_left = txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1",
                                    s.opts.node_id)[0][0]
                        .as<int>() == 0;
    }
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
    s.conn.reset();
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
    open(s);
    pqxx::read_transaction txn{*s.conn};
    auto r = txn.exec_params(
        "SELECT status, COALESCE(caf_host, ''), COALESCE(caf_port, 0) FROM cluster_nodes WHERE node_id = $1", node);
    if (r.empty())
      return make_error(errc::not_found, "no node with this id");
    auto status = r[0][0].as<std::string>();
    if (status == "dead" || status == "left")
      return make_error(errc::conflict, "node " + node + " is " + status);
    where = {-1, node, r[0][1].as<std::string>(), r[0][2].as<int>()};
  } catch (const std::exception& e) {
    s.conn.reset();
    log::warn("cannot read a node's address", {{"node", node}, {"error", e.what()}});
    return make_error(errc::unavailable, "the cluster's database is unreachable; retry");
  }
  if (auto in = ingress_of(self, where)) {
    self->delegate(in, xs...);
    return caf::delegated<std::string>{};
  }
  // One connection per pair of nodes (connects_to): none made here.
  return make_error(errc::unavailable, "not connected to node " + node + " yet; retry");
}

caf::behavior membership_impl(membership_actor* self, membership_options o, std::function<void()> on_dead,
                              std::shared_ptr<pqxx::connection> registered) {
  auto& s = self->state;
  s.opts = std::move(o);
  s.on_dead = std::move(on_dead);
  s.conn = std::move(registered);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& s = self->state;
    if (msg.reason == caf::exit_reason::user_shutdown && !s.dead) {
      try {
        open(s);
        pqxx::work txn{*s.conn};
        leave(txn, s.opts.node_id);
        txn.commit();
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
          open(s);
          pqxx::work txn{*s.conn};
          release(txn, s.opts.node_id, shards);
          txn.commit();
          if (auto registry = local(self, "registry"))
            self->send(registry, release_atom::value, shards, true);
          log::info("shards handed back", {{"node", s.opts.node_id}, {"shards", shards.size()}});
        } catch (const std::exception& e) {
          log::warn("could not hand shards back; the next beat asks again", {{"error", e.what()}});
          s.conn.reset();
        }
      },
      // The node stops: move its shards to the others first (answered `true` when
      // done; at once when no other node is active).
      [self](close_atom) -> caf::result<bool> {
        auto& s = self->state;
        try {
          open(s);
          pqxx::work txn{*s.conn};
          auto others = txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1",
                                        s.opts.node_id)[0][0]
                            .as<int>();
          if (others == 0 || s.owned.empty())
            return true;
          drain(txn, s.opts.node_id);
          txn.commit();
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
          open(s);
          pqxx::read_transaction txn{*s.conn};
          auto members = member_nodes(txn);
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
  std::shared_ptr<pqxx::connection> conn = persistence::connect(o.db_url, session_name(o.node_id));
  {
    pqxx::work txn{*conn};
    register_node(txn, o);
    txn.commit();
  }
  log::info("joined the cluster", {{"node", o.node_id}, {"http_url", o.http_url}});
  return sys.spawn<caf::detached>(membership_impl, std::move(o), std::move(on_declared_dead), std::move(conn));
}

}  // namespace hirehub::cluster
