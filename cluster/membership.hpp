#pragma once
/// Cluster membership and shard leases in PostgreSQL (the way Orleans' SQL
/// clustering does it).
///
/// Every node registers a row in `cluster_nodes` and heart-beats it; a node
/// whose heartbeat is older than `suspect_after` is suspected, older than
/// `dead_after` dead. Entities map to `shards` shards by a stable hash
/// (`shard_of`); each shard is leased to one live node with an epoch that grows
/// with every grant. The owner renews its leases with its heartbeat. One
/// coordinator (whoever holds a PostgreSQL advisory lock on its membership
/// connection; re-chosen when that connection dies) marks nodes suspected and
/// dead, grants shards whose lease expired or was released to the live node
/// with the fewest, and balances: it asks owners above their fair share (and
/// draining nodes) to release shards, which they do on their next heartbeat.
/// A shard is never granted while an unexpired lease on it exists, so two live
/// owners of one shard cannot overlap; the journal's unique (entity, seq)
/// stays the fence for entities that a paused ex-owner still holds in memory.
///
/// All times are PostgreSQL's `now()`: the nodes' clocks never matter.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/fwd.hpp>
#include <nlohmann/json_fwd.hpp>

#include "cluster/shard.hpp"

namespace pqxx {
class transaction_base;
}

namespace hirehub::cluster {

struct membership_options {
  std::string db_url;
  std::string node_id;
  std::string http_url;  ///< where other nodes and operators reach this node's HTTP API
  std::string caf_host;  ///< CAF middleman address (empty: not published yet)
  int caf_port = 0;
  std::string caf_node;  ///< this process's CAF node id: the ingresses of the others take commands from it
  int shards = 64;
  std::chrono::milliseconds heartbeat{250};
  std::chrono::milliseconds suspect_after{1000};
  std::chrono::milliseconds dead_after{2000};
  std::chrono::milliseconds lease{2000};
};

/// Why a node may not join.
struct join_refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- SQL, each in the caller's transaction (tested against PostgreSQL) ---------

/// Registers this node incarnation. Throws join_refused when a live node uses
/// the id. Shards still leased to an earlier incarnation of the id are released.
void register_node(pqxx::transaction_base& txn, const membership_options& o);

struct beat {
  std::string status;          ///< this node's status after the beat; "dead" when it was declared dead
  std::vector<int> owned;      ///< shards leased to this node (renewed)
  std::vector<int> releasing;  ///< of those, the ones the coordinator asked this node to hand back
  double previous_beat_s = 0;  ///< this node's beat before this one (epoch seconds; 0: none)
};
/// Heart-beats and renews this node's unexpired leases. A suspected node
/// becomes active again; a dead one stays dead.
beat heartbeat(pqxx::transaction_base& txn, const membership_options& o, const nlohmann::json& load);

/// Hands back shards the coordinator asked for (after their entities stopped here).
void release(pqxx::transaction_base& txn, const std::string& node_id, const std::vector<int>& shards);

/// The CAF node ids of the live members (active, suspected, draining).
std::vector<std::string> member_nodes(pqxx::transaction_base& txn);

/// The owners of the shards with a valid lease, and where their ingress listens.
struct owner_row {
  int shard = 0;
  std::string node_id, caf_host;
  int caf_port = 0;
};
std::vector<owner_row> owners(pqxx::transaction_base& txn);

/// This node leaves: status `left`, its shards released at once.
void leave(pqxx::transaction_base& txn, const std::string& node_id);

/// One round of the coordinator: creates missing shard rows, marks nodes
/// suspected or dead, grants free shards, asks for releases to balance.
/// Returns what it changed ({"suspected": [...], "dead": [...], "granted": n, "releasing": n}).
/// `previous_beat_s`: the coordinator's own beat before this round (beat::previous_beat_s);
/// heartbeats are aged up to one period after it, so after the database was out
/// of reach for everyone, nobody is declared dead for the silence it caused.
nlohmann::json coordinate(pqxx::transaction_base& txn, const membership_options& o, double previous_beat_s = 0);

/// Tries to become (or stay) the coordinator on this connection's session.
bool try_coordinate_lock(pqxx::transaction_base& txn);

/// Marks a node draining. Returns its row, or null when there is no such node;
/// throws conflict for a node that is dead or left, or the last active one.
nlohmann::json drain(pqxx::transaction_base& txn, const std::string& node_id);

/// Admin views. `nodes`: the live ones and those that died or left in the last
/// day (the coordinator deletes finished nodes after a week).
nlohmann::json nodes(pqxx::transaction_base& txn);
nlohmann::json shard_map(pqxx::transaction_base& txn);

// ---- the actor ------------------------------------------------------------------

/// Spawns the detached membership actor (its own PostgreSQL connection, named
/// `hirehub-membership:<node id>` so the admin view can tell the coordinator).
/// It registers the node (throws join_refused before spawning when it may not),
/// beats every `heartbeat`, coordinates when it holds the lock, and on
/// `caf::exit_reason::user_shutdown` leaves the cluster. `on_declared_dead`
/// runs (once) when the cluster declared this node dead: the node must stop.
///
/// After every beat it tells the local entity registry where the shards are
/// (`placement_atom`: the ones leased here, and the other owners' ingresses,
/// connected through the middleman) and the hub which peers to send frames to;
/// shards the coordinator wants back are first released by the registry (their
/// entities stop), then handed back. When the beats fail for 3/4 of a lease
/// the registry is told that this node holds nothing, so its entities stop
/// before the lease can be granted to another node.
caf::actor spawn_membership(caf::actor_system& sys, membership_options o, std::function<void()> on_declared_dead);

}  // namespace hirehub::cluster
