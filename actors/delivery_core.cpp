#include "actors/delivery_core.hpp"

#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"

namespace hirehub::notification {

namespace {

bool temporary(const attempt& a) {
  if (a.what != attempt::kind::answered)
    return a.what == attempt::kind::no_answer;
  if (a.via == transport::smtp)
    return !(a.code >= 500 && a.code < 600);
  return a.code == 429 || a.code >= 500;
}

std::string describe(const std::string& channel, const attempt& a) {
  if (a.what == attempt::kind::no_recipient)
    return a.error;
  if (a.via == transport::smtp)
    return "smtp: " + a.error + (a.code ? " (reply " + std::to_string(a.code) + ")" : "");
  if (a.what == attempt::kind::no_answer)
    return channel + ": " + a.error;
  return channel + ": HTTP " + std::to_string(a.code) + " " + a.body.substr(0, 200);
}

}  // namespace

verdict judge(const std::string& channel, const std::string& id, const attempt& a, int32_t attempts,
              const retry_policy& p) {
  verdict v;
  if (a.what == attempt::kind::answered && a.accepted) {
    v.what = verdict::outcome::sent;
    if (a.via == transport::smtp) {
      v.provider_ref = "<" + id + "@hirehub>";
    } else if (auto j = nlohmann::json::parse(a.body, nullptr, false); j.is_object()) {
      v.delivered = j.contains("status") && j["status"] == "delivered";
      if (j.contains("id") && j["id"].is_string())
        v.provider_ref = j["id"].get<std::string>();
    }
    return v;
  }
  v.error = describe(channel, a);
  if (!temporary(a))
    return v;  // failed: a permanent refusal
  if (attempts < p.max_attempts) {
    v.what = verdict::outcome::retry;
    v.retry_in_ms = retry_delay_ms(attempts, p.base_ms, p.max_ms);
    return v;
  }
  v.error += " (gave up after " + std::to_string(attempts) + " attempts)";
  return v;
}

}  // namespace hirehub::notification
