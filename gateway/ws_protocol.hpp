#pragma once
/// What a WebSocket client may send (pure; unit-tested and fuzzed): one JSON
/// object per frame, {"op": "subscribe" | "unsubscribe" | "ping", "topic"?,
/// "after_seq"?}. The session actor acts on a parsed frame; anything else is an
/// error frame for the client, never an exception.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/errors.hpp"

namespace hirehub::gateway {

struct client_frame {
  enum class op_kind { subscribe, unsubscribe, ping } op = op_kind::ping;
  /// The topic as the client named it, ids in their one spelling
  /// ("application:<id>", "resume:<id>", "notifications", "cluster").
  std::string topic;
  std::optional<int64_t> after_seq;  ///< subscribe: resume after this sequence number
};

struct frame_error {
  errc code = errc::bad_request;
  std::string message;
  std::string topic;  ///< the topic the error concerns, when the frame named one
};

/// The frame, or why it is refused.
struct parsed_frame {
  std::optional<client_frame> frame;
  frame_error error;
};

/// Parses one client frame (at most ws.max_frame_bytes: the server refuses larger ones).
parsed_frame parse_client_frame(std::string_view text);

/// Topics a client may subscribe to and the hub topic each one reads. Empty when
/// the topic is unknown or malformed. `role` and `user_id` are the caller's.
std::string hub_topic_of(const std::string& topic, const std::string& role, const std::string& user_id);

}  // namespace hirehub::gateway
