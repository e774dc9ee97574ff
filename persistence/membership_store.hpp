#pragma once
/// Cluster membership and shard leases in PostgreSQL (see cluster/membership.hpp for
/// the protocol): the SQL of the membership actor, behind a store that owns the
/// node's membership connection (named `hirehub-membership:<node id>`, which is how
/// the admin view tells the coordinator), and the admin views as db pool tasks.
/// Every store call is its own transaction and throws std::exception when the
/// database fails; `drop()` forgets the connection (and the coordinator's lock,
/// which lives on its session).

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"

namespace hirehub::persistence {

struct membership_settings {
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

struct beat {
  std::string status;          ///< this node's status after the beat; "dead" when it was declared dead
  std::vector<int> owned;      ///< shards leased to this node (renewed)
  std::vector<int> releasing;  ///< of those, the ones the coordinator asked this node to hand back
  double previous_beat_s = 0;  ///< this node's beat before this one (epoch seconds; 0: none)
};

/// A shard's owner with a valid lease and where its ingress listens (shard -1: a
/// live node, whatever it owns).
struct owner_row {
  int shard = 0;
  std::string node_id, caf_host;
  int caf_port = 0;
};

/// What a beat reads after it: the owners, the live nodes, the members' CAF node ids.
struct cluster_view {
  std::vector<owner_row> owners;
  std::vector<owner_row> live;
  std::vector<std::string> members;
};

/// One node's status and where its ingress listens.
struct node_address {
  std::string status;
  std::string caf_host;
  int caf_port = 0;
};

class membership_store {
 public:
  explicit membership_store(membership_settings s);
  ~membership_store();
  membership_store(const membership_store&) = delete;
  membership_store& operator=(const membership_store&) = delete;

  /// Registers this node incarnation. Throws join_refused when a live node uses
  /// the id. Shards still leased to an earlier incarnation of the id are released.
  void register_node();

  /// Heart-beats and renews this node's unexpired leases. A suspected node
  /// becomes active again; a dead one stays dead.
  beat heartbeat(const nlohmann::json& load);

  /// Takes (or keeps) the coordinator's lock on this connection's session and, while
  /// holding it, runs one round: creates missing shard rows, marks nodes suspected or
  /// dead, grants free shards, asks for releases to balance. Returns whether this node
  /// coordinates and what changed ({"suspected": [...], "dead": [...], "granted": n,
  /// "releasing": n}; null when not coordinating). `previous_beat_s`: this node's beat
  /// before this round; heartbeats are aged up to one period after it, so after the
  /// database was out of reach for everyone, nobody is declared dead for that silence.
  std::pair<bool, nlohmann::json> coordinate(double previous_beat_s);

  cluster_view view();

  /// Whether another node is active (one that could take this node's shards).
  bool others_active();

  /// A node's status and address; nullopt when there is no such node.
  std::optional<node_address> address_of(const std::string& node_id);

  /// Hands back shards the coordinator asked for (after their entities stopped here).
  void release(const std::vector<int>& shards);

  /// This node leaves: status `left`, its shards released at once.
  void leave();

  /// This node stops: marks it draining so that the coordinator moves its shards,
  /// unless no other node is active (false: nobody could take them). Throws conflict
  /// when it is dead or left already.
  bool drain_self();

  /// Forgets the connection after a failure (the next call connects again).
  void drop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// ---- the admin views, as tasks for the db pool ------------------------------------

/// {"items": [...]}: the live nodes and those that died or left in the last day, with
/// status, heartbeat age, uptime, shards, coordinator and load.
db_fn nodes_query();
/// {"items": [...]}: every shard with its owner (valid lease), epoch, lease, releasing.
db_fn shard_map_query();
/// Marks a node draining and answers its row (wakes the relay: nothing written there,
/// but the caller wants the commit first). not_found for no such node; conflict for a
/// node that is dead or left, or the last active one.
db_fn drain_command(std::string node_id);
/// The admin console's frame body: nodes, shards, dead letters, the database's time.
db_fn console_snapshot_query();

}  // namespace hirehub::persistence
