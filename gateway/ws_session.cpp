// The WebSocket session actors: one per socket, opened by the api (api.cpp) with the
// principal authenticated at the upgrade; client frames (gateway/ws_protocol), topic
// subscriptions with resume from after_seq, live frames from the hub, closing at the
// token's expiry and at the login's end.
#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <unordered_map>

#include "gateway/gateway_actors.hpp"
#include "gateway/request_context.hpp"
#include "gateway/route_match.hpp"
#include "runtime/atoms.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "actors/notification_actor.hpp"
#include "actors/match_atoms.hpp"
#include "actors/match_scorer.hpp"
#include "actors/resume_pipeline.hpp"
#include "cluster/feed.hpp"
#include "gateway/ws_protocol.hpp"
#include "persistence/matches.hpp"
#include "persistence/messages.hpp"
#include "persistence/resumes.hpp"
#include "persistence/types.hpp"
#include "runtime/hub.hpp"

namespace hirehub::gateway {

namespace {

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
  std::string request_id;  ///< of the upgrade request, for the logs
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

void send_error(session_actor* self, error_code code, const std::string& message, const std::string& topic = {}) {
  nlohmann::json f = {{"type", "error"}, {"error", {{"code", http_error_of(code).code}, {"message", message}}}};
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

/// Catches a new `notifications` subscription up: from the client's after_seq, or
/// live from the user's last notification.
void catch_up_notifications(session_actor* self, api_shared* sh, const std::string& topic,
                            std::optional<int64_t> after_seq) {
  auto& st = self->state;
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
}

/// Catches a `resume:<id>` subscription up: the resume's current state (its owner or an admin).
void catch_up_resume(session_actor* self, api_shared* sh, const std::string& topic, std::optional<int64_t> after_seq) {
  auto& st = self->state;
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
              frames.emplace_back(
                  seq, resume_pipeline::progress_frame(
                           id, seq, v["stage"].is_string() ? v["stage"].get<std::string>() : "", v.value("progress", 0),
                           v.value("status", ""), err.is_object() ? err.value("code", "") : "",
                           err.is_object() ? err.value("message", "") : ""));
            }
            finish_subscribe(self, topic, seq, frames);
          },
          [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
}

/// Catches an `application:<id>` subscription up from the entity's journal.
void catch_up_application(session_actor* self, api_shared* sh, const std::string& topic,
                          std::optional<int64_t> after_seq) {
  auto& st = self->state;
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

/// Catches a `job:<id>:matches` subscription up from the job's match actor (which
/// also decides whether the caller may watch: the job's company and admins).
void catch_up_job_matches(session_actor* self, api_shared* sh, const std::string& topic,
                          std::optional<int64_t> after_seq) {
  auto& st = self->state;
  auto registry = service(self->system(), "registry");
  if (!registry) {
    fail_subscribe(self, topic, make_error(errc::unavailable, "the node is restarting; retry"));
    return;
  }
  auto id = topic.substr(4, 36);
  nlohmann::json by = {{"user_id", st.by.user_id}, {"role", st.by.role}, {"company_id", st.by.company_id}};
  self->request(registry, sh->opts.request_timeout,
                route_message("match", id, false,
                              caf::make_message(catchup_atom::value, by.dump(), after_seq ? *after_seq : int64_t{-1})))
      .then(
          [self, topic](const std::string& answer) {
            auto a = nlohmann::json::parse(answer, nullptr, false);
            std::vector<std::pair<int64_t, std::string>> frames;
            for (const auto& f : a.value("frames", nlohmann::json::array()))
              frames.emplace_back(f[0].get<int64_t>(), f[1].get<std::string>());
            finish_subscribe(self, topic, a.value("last_seq", int64_t{0}), frames);
          },
          [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
}

/// Catches a `recommendations` subscription up: the jobseeker's recommendations after
/// after_seq, or live from now.
void catch_up_recommendations(session_actor* self, api_shared* sh, const std::string& topic,
                              std::optional<int64_t> after_seq) {
  if (!after_seq) {
    finish_subscribe(self, topic, 0, {});
    return;
  }
  auto db = service(self->system(), "db");
  if (!db) {
    fail_subscribe(self, topic, make_error(errc::unavailable, "the database pool is restarting; retry"));
    return;
  }
  persistence::db_task task{persistence::matches::recommended_query(self->state.by.user_id, *after_seq, 1000)};
  self->request(db, sh->opts.request_timeout, std::move(task))
      .then(
          [self, topic, after = *after_seq](persistence::db_reply& r) {
            if (r.error) {
              fail_subscribe(self, topic, r.error);
              return;
            }
            std::vector<std::pair<int64_t, std::string>> frames;
            int64_t last = after;
            for (const auto& row : r.value) {
              auto seq = row["seq"].get<int64_t>();
              frames.emplace_back(seq, matching::recommendation_frame(row.dump()));
              last = std::max(last, seq);
            }
            finish_subscribe(self, topic, last, frames);
          },
          [self, topic](caf::error& err) { fail_subscribe(self, topic, err); });
}

/// Whether the socket may send another frame (ws.ops_per_second); after 100
/// refusals it is closed with 1008.
bool frame_allowed(session_actor* self, api_shared* sh) {
  auto& st = self->state;
  if (take_op(self, sh->opts.ws_ops_per_second))
    return true;
  static auto& limited =
      metrics::get_counter("hirehub_websocket_frames_refused_total", "Client frames refused by ws.ops_per_second");
  limited.inc();
  if (++st.refused >= 100 && !st.closed) {
    st.closed = true;
    st.conn->close(1008, "too many frames (ws.ops_per_second)");
    self->quit();
    return false;
  }
  send_error(self, errc::rate_limited, "too many frames on this socket (ws.ops_per_second); slow down");
  return false;
}

/// The hub topic a client's topic stands for, when the caller may watch it ("" after
/// an error frame was sent).
std::string hub_topic_for(session_actor* self, const std::string& topic, std::optional<int64_t> after_seq) {
  auto& st = self->state;
  auto hub_topic = hub_topic_of(topic, st.by.role, st.by.user_id);
  if (!hub_topic.empty())
    return hub_topic;  // application:<id>, resume:<id>, notifications
  if (topic == "cluster") {
    // The admin console's live view of the cluster (cluster/feed).
    if (st.by.role != "admin") {
      send_error(self, errc::forbidden, "the cluster topic is for admins", topic);
      return {};
    }
    if (after_seq) {
      send_error(self, errc::bad_request, "the cluster topic has no history: omit after_seq", topic);
      return {};
    }
    return cluster::feed_topic;
  }
  if (topic == "recommendations") {
    send_error(self, errc::forbidden, "the recommendations topic is a jobseeker's own", topic);
    return {};
  }
  send_error(self, errc::bad_request,
             "unknown topic '" + topic +
                 "': application:<id>, resume:<id>, job:<id>:matches, notifications, recommendations or cluster",
             topic);
  return {};
}

void subscribe(session_actor* self, api_shared* sh, const std::string& topic, std::optional<int64_t> after_seq) {
  auto& st = self->state;
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
  auto hub_topic = hub_topic_for(self, topic, after_seq);
  if (hub_topic.empty())
    return;
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
  } else if (topic == "notifications") {
    catch_up_notifications(self, sh, topic, after_seq);
  } else if (topic.rfind("resume:", 0) == 0) {
    catch_up_resume(self, sh, topic, after_seq);
  } else if (topic.rfind("job:", 0) == 0) {
    catch_up_job_matches(self, sh, topic, after_seq);
  } else if (topic == "recommendations") {
    catch_up_recommendations(self, sh, topic, after_seq);
  } else {
    catch_up_application(self, sh, topic, after_seq);
  }
}

void on_client_frame(session_actor* self, api_shared* sh, const std::string& text) {
  auto& st = self->state;
  if (!frame_allowed(self, sh))
    return;
  auto parsed = parse_client_frame(text);
  if (!parsed.frame) {
    send_error(self, parsed.error.code, parsed.error.message, parsed.error.topic);
    return;
  }
  auto& frame = *parsed.frame;
  switch (frame.op) {
    case client_frame::op_kind::ping: st.conn->send(R"({"type":"pong"})"); return;
    case client_frame::op_kind::unsubscribe:
      if (!drop_subscription(self, frame.topic)) {
        send_error(self, errc::not_found, "not subscribed to " + frame.topic, frame.topic);
        return;
      }
      st.conn->send(nlohmann::json({{"type", "unsubscribed"}, {"topic", frame.topic}}).dump());
      return;
    case client_frame::op_kind::subscribe: subscribe(self, sh, frame.topic, frame.after_seq); return;
  }
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
    auto left = std::chrono::seconds(expires_at) -
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
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

}  // namespace

caf::actor spawn_session(api_shared& sh, std::shared_ptr<ws_connection> conn, principal by, int64_t expires_at,
                         std::string login, std::string request_id) {
  return sh.sys->spawn(session_impl, std::move(conn), std::move(by), expires_at, std::move(login),
                       std::move(request_id), &sh);
}

}  // namespace hirehub::gateway
