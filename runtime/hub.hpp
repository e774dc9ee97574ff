#pragma once
/// The live-update hub of one node: topic -> subscribed WebSocket session actors.
///
/// Publishers send `(publish_atom, topic, seq, frame_json)`; the hub forwards it
/// as `(frame_atom, topic, seq, frame_json)` to every session subscribed to the
/// topic. Sessions send `(subscribe_atom, topic, session)` and
/// `(unsubscribe_atom, topic, session)`; a session that ends is dropped
/// (monitored). Topics: "application:<id>", "notifications:<user_id>".
/// The hub keeps no history: catch-up (after_seq) reads the journal.

#include <caf/fwd.hpp>

namespace hirehub {

caf::actor spawn_hub(caf::actor_system& sys);

}  // namespace hirehub
