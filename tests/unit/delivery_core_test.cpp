// How one notification send is judged (actors/delivery_core), without a provider.
#include <gtest/gtest.h>

#include "actors/delivery_core.hpp"

using namespace hirehub::notification;

namespace {

attempt http(int status, std::string body = {}) {
  attempt a;
  a.via = transport::http;
  a.what = attempt::kind::answered;
  a.code = status;
  a.accepted = status >= 200 && status < 300;
  a.body = std::move(body);
  return a;
}

attempt smtp(int reply, bool accepted, std::string error = {}) {
  attempt a;
  a.via = transport::smtp;
  a.what = reply || accepted ? attempt::kind::answered : attempt::kind::no_answer;
  a.code = reply;
  a.accepted = accepted;
  a.error = std::move(error);
  return a;
}

const retry_policy policy{5, 1000, 300000};

verdict::outcome of(const attempt& a, int attempts = 1) {
  return judge("push", "n1", a, attempts, policy).what;
}

}  // namespace

TEST(delivery_core, http_2xx_is_sent_and_keeps_the_providers_id_and_delivery) {
  auto v = judge("push", "n1", http(202, R"({"id":"p-9","status":"delivered"})"), 1, policy);
  EXPECT_EQ(v.what, verdict::outcome::sent);
  EXPECT_TRUE(v.delivered);
  EXPECT_EQ(v.provider_ref, "p-9");
  v = judge("sms", "n1", http(200, R"({"status":7,"id":5})"), 1, policy);  // odd types are ignored
  EXPECT_EQ(v.what, verdict::outcome::sent);
  EXPECT_FALSE(v.delivered);
  EXPECT_EQ(v.provider_ref, "");
  EXPECT_EQ(judge("sms", "n1", http(204, "not json"), 1, policy).what, verdict::outcome::sent);
}

TEST(delivery_core, http_429_5xx_and_no_answer_retry_other_4xx_fail_at_once) {
  EXPECT_EQ(of(http(429)), verdict::outcome::retry);
  EXPECT_EQ(of(http(500)), verdict::outcome::retry);
  EXPECT_EQ(of(http(503)), verdict::outcome::retry);
  attempt none;
  none.what = attempt::kind::no_answer;
  none.error = "timed out";
  EXPECT_EQ(of(none), verdict::outcome::retry);
  EXPECT_EQ(judge("push", "n1", none, 1, policy).error, "push: timed out");
  EXPECT_EQ(of(http(400)), verdict::outcome::failed);
  EXPECT_EQ(of(http(404)), verdict::outcome::failed);
  EXPECT_EQ(of(http(301)), verdict::outcome::failed);
  auto v = judge("sms", "n1", http(401, std::string(500, 'x')), 1, policy);
  EXPECT_EQ(v.error, "sms: HTTP 401 " + std::string(200, 'x'));  // the answer is cut to 200 bytes
}

TEST(delivery_core, smtp_5xx_fails_4xx_and_no_answer_retry) {
  auto v = judge("email", "n7", smtp(250, true), 1, policy);
  EXPECT_EQ(v.what, verdict::outcome::sent);
  EXPECT_EQ(v.provider_ref, "<n7@hirehub>");  // the Message-ID it was sent with
  v = judge("email", "n7", smtp(550, false, "Failed sending data to the peer"), 1, policy);
  EXPECT_EQ(v.what, verdict::outcome::failed);
  EXPECT_EQ(v.error, "smtp: Failed sending data to the peer (reply 550)");
  EXPECT_EQ(judge("email", "n7", smtp(451, false, "x"), 1, policy).what, verdict::outcome::retry);
  v = judge("email", "n7", smtp(0, false, "Couldn't connect to server"), 1, policy);
  EXPECT_EQ(v.what, verdict::outcome::retry);
  EXPECT_EQ(v.error, "smtp: Couldn't connect to server");
}

TEST(delivery_core, a_user_without_an_address_fails_at_once) {
  attempt a;
  a.what = attempt::kind::no_recipient;
  a.error = "the user has no phone number";
  auto v = judge("sms", "n1", a, 1, policy);
  EXPECT_EQ(v.what, verdict::outcome::failed);
  EXPECT_EQ(v.error, "the user has no phone number");
}

TEST(delivery_core, retries_back_off_and_end_in_the_dead_letter) {
  auto v1 = judge("push", "n1", http(503), 1, policy);
  auto v2 = judge("push", "n1", http(503), 2, policy);
  auto v4 = judge("push", "n1", http(503), 4, policy);
  EXPECT_EQ(v1.retry_in_ms, 1000);
  EXPECT_EQ(v2.retry_in_ms, 2000);
  EXPECT_EQ(v4.retry_in_ms, 8000);
  auto last = judge("push", "n1", http(503), 5, policy);
  EXPECT_EQ(last.what, verdict::outcome::failed);
  EXPECT_NE(last.error.find("(gave up after 5 attempts)"), std::string::npos);
  EXPECT_EQ(judge("push", "n1", http(503), 30, {40, 1000, 5000}).retry_in_ms, 5000);  // capped
}
