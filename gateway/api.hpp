#pragma once
/// The HTTP API and WebSocket protocol of a node, on top of the actor system.
///
/// Every HTTP request is served by a short-lived request actor and every
/// WebSocket by a session actor; both are monitored by the gateway supervisor,
/// which never restarts them: a failing request actor answers 500 (through its
/// responder's destructor) and a failing session actor closes its socket (1011),
/// never the node.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <caf/fwd.hpp>

#include "gateway/server.hpp"

namespace hirehub {
class config;
}

namespace hirehub::gateway {

/// Readiness as last observed by the health checker.
struct readiness {
  std::atomic<bool> postgres{false};
  std::atomic<bool> kafka{false};
  std::atomic<bool> migrations{false};
  std::atomic<bool> started{false};
};

struct api_options {
  std::string jwt_secret;
  std::string issuer;
  std::chrono::milliseconds request_timeout{5000};
  size_t max_inflight = 4096;
  size_t ws_max_subscriptions = 256;
  size_t max_body_bytes = 65536;
};

api_options api_options_from(const config& cfg);

class api {
 public:
  api(caf::actor_system& sys, api_options opts, std::shared_ptr<readiness> ready);
  ~api();

  /// The handlers to give to http_server.
  server_handlers handlers();

  /// Drops every actor handle; call before the actor system is destroyed.
  void shutdown();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace hirehub::gateway
