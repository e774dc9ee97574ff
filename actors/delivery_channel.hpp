#pragma once
/// The e-mail, push and SMS channels: one detached actor per channel that
/// delivers the channel's pending notifications.
///
/// Each round it claims due rows (PostgreSQL, SKIP LOCKED, with a lease), takes
/// a token from the channel's rate limit per message, and sends:
///   email: SMTP to `endpoint` (smtp:// or smtps://, libcurl), Message-ID fixed
///          per notification;
///   push:  HTTP POST of {notification_id, tokens, title, body, data} to the
///          push gateway, Idempotency-Key = notification id;
///   sms:   HTTP POST of {notification_id, to, text} to the SMS provider, same key.
/// Outcome: sent (or delivered when the provider says so); a temporary failure
/// (network, timeout, SMTP 4xx, HTTP 429/5xx) backs off exponentially and is
/// retried up to `max_attempts`, then the row is `failed` (the dead letter);
/// a permanent refusal (SMTP 5xx, other HTTP 4xx, no address) fails at once.
/// A crash between sending and marking re-sends after the lease with the same
/// Message-ID / Idempotency-Key, so the provider can drop the repeat.
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
