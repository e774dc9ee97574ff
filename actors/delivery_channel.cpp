#include "actors/delivery_channel.hpp"

#include <cstring>
#include <mutex>

#include <caf/all.hpp>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "persistence/notifications.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_post.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/observe.hpp"
#include "runtime/rate_limiter.hpp"

namespace hirehub::notification {

namespace {

namespace store = persistence::notifications;

enum class outcome { sent, retry, permanent };

struct send_result {
  outcome what = outcome::retry;
  bool delivered = false;
  std::string recipient;
  std::string provider_ref;
  std::string error;
};

struct curl_handle {
  CURL* h = curl_easy_init();
  curl_slist* list = nullptr;
  ~curl_handle() {
    if (list)
      curl_slist_free_all(list);
    if (h)
      curl_easy_cleanup(h);
  }
};

struct upload {
  const std::string* data;
  size_t pos = 0;
};

size_t feed(char* buf, size_t size, size_t n, void* in) {
  auto* u = static_cast<upload*>(in);
  size_t len = std::min(size * n, u->data->size() - u->pos);
  std::memcpy(buf, u->data->data() + u->pos, len);
  u->pos += len;
  return len;
}

send_result send_email(const channel_options& o, const store::delivery& d) {
  send_result r;
  r.recipient = d.email;
  if (d.email.empty()) {
    r.what = outcome::permanent;
    r.error = "the user has no e-mail address";
    return r;
  }
  auto msg = email_message(o.from, d.email, d.title, d.content, d.id, now_ms());
  curl_handle c;
  upload up{&msg};
  auto addr = o.from;
  if (auto lt = addr.find('<'); lt != std::string::npos)
    addr = addr.substr(lt + 1, addr.find('>', lt) - lt - 1);
  c.list = curl_slist_append(nullptr, ("<" + d.email + ">").c_str());
  curl_easy_setopt(c.h, CURLOPT_URL, o.endpoint.c_str());
  curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, ("<" + addr + ">").c_str());
  curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
  curl_easy_setopt(c.h, CURLOPT_READFUNCTION, feed);
  curl_easy_setopt(c.h, CURLOPT_READDATA, &up);
  curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.send_timeout.count()));
  if (!o.username.empty()) {
    curl_easy_setopt(c.h, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(c.h, CURLOPT_PASSWORD, o.password.c_str());
    curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  auto rc = curl_easy_perform(c.h);
  long code = 0;
  curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) {
    r.what = outcome::sent;
    r.provider_ref = "<" + d.id + "@hirehub>";
    return r;
  }
  r.error = std::string{"smtp: "} + curl_easy_strerror(rc) + (code ? " (reply " + std::to_string(code) + ")" : "");
  r.what = code >= 500 && code < 600 ? outcome::permanent : outcome::retry;
  return r;
}

send_result post_json(const channel_options& o, const std::string& id, const nlohmann::json& body) {
  send_result r;
  std::vector<std::string> headers{"Idempotency-Key: " + id};
  if (!o.api_key.empty())
    headers.push_back("Authorization: Bearer " + o.api_key);
  auto a = http::post_json(o.endpoint, headers, body.dump(), o.send_timeout);
  if (a.status == 0) {
    r.error = std::string{o.channel} + ": " + a.error;
    return r;  // retry
  }
  if (a.status >= 200 && a.status < 300) {
    r.what = outcome::sent;
    auto j = nlohmann::json::parse(a.body, nullptr, false);
    if (j.is_object()) {
      r.delivered = j.value("status", "") == "delivered";
      if (j.contains("id") && j["id"].is_string())
        r.provider_ref = j["id"].get<std::string>();
    }
    return r;
  }
  r.error = o.channel + ": HTTP " + std::to_string(a.status) + " " + a.body.substr(0, 200);
  r.what = a.status == 429 || a.status >= 500 ? outcome::retry : outcome::permanent;
  return r;
}

send_result send_push(const channel_options& o, const store::delivery& d) {
  if (d.device_tokens.empty()) {
    send_result r;
    r.what = outcome::permanent;
    r.error = "the user has no active device token";
    return r;
  }
  nlohmann::json body = {{"notification_id", d.id},
                         {"tokens", d.device_tokens},
                         {"title", d.title},
                         {"body", d.content},
                         {"data", nlohmann::json::parse(d.data, nullptr, false)}};
  auto r = post_json(o, d.id, body);
  r.recipient = std::to_string(d.device_tokens.size()) + " device(s)";
  return r;
}

send_result send_sms(const channel_options& o, const store::delivery& d) {
  if (d.phone.empty()) {
    send_result r;
    r.what = outcome::permanent;
    r.error = "the user has no phone number";
    return r;
  }
  auto r = post_json(o, d.id, {{"notification_id", d.id}, {"to", d.phone}, {"text", d.content}});
  r.recipient = d.phone;
  return r;
}

struct channel_state {
  channel_options opts;
  std::unique_ptr<store::delivery_store> db;
  std::unique_ptr<rate_limiter> limiter;
  const char* name = "delivery_channel";
};

using channel_actor = observed_actor<channel_state>;

/// One round: claim, send, record. Returns how many rows it claimed.
size_t round(channel_actor* self) {
  auto& st = self->state;
  auto& o = st.opts;
  // Per channel (each actor its own labels): looked up, not cached in statics.
  const char* help = "Notification sends by channel and outcome";
  auto& sent = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                    {{"channel", o.channel}, {"outcome", "sent"}});
  auto& retried = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                       {{"channel", o.channel}, {"outcome", "retry"}});
  auto& failed = metrics::get_counter("hirehub_notification_deliveries_total", help,
                                      {{"channel", o.channel}, {"outcome", "failed"}});
  auto& limited = metrics::get_counter("hirehub_notification_rate_limited_total",
                                       "Sends postponed by a channel's rate limit", {{"channel", o.channel}});
  auto due = st.db->claim_due(o.batch, o.lease.count());
  for (size_t i = 0; i < due.size(); ++i) {
    auto& d = due[i];
    if (auto wait_s = st.limiter->take(o.channel); wait_s > 0) {
      // Over the rate: give this and the rest back, uncounted, for later.
      limited.inc();
      std::vector<std::string> back;
      for (size_t j = i; j < due.size(); ++j)
        back.push_back(due[j].id);
      st.db->release(back, wait_s * 1000);
      break;
    }
    auto r = o.channel == "email" ? send_email(o, d) : o.channel == "push" ? send_push(o, d) : send_sms(o, d);
    if (r.what == outcome::sent) {
      sent.inc();
      st.db->mark_sent(d.id, r.delivered, r.recipient, r.provider_ref);
    } else if (r.what == outcome::retry && d.attempts < o.max_attempts) {
      retried.inc();
      st.db->mark_retry(d.id, r.error, retry_delay_ms(d.attempts, o.retry_base.count(), o.retry_max.count()));
    } else {
      failed.inc();
      auto why =
          r.what == outcome::retry ? r.error + " (gave up after " + std::to_string(d.attempts) + " attempts)" : r.error;
      st.db->mark_failed(d.id, why);
      log::warn("notification dead-lettered", {{"channel", o.channel}, {"notification_id", d.id}, {"error", why}});
    }
  }
  return due.size();
}

void run_rounds(channel_actor* self) {
  try {
    for (int i = 0; i < 20 && round(self) == static_cast<size_t>(self->state.opts.batch); ++i) {
    }
  } catch (const std::exception& e) {
    log::warn("delivery round failed", {{"channel", self->state.opts.channel}, {"error", e.what()}});
  }
}

caf::behavior channel_impl(channel_actor* self, channel_options opts) {
  static std::once_flag curl_once;
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  self->state.limiter = std::make_unique<rate_limiter>(opts.rate_per_sec, std::chrono::milliseconds(1000));
  self->state.opts = std::move(opts);
  self->state.db = std::make_unique<store::delivery_store>(self->state.opts.db_url, self->state.opts.channel);
  self->send(self, tick_atom::value);
  return {
      [self](tick_atom) {
        run_rounds(self);
        self->delayed_send(self, self->state.opts.poll, tick_atom::value);
      },
      [self](kick_atom) { run_rounds(self); },
  };
}

}  // namespace

caf::actor spawn_delivery_channel(caf::actor_system& sys, channel_options opts) {
  return sys.spawn<caf::detached>(channel_impl, std::move(opts));
}

}  // namespace hirehub::notification
