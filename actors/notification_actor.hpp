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
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace hirehub::notification {

struct options {
  std::chrono::milliseconds call_timeout{10000};
  std::vector<std::string> channels{"in_app"};  ///< enabled: in_app plus the configured email, push, sms
  std::string public_url;                       ///< prefix of links in templates
};

/// The in_app channel actor: `(publish_atom, std::vector<stored_notification>)`
/// pushes new inbox items to the users' live sessions.
caf::actor spawn_in_app_channel(caf::actor_system& sys, options opts);

/// The dispatcher: `(batch_atom, records)` -> unit once stored; `reload_atom`
/// re-reads the templates. Channel actors are found by name in the registry.
caf::actor spawn_dispatcher(caf::actor_system& sys, options opts);

/// The WebSocket frame for a stored notification.
std::string notification_frame(int64_t seq, const std::string& json);

}  // namespace hirehub::notification
