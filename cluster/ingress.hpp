#pragma once
/// The node's ingress: the one actor each node publishes on its CAF middleman
/// port. Other nodes send it commands for entities of shards this node holds,
/// `(forward_atom, kind, id, fresh, cmd, hops)`, which it delegates to the
/// local entity registry (the entity answers the original caller across the
/// nodes), and live-update frames of entities living elsewhere,
/// `(publish_atom, topic, seq, frame, from_peer)`, which it hands to the local
/// hub. It stays the same while the registry and hub are restarted, so the
/// handle other nodes hold remains valid.
///
/// For the admin API it answers `tree_atom` with this node's actor tree,
/// {"node_id", "root": the root supervisor's tree, "system": actors outside it}
/// as a JSON string, and `(stop_atom, actor_id)` by asking the root supervisor
/// to stop that actor (see spawn_supervisor). The root supervisor is found in
/// the actor system registry as "node".

#include <string>

#include <caf/fwd.hpp>

namespace hirehub::cluster {

caf::actor spawn_ingress(caf::actor_system& sys, std::string node_id);

}  // namespace hirehub::cluster
