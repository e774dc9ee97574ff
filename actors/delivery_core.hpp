#pragma once
/// The outcome of one notification send, pure: what a provider answered (an
/// `attempt`, as a sender adapter in actors/delivery_senders reports it) judged into
/// sent, retry later or failed for good.
///
///   sent:    SMTP accepted the message, or an HTTP provider answered 2xx (delivered
///            when its JSON says {"status": "delivered"}; its "id" is kept);
///   retry:   no answer (network, timeout), SMTP 4xx, HTTP 429 or 5xx, while attempts
///            are left: back off exponentially (retry_delay_ms);
///   failed:  a permanent refusal (SMTP 5xx, any other HTTP 4xx), no address for the
///            channel, or a temporary failure with no attempt left (the dead letter).

#include <cstdint>
#include <string>

namespace hirehub::notification {

enum class transport { smtp, http };

/// What one send met, before anyone judged it.
struct attempt {
  enum class kind {
    no_recipient,  ///< the user has no address for this channel: nothing was sent
    no_answer,     ///< the provider was not reached or did not answer in time
    answered,      ///< an SMTP reply or an HTTP status came back
  } what = kind::no_answer;
  transport via = transport::http;
  int code = 0;           ///< SMTP reply code or HTTP status (0 when unknown)
  bool accepted = false;  ///< SMTP: the transfer completed; HTTP: 2xx
  std::string body;       ///< HTTP: the provider's answer
  std::string error;      ///< what went wrong, for the row and the log
};

struct retry_policy {
  int max_attempts = 5;
  int64_t base_ms = 1000;
  int64_t max_ms = 300000;
};

struct verdict {
  enum class outcome { sent, retry, failed } what = outcome::failed;
  bool delivered = false;    ///< the provider says it reached the device
  std::string provider_ref;  ///< the provider's id (HTTP) or the Message-ID (SMTP)
  std::string error;         ///< retry and failed: why
  int64_t retry_in_ms = 0;   ///< retry: when
};

/// Judges the `attempts`-th send (counting this one) of notification `id` on `channel`.
verdict judge(const std::string& channel, const std::string& id, const attempt& a, int32_t attempts,
              const retry_policy& p);

}  // namespace hirehub::notification
