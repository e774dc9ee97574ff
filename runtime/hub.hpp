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

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <caf/fwd.hpp>

namespace hirehub {

/// Which hub topics someone watches on this node, readable from any thread, so a
/// publisher builds a frame only when it can be seen. A session counts its topic
/// in before it sends its subscribe (so a publisher that runs after the session
/// read the state it resumes from sees the count); the hub counts it out when the
/// subscription ends (unsubscribe, a repeated subscribe, the session ends). With
/// other nodes in the cluster every topic counts as watched (their sessions are
/// not counted here).
class hub_watch {
 public:
  void add(const std::string& topic);
  void remove(const std::string& topic);
  /// A frame for `topic` may be seen: a session here watches it, or there are peers.
  bool wanted(const std::string& topic) const;
  void set_peers(bool any);
  size_t topics() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, int> counts_;
  std::atomic<bool> peers_{false};
};

/// The node's hub; `watch` (may be null) is kept in step with its subscriptions.
caf::actor spawn_hub(caf::actor_system& sys, std::shared_ptr<hub_watch> watch = nullptr);

/// Tells the other nodes that `what` (`id`) changed in PostgreSQL (fire and forget).
void tell_peers(caf::actor_system& sys, const std::string& what, const std::string& id);

}  // namespace hirehub
