#pragma once
/// Cluster membership and shard leases in PostgreSQL (the way Orleans' SQL
/// clustering does it); the SQL is persistence/membership_store.
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
#include "persistence/membership_store.hpp"

namespace hirehub::cluster {

/// The membership's settings (the store's: persistence/membership_store.hpp).
using membership_options = persistence::membership_settings;
using persistence::join_refused;
using persistence::owner_row;

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
