// Notification channels end to end, against real local servers: an SMTP server
// (python3-aiosmtpd) for e-mail, an HTTP receiver for the push gateway, and a
// closed port for the SMS provider (every attempt fails: the dead letter).
// Templates are checked when saved; retries back off; admins see and requeue
// dead letters; a person gets each notification once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <cmath>
#include <sstream>

#include "runtime/crypto.hpp"
#include "support/harness.hpp"

using namespace hh_test;
namespace fs = std::filesystem;

namespace {

std::string sink(const char* name) {
  return std::string{HIREHUB_SOURCE_DIR} + "/tests/support/" + name;
}

/// Waits until something accepts connections on `port`.
bool listening(int port) {
  return eventually(std::chrono::seconds(20), [port] {
    try {
      http_client c{port};
      c.raw("QUIT\r\n");
      return true;
    } catch (const std::exception&) {
      return false;
    }
  });
}

struct env {
  database db;
  broker kafka;
  std::string dir = temp_dir();
  int smtp_port = free_port();
  int push_port = free_port();
  int sms_port = free_port();  // nothing listens here
  // The first message gets 451 (temporary): the sender must retry it.
  process smtp{{"/usr/bin/python3", sink("smtp_sink.py"), "--port", std::to_string(smtp_port), "--dir", dir + "/mail",
                "--fail-first", "1"},
               {},
               dir + "/smtp.log"};
  process push{{"/usr/bin/python3", sink("http_sink.py"), "--port", std::to_string(push_port), "--file",
                dir + "/push.jsonl", "--fail-first", "1", "--status-delivered"},
               {},
               dir + "/push.log"};
  bool sinks_up = listening(smtp_port) && listening(push_port);
  node n{db,
         kafka,
         {{"HIREHUB_NOTIFY_EMAIL_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(smtp_port)},
          {"HIREHUB_NOTIFY_PUSH_URL", "http://127.0.0.1:" + std::to_string(push_port) + "/v1/push"},
          {"HIREHUB_NOTIFY_SMS_URL", "http://127.0.0.1:" + std::to_string(sms_port) + "/v1/sms"},
          {"HIREHUB_NOTIFY_PUBLIC_URL", "https://hirehub.test"},
          {"HIREHUB_NOTIFY_MAX_ATTEMPTS", "3"},
          {"HIREHUB_NOTIFY_RETRY_BASE_MS", "50"},
          {"HIREHUB_NOTIFY_RETRY_MAX_MS", "200"},
          {"HIREHUB_NOTIFY_POLL_MS", "50"},
          {"HIREHUB_NOTIFY_SEND_TIMEOUT_MS", "2000"}}};
};

std::string slurp(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Accepted e-mails, in arrival order.
std::vector<std::string> mails(const env& e) {
  std::vector<fs::path> files;
  if (fs::exists(e.dir + "/mail"))
    for (auto& f : fs::directory_iterator(e.dir + "/mail"))
      if (f.path().extension() == ".eml")
        files.push_back(f.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (auto& f : files)
    out.push_back(slurp(f));
  return out;
}

std::vector<json> push_requests(const env& e) {
  std::vector<json> out;
  std::ifstream in{e.dir + "/push.jsonl"};
  for (std::string line; std::getline(in, line);)
    out.push_back(json::parse(line));
  return out;
}

class notifications : public node_suite<env> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(e_->sinks_up) << "the SMTP or HTTP sink did not start; see " << e_->dir;
    node_suite::SetUp();
  }

  struct account {
    std::string id;
    std::string tok;
    std::string email;
    std::string company_id;
  };

  account signup(const json& extra) {
    auto u = sign_up_with(*http_, extra);
    return {u.id, u.tok, u.email, u.company};
  }

  account company() { return signup({{"role", "company"}, {"name", "Lee"}, {"company", {{"name", "한빛소프트"}}}}); }

  account seeker(bool reachable_everywhere) {
    auto a = signup({{"role", "jobseeker"}, {"name", "김민지"}});
    if (reachable_everywhere) {
      EXPECT_EQ(http_->patch("/api/v1/me/profile", {{"phone", "+821012345678"}}, a.tok).status, 200);
      EXPECT_EQ(http_->patch("/api/v1/me/notification-settings", {{"sms_enabled", true}}, a.tok).status, 200);
      EXPECT_EQ(
          http_->post("/api/v1/me/device-tokens", {{"device_type", "android"}, {"token", "fcm-" + a.id}}, a.tok).status,
          201);
    }
    return a;
  }

  /// A job of `c`, an application of `s`, moved to reviewing; returns the application id.
  std::string applied_and_reviewed(const account& c, const account& s) {
    auto job =
        http_->post("/api/v1/jobs",
                    {{"title", "데이터 엔지니어"},
                     {"experience_min", 2},
                     {"experience_max", 6},
                     {"skills", {{{"name", "Python"}, {"required", true}}, {{"name", "Spark"}, {"required", true}}}}},
                    c.tok);
    EXPECT_EQ(job.status, 201) << job.body;
    // A resume matching can read: Python from three years of dated experience, no Spark.
    json parsed = {{"experiences", json::array()},
                   {"educations", json::array()},
                   {"skills",
                    {{{"name", "Python"},
                      {"category", "language"},
                      {"proficiency", nullptr},
                      {"years", nullptr},
                      {"source", "experience"},
                      {"years_from_experience", 3.0}}}},
                   {"certifications", json::array()},
                   {"years_experience", 3.0},
                   {"language", "ko"}};
    auto app = http_->post("/api/v1/applications",
                           {{"job_id", job.json_body["id"]}, {"resume_id", e_->db.resume_of(s.id, parsed)}}, s.tok);
    EXPECT_EQ(app.status, 201) << app.body;
    auto id = app.json_body["id"].get<std::string>();
    EXPECT_EQ(http_->patch("/api/v1/applications/" + id + "/status", {{"status", "reviewing"}}, c.tok).status, 200);
    return id;
  }

  json own(const account& a, const std::string& channel, const std::string& event_type = {}) {
    auto all = http_->get("/api/v1/notifications?channel=" + channel, a.tok).json_body["notifications"];
    if (event_type.empty())
      return all;
    json out = json::array();
    for (auto& n : all)
      if (n["event_type"] == event_type)
        out.push_back(n);
    return out;
  }

  std::string admin_ = token(uuid(), "admin");
};

}  // namespace

TEST_F(notifications, every_channel_delivers_once_with_retries_and_dead_letters) {
  auto c = company();
  auto s = seeker(true);
  auto app = applied_and_reviewed(c, s);

  // E-mail: both were welcomed; the company hears of the application, the
  // applicant of the stage change.
  auto all_sent = [](const json& l) {
    return std::all_of(l.begin(), l.end(), [](const json& n) { return n["status"] == "sent"; });
  };
  ASSERT_TRUE(eventually(std::chrono::seconds(30),
                         [&] {
                           auto a = own(c, "email");
                           auto b = own(s, "email");
                           return a.size() == 2 && b.size() == 2 && all_sent(a) && all_sent(b);
                         }))
      << "company: " << own(c, "email").dump() << "\nseeker: " << own(s, "email").dump();
  ASSERT_EQ(own(c, "email", "user.registered").size(), 1u);
  EXPECT_NE(own(c, "email", "user.registered")[0]["title"].get<std::string>().find("Lee"), std::string::npos);
  EXPECT_NE(own(s, "email", "user.registered")[0]["title"].get<std::string>().find("김민지"), std::string::npos);
  auto to_company = own(c, "email", "application.submitted")[0];
  EXPECT_EQ(to_company["event_type"], "application.submitted");
  EXPECT_EQ(to_company["recipient"], c.email);
  auto all = mails(*e_);
  std::string company_mail;
  std::string seeker_mail;
  auto seeker_note = own(s, "email", "application.status_changed")[0]["id"].get<std::string>();
  auto subject_of = [](const std::string& text) {
    return "Subject: =?UTF-8?B?" + hirehub::crypto::base64_encode(text) + "?=";
  };
  for (auto& m : all) {
    if (m.find("X-Envelope-To: " + c.email) == 0 &&
        m.find(subject_of("새로운 지원자가 있습니다: 데이터 엔지니어")) != std::string::npos)
      company_mail = m;
    if (m.find("X-Envelope-To: " + s.email) == 0 && m.find("<" + seeker_note + "@hirehub>") != std::string::npos)
      seeker_mail = m;
  }
  ASSERT_FALSE(company_mail.empty()) << "no e-mail reached the SMTP server for " << c.email;
  ASSERT_FALSE(seeker_mail.empty());
  // One accepted message per notification, under its fixed Message-ID.
  auto id = to_company["id"].get<std::string>();
  EXPECT_NE(company_mail.find("Message-ID: <" + id + "@hirehub>"), std::string::npos);
  int copies = 0;
  for (auto& m : all)
    copies += m.find("<" + id + "@hirehub>") != std::string::npos ? 1 : 0;
  EXPECT_EQ(copies, 1);
  // The subject and body are the seed's template with the names looked up.
  EXPECT_NE(company_mail.find("Subject: =?UTF-8?B?" +
                              hirehub::crypto::base64_encode("새로운 지원자가 있습니다: 데이터 엔지니어") + "?="),
            std::string::npos)
      << company_mail;
  auto body_b64 = company_mail.substr(company_mail.find("\r\n\r\n") + 4);
  body_b64.erase(std::remove(body_b64.begin(), body_b64.end(), '\n'), body_b64.end());
  body_b64.erase(std::remove(body_b64.begin(), body_b64.end(), '\r'), body_b64.end());
  // The score the application stored (one of two required skills: capped at 70), as the e-mail shows it.
  auto stored = http_->get("/api/v1/applications/" + app, c.tok).json_body;
  ASSERT_TRUE(stored["match_score"].is_number()) << stored.dump();
  double score = stored["match_score"].get<double>();
  EXPECT_GT(score, 40);
  EXPECT_LE(score, 70);
  EXPECT_EQ(std::stod(e_->db.scalar("SELECT match_score FROM applications WHERE id = '" + app + "'")), score);
  std::ostringstream shown;
  shown << std::round(score * 10) / 10;
  auto expected_body = "김민지님이 데이터 엔지니어 포지션에 지원했습니다.\n\n매칭 점수: " + shown.str() +
                       "점\n\n지원서 확인하기: https://hirehub.test/applications/" + app;
  EXPECT_EQ(body_b64, hirehub::crypto::base64_encode(expected_body));
  // The SMTP server refused its first message once (451): one e-mail of the suite
  // took a second attempt, every other one attempt.
  EXPECT_EQ(
      e_->db.count("SELECT sum(attempts) - count(*) FROM notifications WHERE channel = 'email' AND status = 'sent'"),
      1);

  // Push: the gateway answered 503 once, then took it and reported it delivered.
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    auto p = own(s, "push");
    return p.size() == 1 && p[0]["status"] == "delivered";
  })) << own(s, "push").dump();
  auto reqs = push_requests(*e_);
  std::vector<json> mine;
  for (auto& r : reqs)
    if (r["body"]["tokens"] == json::array({"fcm-" + s.id}))
      mine.push_back(r);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["headers"]["Idempotency-Key"], own(s, "push")[0]["id"]);
  EXPECT_EQ(mine[0]["path"], "/v1/push");
  EXPECT_EQ(mine[0]["body"]["data"]["stage"], "in_review");

  // SMS: the provider is down; three attempts, then the dead letter, with the reason.
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    auto m = own(s, "sms");
    return m.size() == 1 && m[0]["status"] == "failed";
  })) << own(s, "sms").dump();
  auto sms = own(s, "sms")[0];
  EXPECT_EQ(sms["attempts"], 3);
  EXPECT_NE(sms["error"].get<std::string>().find("gave up after 3 attempts"), std::string::npos) << sms.dump();
  // In-app: stored and delivered to the inbox.
  auto inbox = http_->get("/api/v1/notifications", s.tok);
  ASSERT_EQ(inbox.json_body["notifications"].size(), 1u);
  EXPECT_EQ(inbox.json_body["notifications"][0]["channel"], "in_app");

  // Admins see the dead letters and can send one again; nobody else can.
  auto dead = http_->get("/api/v1/admin/notifications?status=failed&user_id=" + s.id, admin_);
  ASSERT_EQ(dead.status, 200) << dead.body;
  ASSERT_EQ(dead.json_body["notifications"].size(), 1u);
  EXPECT_EQ(dead.json_body["notifications"][0]["id"], sms["id"]);
  EXPECT_EQ(http_->get("/api/v1/admin/notifications", s.tok).status, 403);
  EXPECT_EQ(
      http_->post("/api/v1/admin/notifications/" + sms["id"].get<std::string>() + "/retry", nullptr, c.tok).status,
      403);
  auto again = http_->post("/api/v1/admin/notifications/" + sms["id"].get<std::string>() + "/retry", nullptr, admin_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json_body["status"], "pending");
  EXPECT_EQ(again.json_body["attempts"], 0);
  // Only a dead letter can be requeued.
  EXPECT_EQ(
      http_->post("/api/v1/admin/notifications/" + to_company["id"].get<std::string>() + "/retry", nullptr, admin_)
          .status,
      404);
  EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] { return own(s, "sms")[0]["status"] == "failed"; }));

  // The channels' outcomes are counted.
  auto metrics = http_->get("/metrics", metrics_token).body;
  EXPECT_NE(metrics.find(R"(hirehub_notification_deliveries_total{channel="email",outcome="retry"} 1)"),
            std::string::npos);
  EXPECT_NE(metrics.find(R"(hirehub_notification_deliveries_total{channel="sms",outcome="failed"})"),
            std::string::npos);
}

TEST_F(notifications, settings_and_reachability_decide_who_gets_what) {
  auto c = company();
  auto quiet = seeker(false);  // no phone, no device, SMS off by default
  ASSERT_EQ(http_->patch("/api/v1/me/notification-settings", {{"email_enabled", false}}, quiet.tok).status, 200);
  applied_and_reviewed(c, quiet);
  // The in-app notification shows the event was handled; nothing for the other channels.
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return own(quiet, "in_app").size() == 1; }));
  ASSERT_TRUE(
      eventually(std::chrono::seconds(30), [&] { return own(c, "email", "application.submitted").size() == 1; }));
  // (Its welcome e-mail was stored before e-mail was switched off.)
  EXPECT_EQ(own(quiet, "all", "application.status_changed").size(), 1u) << own(quiet, "all").dump();
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM notifications WHERE user_id = '" + quiet.id +
                         "' AND channel <> 'in_app' AND event_type <> 'user.registered'"),
            0);
  EXPECT_EQ(http_->get("/api/v1/notifications?channel=fax", quiet.tok).status, 400);
  EXPECT_EQ(http_->get("/api/v1/notifications?status=lost", quiet.tok).status, 400);
}

TEST_F(notifications, templates_are_checked_when_saved_and_used_from_the_next_event) {
  auto list = http_->get("/api/v1/admin/notification-templates", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_GE(list.json_body["templates"].size(), 17u);
  EXPECT_TRUE(list.json_body["variables"].contains("interview.scheduled"));
  auto before = e_->db.count("SELECT count(*) FROM notification_templates");
  auto put = [&](const std::string& name, const json& b, const std::string& tok) {
    return http_->request("PUT", "/api/v1/admin/notification-templates/" + name, b.dump(),
                          {{"Authorization", "Bearer " + tok}, {"Content-Type", "application/json"}});
  };
  // A variable the event does not provide is refused at save time, naming it.
  auto bad = put("status_changed_in_app_v2",
                 {{"event_type", "application.status_changed"},
                  {"channel", "in_app"},
                  {"subject", "Update"},
                  {"body", "{{job_title}}: {{salary}}"}},
                 admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json_body["error"]["details"]["field"], "body");
  EXPECT_NE(bad.json_body["error"]["message"].get<std::string>().find("salary"), std::string::npos);
  EXPECT_EQ(
      put("x",
          {{"event_type", "application.status_changed"}, {"channel", "in_app"}, {"subject", "{{oops"}, {"body", "b"}},
          admin_)
          .status,
      400);
  EXPECT_EQ(
      put("x", {{"event_type", "job.created"}, {"channel", "in_app"}, {"subject", "s"}, {"body", "b"}}, admin_).status,
      400);
  EXPECT_EQ(
      put("x", {{"event_type", "application.submitted"}, {"channel", "fax"}, {"subject", "s"}, {"body", "b"}}, admin_)
          .status,
      400);
  EXPECT_EQ(
      put("Bad Name", {{"event_type", "application.submitted"}, {"channel", "in_app"}, {"subject", "s"}, {"body", "b"}},
          admin_)
          .status,
      400);
  json good = {{"event_type", "application.status_changed"},
               {"channel", "in_app"},
               {"subject", "{{company_name}}: {{job_title}}"},
               {"body", "Now {{new_status}} (was {{old_status}})"}};
  EXPECT_EQ(put("status_changed_in_app_v2", good, token(uuid(), "company")).status, 403);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM notification_templates"), before);

  auto ok = put("status_changed_in_app_v2", good, admin_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json_body["is_active"], true);
  // It replaced the seeded one for this event and channel.
  EXPECT_EQ(e_->db.scalar("SELECT is_active::text FROM notification_templates WHERE name = 'status_changed_in_app'"),
            "false");
  auto c = company();
  auto s = seeker(false);
  applied_and_reviewed(c, s);
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return own(s, "in_app").size() == 1; }));
  auto n = own(s, "in_app")[0];
  EXPECT_EQ(n["title"], "한빛소프트: 데이터 엔지니어");
  EXPECT_EQ(n["content"], "Now in_review (was applied)");
}

TEST_F(notifications, an_invitation_is_emailed_with_a_link_that_signs_the_invitee_up) {
  auto c = company();
  auto invitee = "new." + uuid().substr(0, 8) + "@example.com";
  auto inv = http_->post("/api/v1/companies/" + c.company_id + "/invitations", {{"email", invitee}}, c.tok);
  ASSERT_EQ(inv.status, 201) << inv.body;
  // The e-mail reaches the invited address, which has no account yet.
  std::string mail;
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    for (auto& m : mails(*e_))
      if (m.find("X-Envelope-To: " + invitee) == 0)
        mail = m;
    return !mail.empty();
  }));
  auto b64 = mail.substr(mail.find("\r\n\r\n") + 4);
  auto body = hirehub::crypto::base64_decode(b64);
  ASSERT_TRUE(body) << mail;
  EXPECT_NE(body->find("Lee님이 HireHub의 한빛소프트 팀으로 초대했습니다."), std::string::npos) << *body;
  const std::string prefix = "https://hirehub.test/signup?invitation=";
  auto at = body->find(prefix);
  ASSERT_NE(at, std::string::npos) << *body;
  auto token = body->substr(at + prefix.size(), body->find('\n', at) - at - prefix.size());
  EXPECT_EQ(token, inv.json_body["token"]);
  // The link signs the invitee up into the company.
  auto joined = http_->post("/api/v1/auth/signup",
                            {{"email", invitee},
                             {"password", "a-long-password"},
                             {"role", "company"},
                             {"name", "New Hire"},
                             {"invitation_token", token}},
                            "");
  ASSERT_EQ(joined.status, 201) << joined.body;
  EXPECT_EQ(joined.json_body["user"]["company_id"], c.company_id);
  // Admins see the delivery; the one-time link is not kept once sent, and the
  // token never went to Kafka.
  auto rows = http_->get("/api/v1/admin/notifications?channel=email&status=sent", admin_).json_body["notifications"];
  bool seen = false;
  for (auto& n : rows)
    if (n["address"] == invitee) {
      seen = true;
      EXPECT_TRUE(n["user_id"].is_null());
      EXPECT_EQ(n["content"].get<std::string>().find(token), std::string::npos);
    }
  EXPECT_TRUE(seen) << rows.dump();
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM notifications WHERE content LIKE '%" + token + "%'"), 0);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE payload::text LIKE '%" + token + "%'"), 0);
}
