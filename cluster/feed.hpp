#pragma once
/// The admin console's live view: while a WebSocket session on this node is
/// subscribed to the `cluster` topic (admins only; hub topic `admin:cluster`),
/// the feed publishes one frame per period to this node's sessions:
///
///   {"type": "cluster", "seq": <ms since the epoch>, "at": "<UTC time>",
///    "node_id": "<the node that sent it>",
///    "nodes": [...as GET /admin/api/nodes], "shards": [...as GET /admin/api/shards],
///    "actors": {"<node id>": <actor tree as GET /admin/api/nodes/{id}/actors> | {"error": "..."}},
///    "dead_letters": {"resumes": n, "notifications": n}}
///
/// Nothing is read while nobody watches. `kick_atom` publishes at once (a new
/// subscriber does not wait for the period).

#include <chrono>
#include <string>

#include <caf/fwd.hpp>

namespace hirehub::cluster {

/// The hub topic of the feed.
inline constexpr const char* feed_topic = "admin:cluster";

caf::actor spawn_feed(caf::actor_system& sys, std::chrono::milliseconds period, std::string node_id);

}  // namespace hirehub::cluster
