#include "gateway/api.hpp"

#include <charconv>
#include <set>
#include <unordered_map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include "actors/messages.hpp"
#include "actors/notification_actor.hpp"
#include "gateway/http_errors.hpp"
#include "gateway/jwt.hpp"
#include "gateway/openapi.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

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
using adopt_atom = caf::atom_constant<caf::atom("adopt")>;

api_options api_options_from(const config& cfg) {
  api_options o;
  o.jwt_secret = cfg.get_string("auth.jwt_secret");
  o.issuer = cfg.get_string("auth.issuer");
  o.request_timeout = cfg.get_ms("http.request_timeout_ms");
  o.max_inflight = static_cast<size_t>(cfg.get_int("http.max_inflight_requests"));
  o.ws_max_subscriptions = static_cast<size_t>(cfg.get_int("ws.max_subscriptions"));
  o.max_body_bytes = static_cast<size_t>(cfg.get_int("http.max_body_bytes"));
  return o;
}

namespace {

/// Input errors raised while reading a request; caught by the request actor.
struct bad_input {
  errc code;
  std::string message;
  std::string field;
};

caf::actor service(caf::actor_system& sys, const char* name) {
  return sys.registry().get<caf::actor>(caf::atom_from_string(name));
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

std::string query_param(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name)
      return eq == std::string::npos ? "" : part.substr(eq + 1);
    if (amp == std::string::npos)
      break;
    pos = amp + 1;
  }
  return {};
}

int64_t parse_int(const std::string& text, const char* field, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < min || v > max)
    throw bad_input{
        errc::bad_request,
        std::string{field} + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
        field};
  return v;
}

/// A JSON object body with a closed set of fields.
class body_reader {
 public:
  body_reader(const http_request& req, std::initializer_list<const char*> allowed) {
    auto ct = req.content_type.substr(0, req.content_type.find(';'));
    if (ct != "application/json")
      throw bad_input{errc::unsupported_media_type, "the body must be application/json", "Content-Type"};
    obj_ = nlohmann::json::parse(req.body, nullptr, false);
    if (obj_.is_discarded())
      throw bad_input{errc::bad_request, "the body is not valid JSON", ""};
    if (!obj_.is_object())
      throw bad_input{errc::bad_request, "the body must be a JSON object", ""};
    for (auto& [k, v] : obj_.items()) {
      bool known = false;
      for (auto* a : allowed)
        known = known || k == a;
      if (!known)
        throw bad_input{errc::bad_request, "unknown field '" + k + "'", k};
    }
  }

  std::string text(const char* name, bool required, size_t max_len) {
    auto it = obj_.find(name);
    if (it == obj_.end() || it->is_null()) {
      if (required)
        throw bad_input{errc::bad_request, std::string{name} + " is required", name};
      return {};
    }
    if (!it->is_string())
      throw bad_input{errc::bad_request, std::string{name} + " must be a string", name};
    auto s = it->get<std::string>();
    if (required && s.empty())
      throw bad_input{errc::bad_request, std::string{name} + " must not be empty", name};
    if (s.size() > max_len)
      throw bad_input{errc::payload_too_large,
                      std::string{name} + " is longer than " + std::to_string(max_len) + " bytes", name};
    return s;
  }

  std::string uuid(const char* name, bool required) {
    auto s = text(name, required, 36);
    if (!s.empty() && !ids::is_uuid(s))
      throw bad_input{errc::bad_request, std::string{name} + " must be a UUID", name};
    return s;
  }

 private:
  nlohmann::json obj_;
};

struct route_info {
  std::string label;  ///< route template for metrics
  std::vector<std::string> params;
};

/// Matches "/api/v1/applications/{id}/status" style templates.
bool match(const std::string& path, const std::string& tmpl, std::vector<std::string>& params) {
  params.clear();
  size_t p = 0;
  size_t t = 0;
  while (t < tmpl.size()) {
    if (tmpl[t] == '{') {
      auto close = tmpl.find('}', t);
      auto end = path.find('/', p);
      if (end == std::string::npos)
        end = path.size();
      if (end == p)
        return false;
      params.push_back(path.substr(p, end - p));
      p = end;
      t = close + 1;
      continue;
    }
    if (p >= path.size() || path[p] != tmpl[t])
      return false;
    ++p;
    ++t;
  }
  return p == path.size();
}

// ---- request actors ----------------------------------------------------------

/// Answers the request exactly once; if the actor dies first, answers 500.
struct responder {
  std::shared_ptr<request_job> job;
  std::string route = "unmatched";
  std::atomic<size_t>* inflight = nullptr;
  bool done = false;

  void reply(http_response r) {
    if (done || !job)
      return;
    done = true;
    if (r.status >= 500)
      log::warn(
          "request failed",
          {{"request_id", job->req.request_id}, {"method", job->req.method}, {"route", route}, {"status", r.status}});
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - job->started).count();
    metrics::get_counter("hirehub_http_requests_total", "HTTP requests by route and status",
                         {{"route", route}, {"status", std::to_string(r.status)}})
        .inc();
    metrics::get_histogram("hirehub_http_request_seconds", "HTTP request latency by route", {{"route", route}})
        .observe(secs);
    if (inflight)
      --*inflight;
    job->reply(std::move(r));
  }

  void error(errc code, const std::string& message, const std::string& field = {}) {
    http_response r;
    r.status = http_status_of(code);
    r.body = error_body(code, message, field);
    if (code == errc::unauthorized)
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
    if (code == errc::overloaded || code == errc::unavailable || code == errc::timeout)
      r.headers.emplace_back("Retry-After", "1");
    reply(std::move(r));
  }

  ~responder() {
    if (!done && job) {
      log::error("request actor ended without answering", {{"request_id", job->req.request_id}, {"route", route}});
      error(errc::internal, "internal error");
    }
  }
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
  caf::actor gw_sup;
};

principal authenticate(const api_shared& sh, const std::string& header_or_token, bool raw_token = false) {
  std::string token = header_or_token;
  if (!raw_token) {
    if (header_or_token.empty())
      throw bad_input{errc::unauthorized, "missing Authorization: Bearer <token>", ""};
    if (header_or_token.rfind("Bearer ", 0) != 0)
      throw bad_input{errc::unauthorized, "the Authorization header must be 'Bearer <token>'", ""};
    token = header_or_token.substr(7);
  }
  auto v = jwt::verify(token, sh.opts.jwt_secret, sh.opts.issuer, now_ms() / 1000);
  if (!v.ok)
    throw bad_input{errc::unauthorized, v.error, ""};
  return principal{v.ok->sub, v.ok->role, v.ok->company_id};
}

void require_role(const principal& p, const char* role) {
  if (p.role != role)
    throw bad_input{errc::forbidden, std::string{"this endpoint is for the "} + role + " role", ""};
}

http_response json_response(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

/// Asks the service registered as `name` and answers the request with `on_ok`'s
/// response, or with the error mapped to HTTP. The request actor then ends.
template <class T, class F, class... Ts>
void ask(request_actor* self, api_shared& sh, const char* name, F on_ok, Ts&&... xs) {
  auto dest = service(*sh.sys, name);
  if (!dest) {
    self->state.out.error(errc::unavailable, "the node is starting, restarting a service or stopping; retry");
    self->quit();
    return;
  }
  self->request(dest, sh.opts.request_timeout, std::forward<Ts>(xs)...)
      .then(
          [self, on_ok](T& value) {
            self->state.out.reply(on_ok(value));
            self->quit();
          },
          [self](caf::error& err) {
            auto v = view(err);
            self->state.out.error(v.code, v.message.empty() ? "internal error" : v.message, v.field);
            self->quit();
          });
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

void handle_ready(request_actor* self, api_shared& sh) {
  auto& r = *sh.ready;
  bool ok = r.postgres && r.kafka && r.migrations && r.started;
  nlohmann::json body = {{"status", ok ? "ready" : "not_ready"},
                         {"checks",
                          {{"postgres", r.postgres.load()},
                           {"kafka", r.kafka.load()},
                           {"migrations", r.migrations.load()},
                           {"actors", r.started.load()}}}};
  self->state.out.reply(json_response(ok ? 200 : 503, body.dump()));
  self->quit();
}

void serve(request_actor* self, api_shared& sh) {
  auto& out = self->state.out;
  auto& req = out.job->req;
  auto& m = req.method;
  auto& path = req.path;
  std::vector<std::string> p;
  auto route = [&](const char* method, const char* tmpl) {
    if (!match(path, tmpl, p))
      return false;
    out.route = tmpl;
    if (m != method)
      return false;
    return true;
  };
  auto method_not_allowed = [&] {
    throw bad_input{errc::bad_request, "method " + m + " is not allowed on " + out.route, ""};
  };
  if (route("GET", "/health")) {
    out.reply(json_response(200, R"({"status":"ok"})"));
    self->quit();
    return;
  }
  if (route("GET", "/ready")) {
    handle_ready(self, sh);
    return;
  }
  if (route("GET", "/metrics")) {
    http_response r;
    r.content_type = "text/plain; version=0.0.4";
    r.body = metrics::render();
    out.reply(std::move(r));
    self->quit();
    return;
  }
  if (route("GET", "/api/v1/openapi.json")) {
    out.reply(json_response(200, openapi_document()));
    self->quit();
    return;
  }
  if (route("POST", "/api/v1/jobs")) {
    auto by = authenticate(sh, req.authorization);
    require_role(by, "company");
    body_reader body{req, {"title", "status"}};
    job_info job;
    job.title = body.text("title", true, 200);
    job.status = body.text("status", false, 10);
    if (job.status.empty())
      job.status = "open";
    if (job.status != "open" && job.status != "draft")
      throw bad_input{errc::bad_request, "status must be draft or open", "status"};
    job.company_id = by.company_id;
    job.owner_user_id = by.user_id;
    ask_db<std::string>(
        self, sh, [](std::string& json) { return json_response(201, json); }, create_job_atom::value, job,
        req.request_id);
    return;
  }
  if (route("GET", "/api/v1/jobs/{id}")) {
    authenticate(sh, req.authorization);
    if (!ids::is_uuid(p[0]))
      throw bad_input{errc::not_found, "no job with this id", ""};
    ask_db<job_info>(
        self, sh,
        [](job_info& j) {
          nlohmann::json body = {{"id", j.id}, {"company_id", j.company_id}, {"title", j.title}, {"status", j.status}};
          return json_response(200, body.dump());
        },
        load_job_atom::value, p[0]);
    return;
  }
  if (route("POST", "/api/v1/applications")) {
    auto by = authenticate(sh, req.authorization);
    require_role(by, "jobseeker");
    body_reader body{req, {"job_id", "resume_id", "cover_letter"}};
    application::submit_application cmd;
    cmd.request_id = req.request_id;
    cmd.by = by;
    cmd.job_id = body.uuid("job_id", true);
    cmd.resume_id = body.uuid("resume_id", true);
    cmd.cover_letter = body.text("cover_letter", false, 10000);
    cmd.fingerprint = sha256_hex(cmd.job_id + '\n' + cmd.resume_id + '\n' + cmd.cover_letter);
    std::string id;
    bool fresh = true;
    if (!req.idempotency_key.empty()) {
      auto& k = req.idempotency_key;
      if (k.size() > 200 || std::any_of(k.begin(), k.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
        throw bad_input{errc::bad_request, "Idempotency-Key must be 1-200 visible ASCII characters", "Idempotency-Key"};
      // The same user and key always name the same application: a retried POST
      // reaches the entity that answered the first one.
      id = ids::name_uuid("application:" + by.user_id + ":" + k);
      fresh = false;
    } else {
      id = ids::random_uuid();
    }
    ask_application<application::application_view>(self, sh, id, fresh, caf::make_message(std::move(cmd)),
                                                   [id](application::application_view& v) {
                                                     auto r = json_response(201, v.json);
                                                     r.headers.emplace_back("Location", "/api/v1/applications/" + id);
                                                     if (v.replayed)
                                                       r.headers.emplace_back("Idempotent-Replayed", "true");
                                                     return r;
                                                   });
    return;
  }
  if (route("GET", "/api/v1/applications/{id}")) {
    auto by = authenticate(sh, req.authorization);
    if (!ids::is_uuid(p[0]))
      throw bad_input{errc::not_found, "no application with this id", ""};
    ask_application<application::application_view>(
        self, sh, p[0], false, caf::make_message(application::get_application{req.request_id, by}),
        [](application::application_view& v) { return json_response(200, v.json); });
    return;
  }
  if (route("PATCH", "/api/v1/applications/{id}/status")) {
    auto by = authenticate(sh, req.authorization);
    body_reader body{req, {"status", "reason"}};
    application::change_status cmd;
    cmd.request_id = req.request_id;
    cmd.by = by;
    cmd.to_status = body.text("status", true, 40);
    cmd.reason = body.text("reason", false, 64);
    if (!ids::is_uuid(p[0]))
      throw bad_input{errc::not_found, "no application with this id", ""};
    ask_application<application::application_view>(
        self, sh, p[0], false, caf::make_message(std::move(cmd)),
        [](application::application_view& v) { return json_response(200, v.json); });
    return;
  }
  if (route("GET", "/api/v1/applications/{id}/events")) {
    auto by = authenticate(sh, req.authorization);
    if (!ids::is_uuid(p[0]))
      throw bad_input{errc::not_found, "no application with this id", ""};
    ask_application<application::history_view>(
        self, sh, p[0], false, caf::make_message(application::get_history{req.request_id, by, 0}),
        [](application::history_view& h) {
          return json_response(200, R"({"events":)" + h.events + R"(,"last_seq":)" + std::to_string(h.last_seq) + "}");
        });
    return;
  }
  if (route("GET", "/api/v1/notifications")) {
    auto by = authenticate(sh, req.authorization);
    auto after = query_param(req.query, "after_seq");
    auto limit = query_param(req.query, "limit");
    int64_t after_seq = after.empty() ? 0 : parse_int(after, "after_seq", 0, INT64_MAX);
    int32_t lim = limit.empty() ? 50 : static_cast<int32_t>(parse_int(limit, "limit", 1, 500));
    ask_db<std::vector<stored_notification>>(
        self, sh,
        [](std::vector<stored_notification>& ns) {
          std::string items = "[";
          int64_t last = 0;
          for (auto& n : ns) {
            items += (items.size() > 1 ? "," : "") + n.json;
            last = n.seq;
          }
          items += "]";
          return json_response(200, R"({"notifications":)" + items + R"(,"last_seq":)" + std::to_string(last) + "}");
        },
        list_notif_atom::value, by.user_id, after_seq, lim);
    return;
  }
  if (route("POST", "/api/v1/notifications/{id}/read")) {
    auto by = authenticate(sh, req.authorization);
    if (!ids::is_uuid(p[0]))
      throw bad_input{errc::not_found, "no such notification", ""};
    ask_db<stored_notification>(
        self, sh, [](stored_notification& n) { return json_response(200, n.json); }, read_notif_atom::value, by.user_id,
        p[0]);
    return;
  }
  if (out.route != "unmatched")
    method_not_allowed();
  throw bad_input{errc::not_found, "no route for " + m + " " + path, ""};
}

caf::behavior request_impl(request_actor* self, std::shared_ptr<request_job> job, api_shared* sh) {
  self->state.out.job = std::move(job);
  self->state.out.inflight = &sh->inflight;
  self->set_exception_handler([self](std::exception_ptr& ep) -> caf::error {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      log::error("request actor failed", {{"request_id", self->state.out.job->req.request_id}, {"error", e.what()}});
    } catch (...) {
    }
    self->state.out.error(errc::internal, "internal error");
    return caf::sec::runtime_error;
  });
  try {
    serve(self, *sh);
  } catch (const bad_input& e) {
    auto code = e.code;
    http_response r;
    if (e.message.rfind("method ", 0) == 0) {
      r.status = 405;
      r.body = error_body(errc::bad_request, e.message);
      self->state.out.reply(std::move(r));
    } else {
      self->state.out.error(code, e.message, e.field);
    }
    self->quit();
  }
  return {
      [](caf::unit_t) {},
  };
}

// ---- WebSocket sessions -------------------------------------------------------

struct topic_sub {
  std::string hub_topic;
  int64_t last_seq = 0;
  bool pending = true;
  std::vector<std::pair<int64_t, std::string>> buffered;
};

struct session_state {
  std::shared_ptr<ws_connection> conn;
  principal by;
  std::unordered_map<std::string, topic_sub> subs;  // client topic -> state
  std::unordered_map<std::string, std::string> by_hub_topic;
  bool closed = false;
  const char* name = "ws_session";
  ~session_state() {
    if (conn && !closed)
      conn->close(1011, "session ended");
  }
};

using session_actor = caf::stateful_actor<session_state>;

void send_error(session_actor* self, errc code, const std::string& message, const std::string& topic = {}) {
  nlohmann::json f = {{"type", "error"}, {"error", {{"code", to_string(code)}, {"message", message}}}};
  if (!topic.empty())
    f["topic"] = topic;
  self->state.conn->send(f.dump());
}

void deliver_live(session_actor* self, topic_sub& sub, int64_t seq, const std::string& frame) {
  if (seq <= sub.last_seq)
    return;  // already sent by the catch-up
  sub.last_seq = seq;
  self->state.conn->send(frame);
}

void finish_subscribe(session_actor* self, const std::string& topic, int64_t last_seq,
                      const std::vector<std::pair<int64_t, std::string>>& history) {
  auto it = self->state.subs.find(topic);
  if (it == self->state.subs.end())
    return;
  auto& sub = it->second;
  nlohmann::json ack = {{"type", "subscribed"}, {"topic", topic}, {"seq", last_seq}};
  self->state.conn->send(ack.dump());
  for (auto& [seq, frame] : history)
    deliver_live(self, sub, seq, frame);
  if (sub.last_seq < last_seq)
    sub.last_seq = last_seq;
  sub.pending = false;
  for (auto& [seq, frame] : sub.buffered)
    deliver_live(self, sub, seq, frame);
  sub.buffered.clear();
}

/// Forgets a subscription here and at the hub; false when there was none.
bool drop_subscription(session_actor* self, const std::string& topic) {
  auto& st = self->state;
  auto it = st.subs.find(topic);
  if (it == st.subs.end())
    return false;
  if (auto hub = service(self->system(), "hub"))
    self->send(hub, unsubscribe_atom::value, it->second.hub_topic, caf::actor_cast<caf::actor>(self));
  st.by_hub_topic.erase(it->second.hub_topic);
  st.subs.erase(it);
  return true;
}

void fail_subscribe(session_actor* self, const std::string& topic, const caf::error& err) {
  if (!drop_subscription(self, topic))
    return;
  auto v = view(err);
  send_error(self, v.code, v.message.empty() ? "subscription failed" : v.message, topic);
}

void on_client_frame(session_actor* self, api_shared* sh, const std::string& text) {
  auto& st = self->state;
  auto f = nlohmann::json::parse(text, nullptr, false);
  if (!f.is_object()) {
    send_error(self, errc::bad_request, "frames must be JSON objects like {\"op\":\"subscribe\",\"topic\":...}");
    return;
  }
  auto op_it = f.find("op");
  if (op_it == f.end() || !op_it->is_string()) {
    send_error(self, errc::bad_request, "op is required: subscribe, unsubscribe or ping");
    return;
  }
  auto op = op_it->get<std::string>();
  if (op == "ping") {
    st.conn->send(R"({"type":"pong"})");
    return;
  }
  auto topic_it = f.find("topic");
  if (topic_it == f.end() || !topic_it->is_string()) {
    send_error(self, errc::bad_request, "topic is required: application:<id> or notifications");
    return;
  }
  auto topic = topic_it->get<std::string>();
  if (op == "unsubscribe") {
    if (!drop_subscription(self, topic)) {
      send_error(self, errc::not_found, "not subscribed to " + topic, topic);
      return;
    }
    st.conn->send(nlohmann::json({{"type", "unsubscribed"}, {"topic", topic}}).dump());
    return;
  }
  if (op != "subscribe") {
    send_error(self, errc::bad_request, "unknown op '" + op + "': subscribe, unsubscribe or ping");
    return;
  }
  std::optional<int64_t> after_seq;
  if (auto a = f.find("after_seq"); a != f.end()) {
    if (!a->is_number_integer() || a->get<int64_t>() < 0) {
      send_error(self, errc::bad_request, "after_seq must be a non-negative integer", topic);
      return;
    }
    after_seq = a->get<int64_t>();
  }
  for (auto& [k, v] : f.items())
    if (k != "op" && k != "topic" && k != "after_seq") {
      send_error(self, errc::bad_request, "unknown field '" + k + "'", topic);
      return;
    }
  if (st.subs.count(topic)) {
    send_error(self, errc::bad_request, "already subscribed to " + topic, topic);
    return;
  }
  if (st.subs.size() >= sh->opts.ws_max_subscriptions) {
    send_error(self, errc::payload_too_large,
               "too many subscriptions on this socket (ws.max_subscriptions = " +
                   std::to_string(sh->opts.ws_max_subscriptions) + ")",
               topic);
    return;
  }
  auto hub = service(self->system(), "hub");
  if (!hub) {
    send_error(self, errc::unavailable, "the node is restarting; retry", topic);
    return;
  }
  std::string hub_topic;
  if (topic == "notifications") {
    hub_topic = "notifications:" + st.by.user_id;
  } else if (topic.rfind("application:", 0) == 0 && ids::is_uuid(topic.substr(12))) {
    hub_topic = topic;
  } else {
    send_error(self, errc::bad_request, "unknown topic '" + topic + "': application:<id> or notifications", topic);
    return;
  }
  // Subscribe first, then read what was missed: frames arriving meanwhile are
  // buffered and deduplicated by seq, so nothing falls between the two.
  topic_sub sub;
  sub.hub_topic = hub_topic;
  st.subs[topic] = std::move(sub);
  st.by_hub_topic[hub_topic] = topic;
  self->send(hub, subscribe_atom::value, hub_topic, caf::actor_cast<caf::actor>(self));
  if (topic == "notifications") {
    if (!after_seq) {
      finish_subscribe(self, topic, 0, {});
      return;
    }
    auto db = service(self->system(), "db");
    if (!db) {
      fail_subscribe(self, topic, make_error(errc::unavailable, "the database pool is restarting; retry"));
      return;
    }
    self->request(db, sh->opts.request_timeout, list_notif_atom::value, st.by.user_id, *after_seq, int32_t{1000})
        .then(
            [self, topic, after_seq](std::vector<stored_notification>& ns) {
              std::vector<std::pair<int64_t, std::string>> frames;
              int64_t last = *after_seq;
              for (auto& n : ns) {
                frames.emplace_back(n.seq, notification::notification_frame(n.seq, n.json));
                last = n.seq;
              }
              finish_subscribe(self, topic, last, frames);
            },
            [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
    return;
  }
  auto registry = service(self->system(), "registry");
  if (!registry) {
    fail_subscribe(self, topic, make_error(errc::unavailable, "the node is restarting; retry"));
    return;
  }
  auto id = topic.substr(12);
  application::get_history q{ids::request_id(), st.by, after_seq ? *after_seq : INT64_MAX};
  self->request(registry, sh->opts.request_timeout, route_message("application", id, false, caf::make_message(q)))
      .then(
          [self, topic](application::history_view& h) {
            std::vector<std::pair<int64_t, std::string>> frames;
            for (size_t i = 0; i < h.frames.size(); ++i)
              frames.emplace_back(h.seqs[i], h.frames[i]);
            finish_subscribe(self, topic, h.last_seq, frames);
          },
          [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
}

caf::behavior session_impl(session_actor* self, std::shared_ptr<ws_connection> conn, principal by, api_shared* sh) {
  self->state.conn = std::move(conn);
  self->state.by = std::move(by);
  static auto& sessions = metrics::get_gauge("hirehub_websocket_sessions", "Open WebSocket sessions");
  sessions.add(1);
  self->attach_functor([] { sessions.add(-1); });
  return {
      [self, sh](frame_atom, const std::string& text) { on_client_frame(self, sh, text); },
      [self](frame_atom, const std::string& hub_topic, int64_t seq, const std::string& frame) {
        auto& st = self->state;
        auto t = st.by_hub_topic.find(hub_topic);
        if (t == st.by_hub_topic.end())
          return;
        auto& sub = st.subs[t->second];
        if (sub.pending) {
          sub.buffered.emplace_back(seq, frame);
          return;
        }
        deliver_live(self, sub, seq, frame);
      },
      [self](close_atom) {
        self->state.closed = true;
        self->quit();
      },
  };
}

// ---- the gateway supervisor -----------------------------------------------------

struct gateway_sup_state {
  std::set<caf::actor> children;
  std::string name;
  ~gateway_sup_state() {
    for (auto& c : children)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }
};

// Takes its name as an argument: CAF 0.17 binds a reference to a null
// shared_ptr<std::tuple<>> for argument-less actor functions (UBSan reports it).
caf::behavior gateway_supervisor(caf::stateful_actor<gateway_sup_state>* self, std::string name) {
  self->state.name = std::move(name);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& children = self->state.children;
    for (auto it = children.begin(); it != children.end(); ++it)
      if (it->address() == dm.source) {
        children.erase(it);
        break;
      }
    if (dm.reason && dm.reason != caf::exit_reason::normal && dm.reason != caf::exit_reason::user_shutdown)
      metrics::get_counter("hirehub_gateway_actor_failures_total",
                           "Request and session actors that failed (their request or socket got an error)")
          .inc();
  });
  return {
      // Children are stopped, never restarted: a request or a socket cannot be replayed.
      [self](adopt_atom, const caf::actor& child) {
        self->state.children.insert(child);
        self->monitor(child);
      },
  };
}

}  // namespace

struct api::impl : api_shared {};

api::api(caf::actor_system& sys, api_options opts, std::shared_ptr<readiness> ready) : impl_(std::make_shared<impl>()) {
  impl_->sys = &sys;
  impl_->opts = std::move(opts);
  impl_->ready = std::move(ready);
  impl_->gw_sup = sys.spawn(gateway_supervisor, std::string{"gateway_supervisor"});
}

api::~api() {
  shutdown();
}

void api::shutdown() {
  if (impl_->gw_sup) {
    caf::anon_send_exit(impl_->gw_sup, caf::exit_reason::user_shutdown);
    impl_->gw_sup = nullptr;
  }
}

server_handlers api::handlers() {
  auto sh = impl_;
  server_handlers h;
  h.on_http = [sh](http_request req, http_reply reply) {
    auto job = std::make_shared<request_job>();
    job->req = std::move(req);
    job->reply = std::move(reply);
    if (!sh->gw_sup) {
      responder r{job};
      r.error(errc::unavailable, "the node is stopping");
      return;
    }
    if (sh->inflight.fetch_add(1) >= sh->opts.max_inflight) {
      --sh->inflight;
      responder r{job};
      r.route = "overloaded";
      r.error(errc::overloaded, "too many requests in flight (http.max_inflight_requests = " +
                                    std::to_string(sh->opts.max_inflight) + "); retry");
      return;
    }
    auto child = sh->sys->spawn(request_impl, std::move(job), static_cast<api_shared*>(sh.get()));
    caf::anon_send(sh->gw_sup, adopt_atom::value, child);
  };
  h.on_ws_authorize = [sh](const http_request& req) -> std::optional<http_response> {
    try {
      auto token = query_param(req.query, "access_token");
      if (!token.empty())
        authenticate(*sh, token, true);
      else
        authenticate(*sh, req.authorization);
      return std::nullopt;
    } catch (const bad_input& e) {
      http_response r;
      r.status = http_status_of(e.code);
      r.body = error_body(e.code, e.message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
  };
  h.on_ws_open = [sh](const http_request& req, std::shared_ptr<ws_connection> conn) -> ws_callbacks {
    auto token = query_param(req.query, "access_token");
    auto by = token.empty() ? authenticate(*sh, req.authorization) : authenticate(*sh, token, true);
    ws_callbacks cb;
    if (!sh->gw_sup) {
      conn->close(1001, "the node is stopping");
      return cb;
    }
    auto session = sh->sys->spawn(session_impl, conn, by, static_cast<api_shared*>(sh.get()));
    caf::anon_send(sh->gw_sup, adopt_atom::value, session);
    caf::actor s = session;
    cb.on_text = [s](std::string text) { caf::anon_send(s, frame_atom::value, std::move(text)); };
    cb.on_close = [s] { caf::anon_send(s, close_atom::value); };
    return cb;
  };
  return h;
}

}  // namespace hirehub::gateway
