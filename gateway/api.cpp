#include "gateway/api.hpp"

#include "actors/resume_pipeline.hpp"
#include "persistence/resumes.hpp"
#include "gateway/route_match.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "actors/notification_actor.hpp"
#include "cluster/feed.hpp"
#include "gateway/request_context.hpp"
#include "gateway/ws_protocol.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/atoms.hpp"
#include "runtime/hub.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"

namespace hirehub::gateway {

using adopt_atom = caf::atom_constant<caf::atom("adopt")>;

namespace {

const std::vector<route_def>& route_table() {
  static const std::vector<route_def> table = [] {
    std::vector<route_def> t;
    add_core_routes(t);
    add_account_routes(t);
    add_job_routes(t);
    add_interview_routes(t);
    add_notification_routes(t);
    add_resume_routes(t);
    add_rag_routes(t);
    add_cluster_routes(t);
    return t;
  }();
  return table;
}

}  // namespace

const route_def* find_route(const std::string& method, const std::string& path) {
  route_params ignored;
  for (auto& r : route_table())
    if (r.method == method && match_path(path, r.path, &ignored))
      return &r;
  return nullptr;
}

namespace {

// ---- request actors ----------------------------------------------------------

void serve(request_actor* self, api_shared& sh) {
  auto& out = self->state.out;
  auto& req = out.job->req;
  route_params params;
  const route_def* path_match = nullptr;
  for (auto& r : route_table()) {
    if (!match_path(req.path, r.path, &params))
      continue;
    // Ids in one spelling: an upper-case UUID names the same entity (and shard).
    for (auto& p : params)
      if (auto id = ids::canonical_uuid(p); !id.empty())
        p = std::move(id);
    path_match = &r;
    if (req.method == r.method) {
      out.route = r.path;
      r.handler(self, sh, params);
      return;
    }
  }
  if (path_match != nullptr) {
    out.route = path_match->path;
    http_response r;
    r.status = 405;
    r.body = error_body(errc::bad_request, "method " + req.method + " is not allowed on " + out.route);
    finish(self, std::move(r));
    return;
  }
  throw bad_input{errc::not_found, "no route for " + req.method + " " + req.path, ""};
}

caf::behavior request_impl(request_actor* self, std::shared_ptr<request_job> job, api_shared* sh) {
  self->state.out.job = std::move(job);
  self->state.out.inflight = &sh->inflight;
  // The gateway supervisor ends a request at its deadline (sec::request_timeout): answer 503 timeout.
  self->set_exit_handler([self](caf::exit_msg& em) {
    if (em.reason == caf::sec::request_timeout) {
      fail(self, em.reason);
      return;
    }
    // The node stops with this request still running: it is retried elsewhere (503), never a 500.
    if (em.reason == caf::exit_reason::user_shutdown) {
      fail(self, make_error(errc::unavailable, "the node is stopping; retry"));
      return;
    }
    self->quit(em.reason);
  });
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
    self->state.out.error(e.code, e.message, e.field, e.retry_after_s);
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
  /// Dense numbering (the notifications topic: inbox_seq 1, 2, 3, ...): a frame
  /// past last_seq + 1 waits in `ahead` while the missing ones are read back
  /// (frames stored on different nodes may overtake each other on the way here).
  bool dense = false;
  bool filling = false;
  std::map<int64_t, std::string> ahead;
};

struct session_state {
  std::shared_ptr<ws_connection> conn;
  principal by;
  std::unordered_map<std::string, topic_sub> subs;  // client topic -> state
  std::unordered_map<std::string, std::string> by_hub_topic;
  bool closed = false;
  std::string request_id;   ///< of the upgrade request, for the logs
  // The client's frames are a token bucket (ws.ops_per_second, bursts of twice that):
  // each subscribe may load an entity from the journal.
  double tokens = -1;
  std::chrono::steady_clock::time_point refilled;
  int refused = 0;
  std::string login_topic;  ///< the hub topic that ends this login (login_topic(sid)); empty for tool tokens
  const char* name = "ws_session";
  ~session_state() {
    if (conn && !closed)
      conn->close(1011, "session ended");
  }
};

using session_actor = observed_actor<session_state>;

void send_error(session_actor* self, errc code, const std::string& message, const std::string& topic = {}) {
  nlohmann::json f = {{"type", "error"}, {"error", {{"code", to_string(code)}, {"message", message}}}};
  if (!topic.empty())
    f["topic"] = topic;
  self->state.conn->send(f.dump());
}

void fill_gap(session_actor* self, const std::string& topic);

void deliver_live(session_actor* self, const std::string& topic, topic_sub& sub, int64_t seq,
                  const std::string& frame) {
  if (seq <= sub.last_seq)
    return;  // already sent by the catch-up
  if (sub.dense && seq > sub.last_seq + 1 && sub.ahead.size() < 1000) {
    sub.ahead.emplace(seq, frame);
    if (!sub.filling)
      fill_gap(self, topic);
    return;
  }
  sub.last_seq = seq;
  self->state.conn->send(frame);
  // Frames that came early follow, in order.
  while (!sub.ahead.empty() && sub.ahead.begin()->first <= sub.last_seq + 1) {
    auto it = sub.ahead.begin();
    if (it->first == sub.last_seq + 1) {
      sub.last_seq = it->first;
      self->state.conn->send(it->second);
    }
    sub.ahead.erase(it);
  }
}

/// Reads the user's in-app notifications after the last one sent, so frames that
/// overtook them go out in order with nothing missing.
void fill_gap(session_actor* self, const std::string& topic) {
  static auto& fills = metrics::get_counter("hirehub_websocket_gap_fills_total",
                                            "Notification frames read back because later ones arrived first");
  auto& sub = self->state.subs[topic];
  auto db = service(self->system(), "db");
  if (!db)
    return;
  sub.filling = true;
  fills.inc();
  self->request(db, std::chrono::seconds(5), list_notif_atom::value, self->state.by.user_id, sub.last_seq,
                int32_t{1000})
      .then(
          [self, topic](std::vector<stored_notification>& ns) {
            auto it = self->state.subs.find(topic);
            if (it == self->state.subs.end())
              return;
            auto& sub = it->second;
            sub.filling = false;
            for (auto& n : ns)
              deliver_live(self, topic, sub, n.seq, notification::notification_frame(n.seq, n.json));
            if (!sub.ahead.empty() && sub.ahead.begin()->first > sub.last_seq + 1 && !sub.filling) {
              // Not in the store either (cannot happen while numbers are handed out in
              // commit order): send what arrived rather than hold it forever.
              log::warn("notification numbers missing; sending what arrived",
                        {{"user_id", self->state.by.user_id}, {"after", sub.last_seq}});
              sub.last_seq = sub.ahead.begin()->first - 1;
              auto first = sub.ahead.begin();
              auto seq = first->first;
              auto frame = std::move(first->second);
              sub.ahead.erase(first);
              deliver_live(self, topic, sub, seq, frame);
            }
          },
          [self, topic](caf::error&) {
            auto it = self->state.subs.find(topic);
            if (it != self->state.subs.end())
              it->second.filling = false;  // the next early frame tries again
          });
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
    deliver_live(self, topic, sub, seq, frame);
  if (sub.last_seq < last_seq)
    sub.last_seq = last_seq;
  sub.pending = false;
  for (auto& [seq, frame] : sub.buffered)
    deliver_live(self, topic, sub, seq, frame);
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

/// Takes a token of the session's bucket; false (the frame is refused) when none is left.
bool take_op(session_actor* self, double per_second) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  double burst = 2 * per_second;
  if (st.tokens < 0) {
    st.tokens = burst;
  } else {
    st.tokens = std::min(burst, st.tokens + per_second * std::chrono::duration<double>(now - st.refilled).count());
  }
  st.refilled = now;
  if (st.tokens < 1)
    return false;
  st.tokens -= 1;
  return true;
}

void on_client_frame(session_actor* self, api_shared* sh, const std::string& text) {
  auto& st = self->state;
  if (!take_op(self, sh->opts.ws_ops_per_second)) {
    static auto& limited = metrics::get_counter("hirehub_websocket_frames_refused_total",
                                                "Client frames refused by ws.ops_per_second");
    limited.inc();
    if (++st.refused >= 100 && !st.closed) {
      st.closed = true;
      st.conn->close(1008, "too many frames (ws.ops_per_second)");
      self->quit();
      return;
    }
    send_error(self, errc::rate_limited, "too many frames on this socket (ws.ops_per_second); slow down");
    return;
  }
  auto parsed = parse_client_frame(text);
  if (!parsed.frame) {
    send_error(self, parsed.error.code, parsed.error.message, parsed.error.topic);
    return;
  }
  auto& frame = *parsed.frame;
  if (frame.op == client_frame::op_kind::ping) {
    st.conn->send(R"({"type":"pong"})");
    return;
  }
  auto topic = frame.topic;
  auto after_seq = frame.after_seq;
  if (frame.op == client_frame::op_kind::unsubscribe) {
    if (!drop_subscription(self, topic)) {
      send_error(self, errc::not_found, "not subscribed to " + topic, topic);
      return;
    }
    st.conn->send(nlohmann::json({{"type", "unsubscribed"}, {"topic", topic}}).dump());
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
  auto hub_topic = hub_topic_of(topic, st.by.role, st.by.user_id);
  if (!hub_topic.empty()) {
    // application:<id>, resume:<id>, notifications
  } else if (topic == "cluster") {
    // The admin console's live view of the cluster (cluster/feed).
    if (st.by.role != "admin") {
      send_error(self, errc::forbidden, "the cluster topic is for admins", topic);
      return;
    }
    if (after_seq) {
      send_error(self, errc::bad_request, "the cluster topic has no history: omit after_seq", topic);
      return;
    }
    hub_topic = cluster::feed_topic;
  } else {
    send_error(self, errc::bad_request,
               "unknown topic '" + topic + "': application:<id>, resume:<id>, notifications or cluster", topic);
    return;
  }
  // Subscribe first, then read what was missed: frames arriving meanwhile are
  // buffered and deduplicated by seq, so nothing falls between the two.
  topic_sub sub;
  sub.hub_topic = hub_topic;
  st.subs[topic] = std::move(sub);
  st.by_hub_topic[hub_topic] = topic;
  if (sh->opts.watch)
    sh->opts.watch->add(hub_topic);  // before the subscribe and the read of what was missed
  self->send(hub, subscribe_atom::value, hub_topic, caf::actor_cast<caf::actor>(self));
  if (topic == "cluster") {
    finish_subscribe(self, topic, 0, {});
    if (auto feed = service(self->system(), "feed"))
      self->send(feed, kick_atom::value);  // the first view now, not after a period
    return;
  }
  if (topic == "notifications") {
    st.subs[topic].dense = true;
    if (after_seq)
      st.subs[topic].last_seq = *after_seq;  // the numbering goes on from what the client saw
    auto db = service(self->system(), "db");
    if (!db) {
      fail_subscribe(self, topic, make_error(errc::unavailable, "the database pool is restarting; retry"));
      return;
    }
    if (!after_seq) {
      // Live from now: the numbering starts after the user's last notification.
      self->request(db, sh->opts.request_timeout, inbox_last_atom::value, st.by.user_id)
          .then([self, topic](int64_t last) { finish_subscribe(self, topic, last, {}); },
                [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
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
  if (topic.rfind("resume:", 0) == 0) {
    // The owner (or an admin) only; the catch-up is the resume's current state.
    auto db = service(self->system(), "db");
    if (!db) {
      fail_subscribe(self, topic, make_error(errc::unavailable, "the database pool is restarting; retry"));
      return;
    }
    auto id = topic.substr(7);
    auto user = st.by.user_id;
    bool admin = st.by.role == "admin";
    int64_t after = after_seq ? *after_seq : -1;
    persistence::db_task task{persistence::resumes::get_query(id, user, admin)};
    self->request(db, sh->opts.request_timeout, std::move(task))
        .then(
            [self, topic, id, after](persistence::db_reply& r) {
              if (r.error) {
                fail_subscribe(self, topic, r.error);
                return;
              }
              auto& v = r.value;
              int64_t seq = v.value("seq", int64_t{0});
              std::vector<std::pair<int64_t, std::string>> frames;
              if (after >= 0 && seq > after) {
                auto err = v.value("error", nlohmann::json());
                frames.emplace_back(seq, resume_pipeline::progress_frame(
                                             id, seq, v["stage"].is_string() ? v["stage"].get<std::string>() : "",
                                             v.value("progress", 0), v.value("status", ""),
                                             err.is_object() ? err.value("code", "") : "",
                                             err.is_object() ? err.value("message", "") : ""));
              }
              finish_subscribe(self, topic, seq, frames);
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

using expired_atom = caf::atom_constant<caf::atom("expired")>;

caf::behavior session_impl(session_actor* self, std::shared_ptr<ws_connection> conn, principal by, int64_t expires_at,
                           std::string login, std::string request_id, api_shared* sh) {
  self->state.conn = std::move(conn);
  self->state.by = std::move(by);
  self->state.request_id = std::move(request_id);
  static auto& sessions = metrics::get_gauge("hirehub_websocket_sessions", "Open WebSocket sessions");
  sessions.add(1);
  self->attach_functor([] { sessions.add(-1); });
  // A failing frame handler ends this session alone: logged, the socket closed with 1011.
  self->set_exception_handler([self](std::exception_ptr& ep) -> caf::error {
    log::warn("websocket session failed; closing it with 1011", {{"request_id", self->state.request_id}});
    if (!self->state.closed) {
      self->state.closed = true;
      self->state.conn->close(1011, "internal error");
    }
    return log_actor_exception(self, ep);
  });
  // The socket lives as long as the token that opened it: at its expiry it is closed
  // with 4001; the client reconnects with a fresh token (and resumes with after_seq).
  if (expires_at > 0) {
    auto left = std::chrono::seconds(expires_at) - std::chrono::duration_cast<std::chrono::seconds>(
                                                       std::chrono::system_clock::now().time_since_epoch());
    self->delayed_send(self, std::max<std::chrono::nanoseconds>(left, std::chrono::nanoseconds(0)),
                       expired_atom::value);
  }
  // ... and as long as its login: a logout (on any node) closes it with 4001 too.
  if (!login.empty()) {
    self->state.login_topic = login_topic(login);
    if (auto hub = service(self->system(), "hub"))
      self->send(hub, subscribe_atom::value, self->state.login_topic, caf::actor_cast<caf::actor>(self));
  }
  return {
      [self, sh](frame_atom, const std::string& text) { on_client_frame(self, sh, text); },
      [self](frame_atom, const std::string& hub_topic, int64_t seq, const std::string& frame) {
        auto& st = self->state;
        if (!st.login_topic.empty() && hub_topic == st.login_topic) {
          if (!st.closed) {
            st.closed = true;
            st.conn->close(4001, "logged out");
          }
          self->quit();
          return;
        }
        auto t = st.by_hub_topic.find(hub_topic);
        if (t == st.by_hub_topic.end())
          return;
        auto& sub = st.subs[t->second];
        if (sub.pending) {
          sub.buffered.emplace_back(seq, frame);
          return;
        }
        deliver_live(self, t->second, sub, seq, frame);
      },
      [self](expired_atom) {
        auto& st = self->state;
        if (!st.closed) {
          st.closed = true;
          st.conn->close(4001, "token expired");
        }
        self->quit();
      },
      [self](close_atom) {
        self->state.closed = true;
        self->quit();
      },
  };
}

// ---- the gateway supervisor -----------------------------------------------------

using deadline_tick_atom = caf::atom_constant<caf::atom("gwtick")>;

// It watches the request actors and the WebSocket sessions, stops them when the
// node stops, and ends a request past its deadline (http.request_timeout_ms from
// its start, for all the actor calls it makes): the request actor is sent an exit
// with sec::request_timeout and answers 503 `timeout`. The calls themselves carry
// no CAF timeout, which would wake CAF's clock thread twice per call (set, cancel).
struct gateway_sup_state {
  std::unordered_map<caf::actor_addr, caf::actor> children;
  /// Requests by deadline (start + the same timeout for each; kept in order at adoption).
  std::deque<std::pair<std::chrono::steady_clock::time_point, caf::actor_addr>> deadlines;
  std::chrono::milliseconds request_timeout{5000};
  bool tick_pending = false;
  std::string name;
  ~gateway_sup_state() {
    for (auto& [addr, c] : children)
      caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }
};

using gateway_sup_actor = caf::stateful_actor<gateway_sup_state>;

/// How often the supervisor looks for expired requests: a request ends between its
/// deadline and one tick later.
std::chrono::milliseconds deadline_tick(std::chrono::milliseconds timeout) {
  return std::clamp(timeout / 20, std::chrono::milliseconds{10}, std::chrono::milliseconds{250});
}

void schedule_deadline_tick(gateway_sup_actor* self) {
  auto& st = self->state;
  if (st.tick_pending || st.deadlines.empty())
    return;
  st.tick_pending = true;
  self->delayed_send(self, deadline_tick(st.request_timeout), deadline_tick_atom::value);
}

// Takes its name as an argument: CAF 0.17 binds a reference to a null
// shared_ptr<std::tuple<>> for argument-less actor functions (UBSan reports it).
caf::behavior gateway_supervisor(gateway_sup_actor* self, std::string name, std::chrono::milliseconds request_timeout) {
  self->state.name = std::move(name);
  self->state.request_timeout = request_timeout;
  self->set_down_handler([self](caf::down_msg& dm) {
    self->state.children.erase(dm.source);
    if (dm.reason && dm.reason != caf::exit_reason::normal && dm.reason != caf::exit_reason::user_shutdown &&
        dm.reason != caf::sec::request_timeout)
      metrics::get_counter("hirehub_gateway_actor_failures_total",
                           "Request and session actors that failed (their request or socket got an error)")
          .inc();
  });
  return {
      // Children are stopped, never restarted: a request or a socket cannot be replayed.
      // A request is ended at its deadline, counted from its start (`started_ns`: the
      // steady clock's count when the gateway took it, the same start its handlers
      // count from); a WebSocket session (0) lives as long as its socket.
      [self](adopt_atom, const caf::actor& child, int64_t started_ns) {
        auto& st = self->state;
        st.children.emplace(child.address(), child);
        self->monitor(child);
        if (started_ns != 0) {
          auto started = std::chrono::steady_clock::time_point{std::chrono::nanoseconds{started_ns}};
          // Adopted in about the order they started (I/O threads hand them over): a deadline
          // earlier than the last one queued is queued at that one's time, microseconds later.
          auto at = started + st.request_timeout;
          if (!st.deadlines.empty())
            at = std::max(at, st.deadlines.back().first);
          st.deadlines.emplace_back(at, child.address());
          schedule_deadline_tick(self);
        }
      },
      [self](deadline_tick_atom) {
        auto& st = self->state;
        st.tick_pending = false;
        auto now = std::chrono::steady_clock::now();
        while (!st.deadlines.empty() && st.deadlines.front().first <= now) {
          auto found = st.children.find(st.deadlines.front().second);
          if (found != st.children.end())
            self->send_exit(found->second, caf::make_error(caf::sec::request_timeout));
          st.deadlines.pop_front();
        }
        // Finished requests leave their entries behind until their deadline passes.
        schedule_deadline_tick(self);
      },
  };
}

}  // namespace

struct api::impl : api_shared {};

api::api(caf::actor_system& sys, api_options opts, std::shared_ptr<readiness> ready) : impl_(std::make_shared<impl>()) {
  impl_->sys = &sys;
  impl_->opts = std::move(opts);
  impl_->ready = std::move(ready);
  impl_->gw_sup = sys.spawn(gateway_supervisor, std::string{"gateway_supervisor"}, impl_->opts.request_timeout);
}

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& r : route_table())
    out.emplace_back(r.method, r.path);
  return out;
}

api::~api() {
  shutdown();
}

void api::shutdown() {
  // The handle stays (I/O threads may be reading it); the flag turns new requests away.
  if (!impl_->stopped.exchange(true) && impl_->gw_sup)
    caf::anon_send_exit(impl_->gw_sup, caf::exit_reason::user_shutdown);
}

size_t api::inflight() const {
  return impl_->inflight.load();
}

server_handlers api::handlers() {
  auto sh = impl_;
  server_handlers h;
  // Authentication before the body: a route that needs a token is refused on its
  // headers (401, or 403 for the wrong role where the route names one), so an
  // unauthenticated caller never makes the node read, buffer or store a body.
  h.on_head = [sh](const http_request& head) -> head_decision {
    head_decision d;
    auto* route = find_route(head.method, head.path);
    if (!route || route->who == access::anyone)
      return d;  // 404/405 and public routes are answered by the request actor
    try {
      auto ok = std::make_shared<authenticated>();
      ok->by = authenticate(*sh, head.authorization, false, &ok->claims);
      if (route->role)
        require_role(ok->by, route->role);
      d.auth = std::move(ok);
    } catch (const bad_input& e) {
      http_response r;
      r.status = http_status_of(e.code);
      r.body = error_body(e.code, e.message);
      if (e.code == errc::unauthorized)
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
      d.refused = std::move(r);
    }
    return d;
  };
  h.on_http = [sh](http_request req, http_reply reply) {
    auto job = std::make_shared<request_job>();
    job->req = std::move(req);
    job->reply = std::move(reply);
    if (sh->stopped.load()) {
      responder r{job};
      r.error(errc::unavailable, "the node is stopping; retry");
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
    int64_t started_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(job->started.time_since_epoch()).count();
    auto child = sh->sys->spawn(request_impl, std::move(job), static_cast<api_shared*>(sh.get()));
    caf::anon_send(sh->gw_sup, adopt_atom::value, child, started_ns);
  };
  h.on_ws_upgrade = [sh](const http_request& req) -> ws_admission {
    // The caller is authenticated here, once; the session carries the principal
    // and its token's expiry (it closes with 4001 when the token expires).
    ws_admission out;
    principal by;
    jwt::claims claims;
    try {
      auto token = query_param(req.query, "access_token");
      by = token.empty() ? authenticate(*sh, req.authorization, false, &claims)
                         : authenticate(*sh, token, true, &claims);
    } catch (const bad_input& e) {
      http_response r;
      r.status = http_status_of(e.code);
      r.body = error_body(e.code, e.message);
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      out.refused = std::move(r);
      return out;
    }
    out.open = [sh, by = std::move(by), expires_at = claims.expires_at, login = claims.session_id,
                request_id = req.request_id](std::shared_ptr<ws_connection> conn) -> ws_callbacks {
      ws_callbacks cb;
      if (sh->stopped.load()) {
        conn->close(1001, "the node is stopping");
        return cb;
      }
      auto session =
          sh->sys->spawn(session_impl, conn, by, expires_at, login, request_id, static_cast<api_shared*>(sh.get()));
      caf::anon_send(sh->gw_sup, adopt_atom::value, session, int64_t{0});
      caf::actor s = session;
      cb.on_text = [s](std::string text) { caf::anon_send(s, frame_atom::value, std::move(text)); };
      cb.on_close = [s] { caf::anon_send(s, close_atom::value); };
      return cb;
    };
    return out;
  };
  return h;
}

}  // namespace hirehub::gateway
