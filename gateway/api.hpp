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
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/resume/isolated.hpp"
#include "gateway/jwt.hpp"
#include "gateway/server.hpp"
#include "runtime/crypto.hpp"

namespace hirehub {
class config;
class hub_watch;
}  // namespace hirehub
namespace hirehub::resume {
class embedder;
class summariser;
}  // namespace hirehub::resume
namespace hirehub::persistence {
class file_store;
}

namespace hirehub::gateway {

/// Readiness as last observed by the health checker.
struct readiness {
  std::atomic<bool> postgres{false};
  std::atomic<bool> kafka{false};
  std::atomic<bool> migrations{false};
  std::atomic<bool> started{false};
  std::atomic<bool> cluster{false};  ///< joined the cluster, signal handlers in place
};

struct api_options {
  jwt::keys keys = jwt::keys::hs256("");
  std::string issuer;
  int64_t access_ttl_s = 900;
  int64_t refresh_ttl_s = 2592000;
  int64_t admin_refresh_ttl_s = 43200;
  crypto::hash_cost password_cost;
  std::chrono::milliseconds login_window{300000};
  int64_t device_ttl_s = 7776000;
  std::vector<std::string> trusted_proxies;  ///< http.trusted_proxies: addresses and CIDR ranges
  int64_t login_attempts_per_account = 10;
  int64_t login_attempts_per_address = 50;
  int64_t signups_per_address = 20;
  int64_t invitation_ttl_s = 604800;
  bool invitation_emails = false;  ///< an e-mail sender is configured: invitations are e-mailed
  std::string public_url;          ///< base of links in e-mails
  int relevance_window = 200;
  std::chrono::milliseconds request_timeout{5000};
  size_t max_inflight = 4096;
  size_t ws_max_subscriptions = 256;
  double ws_ops_per_second = 20;
  std::string metrics_token;   ///< http.metrics_token
  bool metrics_public = false;  ///< http.metrics_access = public
  size_t max_body_bytes = 65536;
  size_t max_upload_bytes = 10485760;                     ///< resume.max_upload_bytes
  int uploads_per_user = 2;                               ///< resume.uploads_per_user
  resume::isolation extraction;                           ///< budget of the child that reads an upload
  std::shared_ptr<persistence::file_store> resume_files;  ///< where uploads go
  std::shared_ptr<resume::embedder> embedder;             ///< the node's (RAG queries are embedded like the chunks)
  std::shared_ptr<hub_watch> watch;                       ///< sessions count their topics in (runtime/hub.hpp)
};

/// Reads the API options; loads the signing keys (throws std::runtime_error
/// naming the key file when it cannot be used, or the secret when it is weak and
/// `dev` is off: see load_keys).
api_options api_options_from(const config& cfg, bool dev);

/// The node's embedder: the local one, or the remote model of ai.embeddings.*.
std::shared_ptr<resume::embedder> embedder_from(const config& cfg);

/// The budget of the child process that reads an uploaded file (resume.extract_*).
resume::isolation extraction_from(const config& cfg);

/// The summary chain of ai.llm1 / ai.llm2, then the local summary.
std::shared_ptr<resume::summariser> summariser_from(const config& cfg);

/// The well-known secret a node signs with in development mode when none is set.
inline constexpr const char* dev_jwt_secret = "dev-secret-change-me";

/// The signing keys of auth.jwt_alg: RS256 with the key file, or HS256 with
/// auth.jwt_secret, else the content of auth.jwt_secret_file. Without `dev` a
/// missing or weak secret throws std::runtime_error saying what to set; with it,
/// a missing one is the well-known dev_jwt_secret.
jwt::keys load_keys(const config& cfg, bool dev);

/// Every (method, path template) the API serves, for the OpenAPI coverage test.
std::vector<std::pair<std::string, std::string>> api_routes();

class api {
 public:
  api(caf::actor_system& sys, api_options opts, std::shared_ptr<readiness> ready);
  ~api();

  /// The handlers to give to http_server.
  server_handlers handlers();

  /// Stops the request and session actors (requests still running answer 503);
  /// new requests are answered 503. Call before the actor system is destroyed.
  void shutdown();

  /// Requests being served now.
  size_t inflight() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace hirehub::gateway
