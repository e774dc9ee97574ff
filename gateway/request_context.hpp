#pragma once
/// What the route handlers of the HTTP API share (internal to gateway/): the
/// request actor and its responder, input readers that name the bad field,
/// authentication, and helpers that ask a service actor and answer the request.
///
/// Route handlers live in routes_*.cpp; each registers its routes in a table
/// (method, path template, handler). A handler either answers and quits the
/// request actor, or starts one asynchronous ask that does so. Bad input is
/// thrown as `bad_input` and answered by the request actor.

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/messages.hpp"
#include "gateway/api.hpp"
#include "gateway/http_errors.hpp"
#include "gateway/net_address.hpp"
#include "gateway/route_match.hpp"
#include "gateway/server.hpp"
#include "persistence/db_task.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"

namespace hirehub::gateway {

struct request_job {
  http_request req;
  http_reply reply;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace hirehub::gateway

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<hirehub::gateway::request_job>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<hirehub::gateway::ws_connection>)

namespace hirehub::gateway {

using application::principal;

/// Input errors raised while reading a request; caught by the request actor.
struct bad_input {
  error_code code;
  std::string message;
  std::string field;
  int64_t retry_after_s = 0;  ///< rate_limited: seconds until a retry may succeed
};

caf::actor service(caf::actor_system& sys, const char* name);

std::string query_param(const std::string& query, const std::string& name);
int64_t parse_int(const std::string& text, const char* field, int64_t min, int64_t max);

/// The client's address as a rate-limit key (network_key): the TCP peer, or, when
/// that peer is one of `trusted_proxies`, the last address in X-Forwarded-For that
/// is not a trusted proxy.
std::string client_address(const http_request& req, const std::vector<std::string>& trusted_proxies);

/// A JSON object with a closed set of fields; every accessor names the field
/// it refuses. `prefix` names nested objects in messages ("company.name").
class body_reader {
 public:
  /// Reads the request body (must be application/json).
  body_reader(const http_request& req, std::initializer_list<const char*> allowed);
  /// Reads a nested object.
  body_reader(const nlohmann::json& obj, std::string prefix, std::initializer_list<const char*> allowed);

  bool has(const char* name) const;
  /// The raw value of a field, or null when absent or null (for nested structures).
  const nlohmann::json* raw(const char* name) const { return find(name); }
  /// Present and explicitly null (PATCH: clear the field).
  bool is_null(const char* name) const;

  std::string text(const char* name, bool required, size_t max_len);
  std::string uuid(const char* name, bool required);
  /// An e-mail address (trimmed; at most 254 bytes; one '@', a dot in the domain).
  std::string email(const char* name);
  std::optional<int64_t> integer(const char* name, bool required, int64_t min, int64_t max);
  std::optional<bool> boolean(const char* name);
  std::vector<std::string> text_list(const char* name, size_t max_items, size_t max_len);
  /// A nested object with its own closed set of fields; nullopt when absent.
  std::optional<body_reader> object(const char* name, std::initializer_list<const char*> allowed);
  /// One of `choices`; empty when absent and not required.
  std::string choice(const char* name, bool required, std::initializer_list<const char*> choices);

  /// The fields given, for PATCH-style updates: each read value, or null when cleared.
  nlohmann::json& collected() { return collected_; }

  /// `name` as the client sees it ("company.name" inside "company").
  std::string field(const char* name) const { return prefix_.empty() ? name : prefix_ + "." + name; }

 private:
  const nlohmann::json* find(const char* name) const;
  void check_fields(std::initializer_list<const char*> allowed);

  nlohmann::json obj_;
  std::string prefix_;
  nlohmann::json collected_ = nlohmann::json::object();
};

/// Query parameters with a closed set of names, percent-decoded; every
/// accessor names the parameter it refuses.
class query_reader {
 public:
  query_reader(const std::string& query, std::initializer_list<const char*> allowed);
  std::string text(const char* name, size_t max_len) const;
  std::vector<std::string> list(const char* name, size_t max_items, size_t max_len) const;  ///< comma-separated
  std::string choice(const char* name, std::initializer_list<const char*> choices) const;
  std::optional<int64_t> integer(const char* name, int64_t min, int64_t max) const;

 private:
  std::map<std::string, std::string> values_;
};

/// Throws bad_request naming `field` unless `value` is one of `choices`.
void check_choice(const std::string& value, const std::string& field, std::initializer_list<const char*> choices);

/// Answers the request exactly once; if the actor dies first, answers 500.
struct responder {
  std::shared_ptr<request_job> job;
  std::string route = "unmatched";
  std::atomic<size_t>* inflight = nullptr;
  bool done = false;

  void reply(http_response r);
  void error(error_code code, const std::string& message, const std::string& field = {}, int64_t retry_after_s = 0);
  ~responder();
};

struct request_state {
  responder out;
  const char* name = "http_request";
};

using request_actor = caf::stateful_actor<request_state>;

struct api_shared {
  caf::actor_system* sys = nullptr;
  api_options opts;
  std::shared_ptr<readiness> ready;
  std::atomic<size_t> inflight{0};
  caf::actor gw_sup;                 ///< set once at start; kept until the api is destroyed
  std::atomic<bool> stopped{false};  ///< shutdown() ran: new requests are answered 503
  std::mutex uploads_mtx;
  std::unordered_map<std::string, int> uploads;  ///< uploads in progress per user (resume.uploads_per_user)
};

/// Takes one of `user`'s upload slots on this node (429 when all are taken); the
/// slot is given back when the returned handle is dropped.
std::shared_ptr<void> take_upload_slot(api_shared& sh, const std::string& user);

/// Verifies a bearer token (the Authorization header, or the bare token when
/// `raw_token`); throws unauthorized. `verified` receives the token's claims.
principal authenticate(const api_shared& sh, const std::string& header_or_token, bool raw_token = false,
                       jwt::claims* verified = nullptr);

/// What the header check (server_handlers::on_head) established about the caller.
struct authenticated {
  principal by;
  jwt::claims claims;
};

/// The caller of the request: authenticated once, on its headers, before its body
/// was read (or now, for a route that does not require a token).
principal caller(request_actor* self, const api_shared& sh);

/// The hub topic a login's WebSockets listen on: a frame there closes them (4001)
/// when the login ends (logout, or a refresh token reused).
inline std::string login_topic(const std::string& family_id) {
  return "login:" + family_id;
}
void require_role(const principal& p, const char* role);

http_response json_response(int status, std::string body);

/// An error answered from an `on_ok` (the row was there, its file is gone).
http_response error_response(error_code code, const std::string& message);

/// An `on_ok` for ask_task: the task's JSON with `status`.
inline auto json_reply(int status = 200) {
  return [status](nlohmann::json& v) { return json_response(status, v.dump()); };
}

/// An `on_ok` for ask_task: 204 without a body.
inline http_response no_content(nlohmann::json&) {
  http_response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

/// The request a request actor answers.
inline http_request& req_of(request_actor* self) {
  return self->state.out.job->req;
}

/// Ends the request with `r`.
inline void finish(request_actor* self, http_response r) {
  self->state.out.reply(std::move(r));
  self->quit();
}

/// Ends the request with an error (`retry_after_s` for Retry-After of a 429).
void fail(request_actor* self, const caf::error& err, int64_t retry_after_s = 0);

/// Asks the service registered as `name` and answers the request with `on_ok`'s
/// response, or with the error mapped to HTTP. The request actor then ends. The
/// call has no timeout of its own: the gateway supervisor ends the request at its
/// deadline (http.request_timeout_ms from its start).
template <class T, class F, class... Ts>
void ask(request_actor* self, api_shared& sh, const char* name, F on_ok, Ts&&... xs) {
  auto dest = service(*sh.sys, name);
  if (!dest) {
    fail(self, make_error(errc::unavailable, "the node is starting, restarting a service or stopping; retry"));
    return;
  }
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
      .then([self, on_ok](T& value) { finish(self, on_ok(value)); }, [self](caf::error& err) { fail(self, err); });
}

/// Sends `msg` to application `id` through the entity registry.
template <class T, class F>
void ask_application(request_actor* self, api_shared& sh, const std::string& id, bool fresh, caf::message msg,
                     F on_ok) {
  ask<T>(self, sh, "registry", std::move(on_ok), route_message("application", id, fresh, std::move(msg)));
}

template <class T, class F, class... Ts>
void ask_db(request_actor* self, api_shared& sh, F on_ok, Ts&&... xs) {
  ask<T>(self, sh, "db", std::move(on_ok), std::forward<Ts>(xs)...);
}

/// Runs `task` (its `before` step, then its work in one transaction) on the pool
/// registered as `pool`; then `then(value)` continues the request (it must end it,
/// e.g. by asking another actor and finishing from there), or the task's error
/// answers it.
template <class F>
void ask_task_then(request_actor* self, api_shared& sh, const char* pool, persistence::db_task task, F then) {
  auto dest = service(*sh.sys, pool);
  if (!dest) {
    fail(self, make_error(errc::unavailable, "the node is starting, restarting a service or stopping; retry"));
    return;
  }
  self->request(dest, caf::infinite, std::move(task))
      .then(
          [self, then](persistence::db_reply& r) mutable {
            if (r.error)  // a refusal may say when to retry ({"retry_after": s})
              fail(self, r.error, r.value.is_object() ? r.value.value("retry_after", int64_t{0}) : 0);
            else
              then(r.value);
          },
          [self](caf::error& err) { fail(self, err); });
}

template <class F>
void ask_task_then(request_actor* self, api_shared& sh, const char* pool, persistence::db_fn fn, F then) {
  ask_task_then(self, sh, pool, persistence::db_task{std::move(fn)}, std::move(then));
}

/// As ask_task_then, answering with `on_ok(value)`.
template <class F>
void ask_task(request_actor* self, api_shared& sh, const char* pool, persistence::db_task task, F on_ok) {
  ask_task_then(self, sh, pool, std::move(task), [self, on_ok](nlohmann::json& v) mutable { finish(self, on_ok(v)); });
}

template <class F>
void ask_task(request_actor* self, api_shared& sh, const char* pool, persistence::db_fn fn, F on_ok) {
  ask_task(self, sh, pool, persistence::db_task{std::move(fn)}, std::move(on_ok));
}

// ---- routes -------------------------------------------------------------------

using route_params = std::vector<std::string>;
using route_handler = void (*)(request_actor* self, api_shared& sh, const route_params& p);

/// Who may reach a route: `token` routes are refused (401) on their headers,
/// before the body is read, unless a valid bearer token comes with them.
enum class access { token, anyone };

struct route_def {
  const char* method;
  const char* path;  ///< template: "/api/v1/applications/{id}/status"
  route_handler handler;
  access who = access::token;
  const char* role = nullptr;  ///< checked on the headers too (403): the upload's large body is never read otherwise
};

/// The route serving (method, path), or null.
const route_def* find_route(const std::string& method, const std::string& path);

void add_core_routes(std::vector<route_def>& out);
void add_account_routes(std::vector<route_def>& out);
void add_job_routes(std::vector<route_def>& out);
void add_interview_routes(std::vector<route_def>& out);
void add_notification_routes(std::vector<route_def>& out);
void add_resume_routes(std::vector<route_def>& out);
void add_cluster_routes(std::vector<route_def>& out);
void add_rag_routes(std::vector<route_def>& out);
void add_match_routes(std::vector<route_def>& out);

}  // namespace hirehub::gateway
