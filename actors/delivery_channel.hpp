#pragma once
/// The e-mail, push and SMS channels: one detached actor per channel that
/// delivers the channel's pending notifications.
///
/// Each round it claims due rows (PostgreSQL, SKIP LOCKED, with a lease), takes
/// a token from the channel's rate limit per message, sends it with the channel's
/// adapter (delivery_senders) and records what delivery_core judged: sent (or
/// delivered), retried with back-off up to `max_attempts`, or failed (the dead
/// letter). A crash between sending and marking re-sends after the lease with the
/// same Message-ID / Idempotency-Key, so the provider can drop the repeat.
///
/// Messages: `kick_atom` (new rows were stored: run a round now); rounds also
/// run every `poll`.

#include <chrono>
#include <string>

#include <caf/fwd.hpp>

namespace hirehub::notification {

struct channel_options {
  std::string channel;  ///< email, push, sms
  std::string db_url;
  std::string endpoint;  ///< SMTP URL or HTTP URL
  std::string from;      ///< email: the From header and envelope sender
  std::string username;  ///< email: SMTP AUTH (optional)
  std::string password;
  std::string api_key;  ///< push/sms: sent as "Authorization: Bearer <key>" (optional)
  double rate_per_sec = 10;
  int max_attempts = 5;
  int batch = 50;  ///< rows claimed per round; batch x send_timeout stays under the lease
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_max{300000};
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds lease{60000};
  std::chrono::milliseconds send_timeout{10000};
};

caf::actor spawn_delivery_channel(caf::actor_system& sys, channel_options opts);

}  // namespace hirehub::notification
