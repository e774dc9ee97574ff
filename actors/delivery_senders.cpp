#include "actors/delivery_senders.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "persistence/notifications.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_post.hpp"

namespace hirehub::notification {

namespace {

using store_delivery = persistence::notifications::delivery;

attempt no_recipient(std::string why) {
  attempt a;
  a.what = attempt::kind::no_recipient;
  a.error = std::move(why);
  return a;
}

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

class smtp_sender final : public sender {
 public:
  explicit smtp_sender(channel_options o) : o_(std::move(o)) {
    static std::once_flag curl_once;
    std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  attempt send(const store_delivery& d, std::string& recipient) override {
    recipient = d.email;
    if (d.email.empty())
      return no_recipient("the user has no e-mail address");
    auto msg = email_message(o_.from, d.email, d.title, d.content, d.id, now_ms());
    curl_handle c;
    upload up{&msg};
    auto addr = o_.from;
    if (auto lt = addr.find('<'); lt != std::string::npos)
      addr = addr.substr(lt + 1, addr.find('>', lt) - lt - 1);
    c.list = curl_slist_append(nullptr, ("<" + d.email + ">").c_str());
    curl_easy_setopt(c.h, CURLOPT_URL, o_.endpoint.c_str());
    curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, ("<" + addr + ">").c_str());
    curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.list);
    curl_easy_setopt(c.h, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(c.h, CURLOPT_READDATA, &up);
    curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.send_timeout.count()));
    if (!o_.username.empty()) {
      curl_easy_setopt(c.h, CURLOPT_USERNAME, o_.username.c_str());
      curl_easy_setopt(c.h, CURLOPT_PASSWORD, o_.password.c_str());
      curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    auto rc = curl_easy_perform(c.h);
    long code = 0;
    curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &code);
    attempt a;
    a.via = transport::smtp;
    a.code = static_cast<int>(code);
    a.accepted = rc == CURLE_OK;
    a.what = rc == CURLE_OK || code != 0 ? attempt::kind::answered : attempt::kind::no_answer;
    if (rc != CURLE_OK)
      a.error = curl_easy_strerror(rc);
    return a;
  }

 private:
  channel_options o_;
};

/// Push and SMS: a JSON POST with the notification id as its Idempotency-Key.
class http_sender final : public sender {
 public:
  explicit http_sender(channel_options o) : o_(std::move(o)) {}

  attempt send(const store_delivery& d, std::string& recipient) override {
    nlohmann::json body;
    if (o_.channel == "push") {
      recipient = std::to_string(d.device_tokens.size()) + " device(s)";
      if (d.device_tokens.empty())
        return no_recipient("the user has no active device token");
      body = {{"notification_id", d.id},
              {"tokens", d.device_tokens},
              {"title", d.title},
              {"body", d.content},
              {"data", nlohmann::json::parse(d.data, nullptr, false)}};
    } else {
      recipient = d.phone;
      if (d.phone.empty())
        return no_recipient("the user has no phone number");
      body = {{"notification_id", d.id}, {"to", d.phone}, {"text", d.content}};
    }
    std::vector<std::string> headers{"Idempotency-Key: " + d.id};
    if (!o_.api_key.empty())
      headers.push_back("Authorization: Bearer " + o_.api_key);
    auto r = http::post_json(o_.endpoint, headers, body.dump(), o_.send_timeout);
    attempt a;
    a.via = transport::http;
    a.code = r.status;
    a.what = r.status == 0 ? attempt::kind::no_answer : attempt::kind::answered;
    a.accepted = r.status >= 200 && r.status < 300;
    a.body = std::move(r.body);
    a.error = std::move(r.error);
    return a;
  }

 private:
  channel_options o_;
};

}  // namespace

std::unique_ptr<sender> make_sender(const channel_options& opts) {
  if (opts.channel == "email")
    return std::make_unique<smtp_sender>(opts);
  return std::make_unique<http_sender>(opts);
}

}  // namespace hirehub::notification
