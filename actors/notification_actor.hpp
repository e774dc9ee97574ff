#pragma once
/// Notifications: a dispatcher that consumes application events from Kafka
/// (through a kafka_consumer) and one actor per channel.
///
/// The dispatcher answers `(batch_atom, std::vector<kafka_record>)`: for each
/// event it finds the recipient (application.submitted: the job's company;
/// application.status_changed: the applicant), renders the templates of each
/// channel, and hands the drafts to the channel actors. It answers once every
/// channel has stored its part, so the consumer commits offsets only then.
///
/// The in_app channel stores notifications (at most one per event, user and
/// channel: redelivery stores nothing and pushes nothing) and pushes each new one
/// to the hub topic "notifications:<user_id>". A status change that changes
/// nothing produces no event, hence no notification.

#include <chrono>

#include <caf/fwd.hpp>

namespace hirehub::notification {

struct options {
  std::chrono::milliseconds call_timeout{10000};
};

/// The in_app channel actor: `(store_notif_atom, std::vector<notification_draft>)` -> unit.
caf::actor spawn_in_app_channel(caf::actor_system& sys, options opts);

/// The dispatcher; `channels` are looked up by name ("in_app") in the system registry.
caf::actor spawn_dispatcher(caf::actor_system& sys, options opts);

/// The WebSocket frame for a stored notification.
std::string notification_frame(int64_t seq, const std::string& json);

}  // namespace hirehub::notification
