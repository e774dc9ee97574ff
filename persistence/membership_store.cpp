#include "persistence/membership_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <pqxx/pqxx>

#include "domain/errors.hpp"
#include "persistence/db.hpp"
#include "runtime/errors.hpp"
#include "runtime/log.hpp"

namespace hirehub::persistence {

using nlohmann::json;

namespace {

/// The advisory lock whose holder coordinates ("HireHub" + 1).
constexpr int64_t coordinator_lock = 0x4869726548756201;

std::string interval(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " milliseconds";
}

void register_node_sql(pqxx::transaction_base& txn, const membership_settings& o) {
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

beat heartbeat_sql(pqxx::transaction_base& txn, const membership_settings& o, const json& load) {
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

void release_sql(pqxx::transaction_base& txn, const std::string& node_id, const std::vector<int>& shards) {
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

void leave_sql(pqxx::transaction_base& txn, const std::string& node_id) {
  txn.exec_params(
      "UPDATE cluster_nodes SET status = 'left', status_changed_at = now() WHERE node_id = $1 AND status <> 'dead'",
      node_id);
  txn.exec_params("UPDATE cluster_shards SET owner = NULL, lease_until = NULL, releasing = false WHERE owner = $1",
                  node_id);
}

bool try_coordinate_lock(pqxx::transaction_base& txn) {
  return txn.exec_params("SELECT pg_try_advisory_lock($1::bigint)", coordinator_lock)[0][0].as<bool>();
}

json coordinate_sql(pqxx::transaction_base& txn, const membership_settings& o, double previous_beat_s) {
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

json nodes(pqxx::transaction_base& txn);

json drain(pqxx::transaction_base& txn, const std::string& node_id) {
  auto r = txn.exec_params("SELECT status FROM cluster_nodes WHERE node_id = $1 FOR UPDATE", node_id);
  if (r.empty())
    return nullptr;
  auto status = r[0][0].as<std::string>();
  if (status == "dead" || status == "left")
    throw make_error(cluster_errc::refused_drain, "node " + node_id + " is " + status + ": there is nothing to drain");
  auto others =
      txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1", node_id)[0][0]
          .as<int>();
  if (others == 0)
    throw make_error(cluster_errc::refused_drain,
                     "node " + node_id + " is the only active node: nobody could take its shards");
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

}  // namespace

// ---- the store --------------------------------------------------------------------

struct membership_store::impl {
  membership_settings opts;
  std::shared_ptr<pqxx::connection> conn;

  pqxx::connection& open() {
    if (!conn || !conn->is_open()) {
      conn = connect(opts.db_url, "hirehub-membership:" + opts.node_id);
      // A node that stops beating (paused, frozen) must not keep the coordinator's
      // lock on a session that is still open: the server ends a session idle for
      // dead_after, the lock goes with it, and another node coordinates (and
      // declares the silent one dead). A node that beats is never idle that long.
      conn->set_variable("idle_session_timeout", std::to_string(opts.dead_after.count()));
    }
    return *conn;
  }
};

membership_store::membership_store(membership_settings s) : impl_(std::make_unique<impl>()) {
  impl_->opts = std::move(s);
}

membership_store::~membership_store() = default;

void membership_store::register_node() {
  pqxx::work txn{impl_->open()};
  register_node_sql(txn, impl_->opts);
  txn.commit();
}

beat membership_store::heartbeat(const json& load) {
  pqxx::work txn{impl_->open()};
  auto b = heartbeat_sql(txn, impl_->opts, load);
  txn.commit();
  return b;
}

std::pair<bool, json> membership_store::coordinate(double previous_beat_s) {
  pqxx::work txn{impl_->open()};
  bool holding = try_coordinate_lock(txn);
  json changes;
  if (holding)
    changes = coordinate_sql(txn, impl_->opts, previous_beat_s);
  txn.commit();
  return {holding, changes};
}

cluster_view membership_store::view() {
  pqxx::read_transaction txn{impl_->open()};
  return {owners(txn), live_nodes(txn), member_nodes(txn)};
}

bool membership_store::others_active() {
  pqxx::read_transaction txn{impl_->open()};
  return txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1",
                         impl_->opts.node_id)[0][0]
             .as<int>() > 0;
}

std::optional<node_address> membership_store::address_of(const std::string& node_id) {
  pqxx::read_transaction txn{impl_->open()};
  auto r = txn.exec_params(
      "SELECT status, COALESCE(caf_host, ''), COALESCE(caf_port, 0) FROM cluster_nodes WHERE node_id = $1", node_id);
  if (r.empty())
    return std::nullopt;
  return node_address{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<int>()};
}

void membership_store::release(const std::vector<int>& shards) {
  pqxx::work txn{impl_->open()};
  release_sql(txn, impl_->opts.node_id, shards);
  txn.commit();
}

void membership_store::leave() {
  pqxx::work txn{impl_->open()};
  leave_sql(txn, impl_->opts.node_id);
  txn.commit();
}

bool membership_store::drain_self() {
  pqxx::work txn{impl_->open()};
  if (txn.exec_params("SELECT count(*) FROM cluster_nodes WHERE status = 'active' AND node_id <> $1",
                      impl_->opts.node_id)[0][0]
          .as<int>() == 0)
    return false;
  drain(txn, impl_->opts.node_id);
  txn.commit();
  return true;
}

void membership_store::drop() {
  impl_->conn.reset();
}

// ---- the admin views --------------------------------------------------------------

db_fn nodes_query() {
  return [](pqxx::transaction_base& txn) { return reply({{"items", nodes(txn)}}); };
}

db_fn shard_map_query() {
  return [](pqxx::transaction_base& txn) { return reply({{"items", shard_map(txn)}}); };
}

db_fn drain_command(std::string node_id) {
  return [node_id = std::move(node_id)](pqxx::transaction_base& txn) {
    auto row = drain(txn, node_id);
    if (row.is_null())
      throw make_error(errc::not_found, "no node with this id");
    return reply(row, true);
  };
}

db_fn console_snapshot_query() {
  return [](pqxx::transaction_base& txn) {
    auto counts = txn.exec(
        "SELECT (SELECT count(*) FROM resumes WHERE status = 'error'), "
        "(SELECT count(*) FROM notifications WHERE status = 'failed'), "
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')");
    return reply(
        {{"nodes", nodes(txn)},
         {"shards", shard_map(txn)},
         {"dead_letters", {{"resumes", counts[0][0].as<int64_t>()}, {"notifications", counts[0][1].as<int64_t>()}}},
         {"at", counts[0][2].as<std::string>()}});
  };
}

}  // namespace hirehub::persistence
