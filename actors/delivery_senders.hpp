#pragma once
/// Sender adapters of the delivery channels: each turns one stored notification
/// into its provider's wire format, sends it and reports what came back (an
/// `attempt`, judged by delivery_core). They keep no state between sends.
///   email: SMTP to `endpoint` (smtp:// or smtps://, libcurl), Message-ID fixed per
///          notification;
///   push:  HTTP POST of {notification_id, tokens, title, body, data} to the push
///          gateway, Idempotency-Key = notification id;
///   sms:   HTTP POST of {notification_id, to, text} to the SMS provider, same key.

#include <memory>
#include <string>

#include "actors/delivery_channel.hpp"
#include "actors/delivery_core.hpp"

namespace hirehub::persistence::notifications {
struct delivery;
}

namespace hirehub::notification {

class sender {
 public:
  virtual ~sender() = default;
  /// Sends `d`; `recipient` is set to whom it went (for the row).
  virtual attempt send(const persistence::notifications::delivery& d, std::string& recipient) = 0;
};

/// The adapter of `opts.channel` (email, push or sms).
std::unique_ptr<sender> make_sender(const channel_options& opts);

}  // namespace hirehub::notification
