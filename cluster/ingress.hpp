#pragma once
/// The node's ingress: the one actor each node publishes on its CAF middleman
/// port. Other nodes send it commands for entities of shards this node holds,
/// `(forward_atom, kind, id, fresh, cmd, hops)`, which it delegates to the
/// local entity registry (the entity answers the original caller across the
/// nodes), and live-update frames of entities living elsewhere,
/// `(publish_atom, topic, seq, frame, from_peer)`, which it hands to the local
/// hub. It stays the same while the registry and hub are restarted, so the
/// handle other nodes hold remains valid.

#include <caf/fwd.hpp>

namespace hirehub::cluster {

caf::actor spawn_ingress(caf::actor_system& sys);

}  // namespace hirehub::cluster
