#pragma once
/// The live-update hub of one node: topic -> subscribed WebSocket session actors.
///
/// Publishers send `(publish_atom, topic, seq, frame_json)`; the hub forwards it
/// as `(frame_atom, topic, seq, frame_json)` to every session subscribed to the
/// topic. Sessions send `(subscribe_atom, topic, session)` and
/// `(unsubscribe_atom, topic, session)`; a session that ends is dropped
/// (monitored). Topics: "application:<id>", "notifications:<user_id>".
/// The hub keeps no history: catch-up (after_seq) reads the journal.
/// `(stats_atom, topic)` answers how many sessions watch the topic.
/// In a cluster the membership sends `(peers_atom, std::vector<caf::actor>)`,
/// the other nodes' ingresses: a frame published here also goes to them as
/// `(publish_atom, topic, seq, frame, true)`, which their hubs fan out to their
/// own sessions only (one connection per pair of nodes keeps the order).

///
/// The same peer connections carry cluster notices, `(reload_atom, what, id)`:
/// "something changed in PostgreSQL, reload it" for state each node caches —
/// "rag" (a resume's chunks in the vector index), "templates" (notification
/// templates). The hub passes a notice published here to every peer's ingress,
/// which hands it to its node's actor; a node that misses one (not connected at
/// that moment) catches up when it restarts and rebuilds from PostgreSQL.

#include <string>

#include <caf/fwd.hpp>

namespace hirehub {

caf::actor spawn_hub(caf::actor_system& sys);

/// Tells the other nodes that `what` (`id`) changed in PostgreSQL (fire and forget).
void tell_peers(caf::actor_system& sys, const std::string& what, const std::string& id);

}  // namespace hirehub
