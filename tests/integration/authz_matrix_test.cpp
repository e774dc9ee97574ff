// The authorisation matrix: every authenticated route of the OpenAPI document,
// called by someone who has no right to the resource (no token; another
// jobseeker; another company; the owner in the wrong role), gets 401, 403 or
// 404 and changes nothing. A route added without a row here fails the test.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

struct caller {
  std::string name;
  std::string tok;  ///< "" = no token
};

struct call {
  std::string method;
  std::string tmpl;  ///< the documented path template
  std::string path;  ///< with ids
  json body;
  std::vector<std::string> forbidden_for;  ///< caller names that must be refused
};

/// A digest of every row a forbidden call could have changed.
const char* snapshot_sql = R"SQL(
SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
  SELECT 'a' || a::text FROM applications a
  UNION ALL SELECT 'e' || e.id || ':' || e.seq FROM application_events e
  UNION ALL SELECT 'i' || i::text FROM interviews i
  UNION ALL SELECT 'j' || j.id || ':' || j.version || ':' || j.status FROM jobs j
  UNION ALL SELECT 'c' || c::text FROM companies c
  UNION ALL SELECT 'm' || m::text FROM company_members m
  UNION ALL SELECT 'ci' || count(*) FROM company_invitations
  UNION ALL SELECT 'p' || p::text FROM jobseeker_profiles p
  UNION ALL SELECT 'u' || u.id || u.email || u.time_zone || u.status FROM users u
  UNION ALL SELECT 'd' || d::text FROM device_tokens d
  UNION ALL SELECT 's' || s::text FROM user_notification_settings s
  UNION ALL SELECT 'n' || n.id || ':' || n.status FROM notifications n
  UNION ALL SELECT 't' || t::text FROM notification_templates t
  UNION ALL SELECT 'r' || r.id || ':' || r.status || ':' || r.seq FROM resumes r
  UNION ALL SELECT 're' || e.resume_id || ':' || e.chunk_index || ':' || md5(e.embedding) FROM resume_embeddings e
  UNION ALL SELECT 'at' || count(*) FROM ai_tasks
  UNION ALL SELECT 'o' || count(*) FROM outbox
  UNION ALL SELECT 'cn' || node_id || ':' || status FROM cluster_nodes
  UNION ALL SELECT 'cs' || count(*) FILTER (WHERE releasing) FROM cluster_shards
  UNION ALL SELECT 'mt' || m.id || ':' || m.seq FROM matches m
  UNION ALL SELECT 'mf' || f::text FROM match_feedback f
) x(t)
)SQL";

}  // namespace

TEST(authz_matrix, every_forbidden_call_is_refused_and_changes_nothing) {
  database db;
  broker kafka;
  node n{db, kafka};
  http_client http{n.port};
  auto signup = [&](const json& fields) { return sign_up_with(http, fields); };
  // The owners: company A with an open and a draft job; jobseeker S who applied,
  // has an interview, a notification and a device token.
  auto a = signup({{"role", "company"}, {"name", "A"}, {"company", {{"name", "Owner Co"}}}});
  auto a_tok = a.tok;
  auto a_company = a.company;
  auto s = signup({{"role", "jobseeker"}, {"name", "S"}});
  auto s_tok = s.tok;
  auto job = http.post("/api/v1/jobs", {{"title", "Owned job"}}, a_tok).json_body["id"].get<std::string>();
  auto draft =
      http.post("/api/v1/jobs", {{"title", "Draft"}, {"status", "draft"}}, a_tok).json_body["id"].get<std::string>();
  auto app = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(s.id)}}, s_tok);
  ASSERT_EQ(app.status, 201) << app.body;
  auto app_id = app.json_body["id"].get<std::string>();
  ASSERT_EQ(http.patch("/api/v1/applications/" + app_id + "/status", {{"status", "reviewing"}}, a_tok).status, 200);
  auto iv = http.post("/api/v1/applications/" + app_id + "/interviews",
                      {{"interview_type", "video"}, {"scheduled_at", "2031-02-03T10:00"}, {"time_zone", "Asia/Seoul"}},
                      a_tok);
  ASSERT_EQ(iv.status, 201) << iv.body;
  auto iv_id = iv.json_body["id"].get<std::string>();
  auto dev = http.post("/api/v1/me/device-tokens", {{"device_type", "ios"}, {"token", "apns-owner"}}, s_tok);
  ASSERT_EQ(dev.status, 201) << dev.body;
  auto dev_id = dev.json_body["id"].get<std::string>();
  // A resume of S, processed to the end (its notification is S's third).
  std::string form =
      "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n\r\n"
      "이름: 홍길동\n경력\n네이버 | 개발자 | 2020.01 ~ 현재\n기술\nGo, Kafka\r\n--b0undary--\r\n";
  auto up =
      http.request("POST", "/api/v1/resumes", form,
                   {{"Authorization", "Bearer " + s_tok}, {"Content-Type", "multipart/form-data; boundary=b0undary"}});
  ASSERT_EQ(up.status, 202) << up.body;
  auto resume_id = up.json_body["id"].get<std::string>();
  auto node_id = db.scalar("SELECT node_id FROM cluster_nodes WHERE status = 'active' LIMIT 1");
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return http.get("/api/v1/resumes/" + resume_id, s_tok).json_body.value("status", "") == "ready";
  }));
  std::string note_id;
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    auto l = http.get("/api/v1/notifications", s_tok).json_body["notifications"];
    if (l.size() < 3)  // the stage change, the interview and the resume
      return false;
    note_id = l[0]["id"].get<std::string>();
    return http.get("/api/v1/notifications", a_tok).json_body["notifications"].size() == 1;
  }));
  ASSERT_TRUE(eventually(std::chrono::seconds(30),
                         [&] { return db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0; }));
  // The processed resume was matched against the open job.
  std::string match_id;
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    match_id = db.scalar("SELECT COALESCE((SELECT id::text FROM matches WHERE job_id = '" + job + "' LIMIT 1), '')");
    return !match_id.empty();
  }));

  // The others.
  auto b = signup({{"role", "company"}, {"name", "B"}, {"company", {{"name", "Other Co"}}}});
  auto s2 = signup({{"role", "jobseeker"}, {"name", "S2"}});
  std::vector<caller> callers = {{"anonymous", ""},
                                 {"other_jobseeker", s2.tok},
                                 {"other_company", b.tok},
                                 {"owner_jobseeker", s_tok},
                                 {"owner_company", a_tok}};
  const std::vector<std::string> strangers = {"anonymous", "other_jobseeker", "other_company"};
  auto plus = [](std::vector<std::string> v, std::initializer_list<const char*> more) {
    v.insert(v.end(), more.begin(), more.end());
    return v;
  };
  const std::vector<std::string> everyone = plus(strangers, {"owner_jobseeker", "owner_company"});
  auto apps = "/api/v1/applications/" + app_id;
  auto ivs = apps + "/interviews/" + iv_id;
  json when = {{"scheduled_at", "2031-02-04T10:00"}};
  std::vector<call> calls = {
      // Own account: only the token matters.
      {"GET", "/api/v1/me", "/api/v1/me", nullptr, {"anonymous"}},
      {"PATCH", "/api/v1/me", "/api/v1/me", {{"time_zone", "UTC"}}, {"anonymous"}},
      {"PATCH", "/api/v1/me/profile", "/api/v1/me/profile", {{"name", "X"}}, {"anonymous", "owner_company"}},
      {"GET", "/api/v1/me/notification-settings", "/api/v1/me/notification-settings", nullptr, {"anonymous"}},
      {"PATCH",
       "/api/v1/me/notification-settings",
       "/api/v1/me/notification-settings",
       {{"sms_enabled", true}},
       {"anonymous"}},
      {"GET", "/api/v1/me/device-tokens", "/api/v1/me/device-tokens", nullptr, {"anonymous"}},
      {"POST", "/api/v1/me/device-tokens", "/api/v1/me/device-tokens", {{"token", "t"}}, {"anonymous"}},
      {"DELETE", "/api/v1/me/device-tokens/{id}", "/api/v1/me/device-tokens/" + dev_id, nullptr,
       plus(strangers, {"owner_company"})},
      // Companies: anyone signed in reads the profile; only members edit and invite.
      {"GET", "/api/v1/companies/{id}", "/api/v1/companies/" + a_company, nullptr, {"anonymous"}},
      {"PATCH",
       "/api/v1/companies/{id}",
       "/api/v1/companies/" + a_company,
       {{"description", "x"}},
       plus(strangers, {"owner_jobseeker"})},
      {"GET", "/api/v1/companies/{id}/members", "/api/v1/companies/" + a_company + "/members", nullptr,
       plus(strangers, {"owner_jobseeker"})},
      {"POST",
       "/api/v1/companies/{id}/invitations",
       "/api/v1/companies/" + a_company + "/invitations",
       {{"email", "new@example.com"}},
       plus(strangers, {"owner_jobseeker"})},
      // Jobs.
      {"POST", "/api/v1/jobs", "/api/v1/jobs", {{"title", "T"}}, {"anonymous", "other_jobseeker", "owner_jobseeker"}},
      {"GET", "/api/v1/jobs", "/api/v1/jobs", nullptr, {"anonymous"}},
      {"GET", "/api/v1/jobs/{id}", "/api/v1/jobs/" + draft, nullptr, plus(strangers, {"owner_jobseeker"})},
      {"PATCH",
       "/api/v1/jobs/{id}",
       "/api/v1/jobs/" + job,
       {{"title", "Mine now"}},
       plus(strangers, {"owner_jobseeker"})},
      {"DELETE", "/api/v1/jobs/{id}", "/api/v1/jobs/" + draft, nullptr, plus(strangers, {"owner_jobseeker"})},
      {"POST", "/api/v1/jobs/{id}/open", "/api/v1/jobs/" + draft + "/open", nullptr,
       plus(strangers, {"owner_jobseeker"})},
      {"POST", "/api/v1/jobs/{id}/close", "/api/v1/jobs/" + job + "/close", nullptr,
       plus(strangers, {"owner_jobseeker"})},
      {"GET", "/api/v1/skills", "/api/v1/skills", nullptr, {"anonymous"}},
      // Applications: the applicant and the job's company only, each in their part.
      {"POST",
       "/api/v1/applications",
       "/api/v1/applications",
       {{"job_id", job}, {"resume_id", uuid()}},
       {"anonymous", "other_company", "owner_company"}},
      {"GET", "/api/v1/applications", "/api/v1/applications", nullptr, {"anonymous"}},
      {"GET", "/api/v1/applications/{id}", apps, nullptr, strangers},
      {"PATCH",
       "/api/v1/applications/{id}/status",
       apps + "/status",
       {{"status", "offered"}},
       plus(strangers, {"owner_jobseeker"})},
      {"GET", "/api/v1/applications/{id}/events", apps + "/events", nullptr, strangers},
      {"POST",
       "/api/v1/applications/{id}/interviews",
       apps + "/interviews",
       {{"interview_type", "phone"}, {"scheduled_at", "2031-03-01T10:00"}, {"time_zone", "UTC"}},
       plus(strangers, {"owner_jobseeker"})},
      {"GET", "/api/v1/applications/{id}/interviews/{interview_id}", ivs, nullptr, strangers},
      {"GET", "/api/v1/applications/{id}/interviews/{interview_id}.ics", ivs + ".ics", nullptr, strangers},
      {"POST", "/api/v1/applications/{id}/interviews/{interview_id}/reschedule", ivs + "/reschedule", when,
       plus(strangers, {"owner_jobseeker"})},
      {"POST",
       "/api/v1/applications/{id}/interviews/{interview_id}/complete",
       ivs + "/complete",
       {{"feedback", "x"}},
       plus(strangers, {"owner_jobseeker"})},
      {"POST",
       "/api/v1/applications/{id}/interviews/{interview_id}/cancel",
       ivs + "/cancel",
       {{"reason", "other"}},
       plus(strangers, {"owner_jobseeker"})},
      // Notifications: one's own; the admin routes for admins only.
      {"GET", "/api/v1/notifications", "/api/v1/notifications", nullptr, {"anonymous"}},
      {"POST", "/api/v1/notifications/{id}/read", "/api/v1/notifications/" + note_id + "/read", nullptr,
       plus(strangers, {"owner_company"})},
      {"GET", "/api/v1/admin/notifications", "/api/v1/admin/notifications", nullptr, everyone},
      {"POST", "/api/v1/admin/notifications/{id}/retry", "/api/v1/admin/notifications/" + note_id + "/retry", nullptr,
       everyone},
      {"GET", "/api/v1/admin/notification-templates", "/api/v1/admin/notification-templates", nullptr, everyone},
      {"PUT",
       "/api/v1/admin/notification-templates/{name}",
       "/api/v1/admin/notification-templates/status_changed_in_app",
       {{"event_type", "application.status_changed"}, {"channel", "in_app"}, {"subject", "x"}, {"body", "y"}},
       everyone},
      // Resumes: the owner's own; admins for the dead letters.
      {"POST", "/api/v1/resumes", "/api/v1/resumes", {{"file", "x"}}, {"anonymous", "other_company", "owner_company"}},
      {"GET", "/api/v1/resumes", "/api/v1/resumes", nullptr, {"anonymous"}},
      {"GET", "/api/v1/resumes/{id}", "/api/v1/resumes/" + resume_id, nullptr, plus(strangers, {"owner_company"})},
      {"GET", "/api/v1/resumes/{id}/file", "/api/v1/resumes/" + resume_id + "/file", nullptr,
       plus(strangers, {"owner_company"})},
      {"DELETE", "/api/v1/resumes/{id}", "/api/v1/resumes/" + resume_id, nullptr, plus(strangers, {"owner_company"})},
      {"GET", "/api/v1/admin/resumes/dead-letters", "/api/v1/admin/resumes/dead-letters", nullptr, everyone},
      {"POST", "/api/v1/admin/resumes/{id}/replay", "/api/v1/admin/resumes/" + resume_id + "/replay", nullptr,
       everyone},
      // Matching: a job's matches to its company; one match to its parties; recommendations to their jobseeker.
      {"GET", "/api/v1/jobs/{id}/matches", "/api/v1/jobs/" + job + "/matches", nullptr,
       plus(strangers, {"owner_jobseeker"})},
      {"GET", "/api/v1/matches/{id}", "/api/v1/matches/" + match_id, nullptr, strangers},
      {"POST",
       "/api/v1/matches/{id}/feedback",
       "/api/v1/matches/" + match_id + "/feedback",
       {{"feedback_type", "helpful"}},
       strangers},
      {"POST",
       "/api/v1/matches/{id}/feedback",
       "/api/v1/matches/" + match_id + "/feedback",
       {{"feedback_type", "hired"}},
       {"owner_jobseeker"}},
      {"GET",
       "/api/v1/me/recommendations",
       "/api/v1/me/recommendations",
       nullptr,
       {"anonymous", "other_company", "owner_company"}},
      // Metrics: the scraper's token or an admin.
      {"GET", "/metrics", "/metrics", nullptr, everyone},
      // The cluster admin API: admins only.
      {"GET", "/admin/api/nodes", "/admin/api/nodes", nullptr, everyone},
      {"GET", "/admin/api/shards", "/admin/api/shards", nullptr, everyone},
      {"POST", "/admin/api/nodes/{id}/drain", "/admin/api/nodes/" + node_id + "/drain", nullptr, everyone},
      {"GET", "/admin/api/nodes/{id}/actors", "/admin/api/nodes/" + node_id + "/actors", nullptr, everyone},
      {"POST", "/admin/api/nodes/{id}/actors/{actor_id}/stop", "/admin/api/nodes/" + node_id + "/actors/1/stop",
       nullptr, everyone},
      {"GET", "/admin/api/entities/{kind}/{id}", "/admin/api/entities/application/" + app_id, nullptr, everyone},
      // RAG: the owner's resumes (and admins'); nobody searches another jobseeker's.
      {"POST",
       "/api/v1/rag/index",
       "/api/v1/rag/index",
       {{"resume_id", resume_id}},
       plus(strangers, {"owner_company"})},
      {"POST",
       "/api/v1/rag/delete",
       "/api/v1/rag/delete",
       {{"resume_id", resume_id}},
       plus(strangers, {"owner_company"})},
      {"POST",
       "/api/v1/rag/query",
       "/api/v1/rag/query",
       {{"query", "Go Kafka"}, {"user_id", s.id}},
       {"anonymous", "other_jobseeker"}},
  };

  // Every documented route that needs a token has a row; the public ones need none.
  auto doc = http.get("/api/v1/openapi.json").json_body;
  std::set<std::string> covered;
  for (auto& c : calls)
    covered.insert(c.method + " " + c.tmpl);
  covered.insert("GET /ws");  // below: the WebSocket's own checks
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [m, op] : ops.items()) {
      std::string method = m;
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      if (op.contains("security"))
        EXPECT_TRUE(covered.count(method + " " + path)) << method << " " << path << " has no row in the matrix";
      else
        EXPECT_FALSE(covered.count(method + " " + path)) << method << " " << path << " is public but in the matrix";
    }

  auto before = db.scalar(snapshot_sql);
  int refused = 0;
  for (auto& c : calls)
    for (auto& who : c.forbidden_for) {
      auto it = std::find_if(callers.begin(), callers.end(), [&](auto& x) { return x.name == who; });
      ASSERT_NE(it, callers.end()) << who;
      std::map<std::string, std::string> headers;
      if (!it->tok.empty())
        headers["Authorization"] = "Bearer " + it->tok;
      std::string body;
      if (!c.body.is_null()) {
        headers["Content-Type"] = "application/json";
        body = c.body.dump();
      }
      auto r = http.request(c.method, c.path, body, headers);
      if (who == "anonymous")
        EXPECT_EQ(r.status, 401) << c.method << " " << c.path << " by " << who << ": " << r.body;
      else
        EXPECT_TRUE(r.status == 403 || r.status == 404)
            << c.method << " " << c.path << " by " << who << " -> " << r.status << ": " << r.body;
      ++refused;
    }
  EXPECT_GT(refused, 90);
  // The WebSocket: no token, no socket; a stranger cannot follow the application.
  ws_client anon{n.port, ""};
  EXPECT_FALSE(anon.open());
  for (auto* who : {"other_jobseeker", "other_company"}) {
    auto it = std::find_if(callers.begin(), callers.end(), [&](auto& x) { return x.name == who; });
    ws_client ws{n.port, it->tok};
    ASSERT_TRUE(ws.open());
    for (const auto& topic : {"application:" + app_id, "resume:" + resume_id, "job:" + job + ":matches"}) {
      ws.send(json({{"op", "subscribe"}, {"topic", topic}, {"after_seq", 0}}).dump());
      auto f = ws.read();
      ASSERT_TRUE(f) << who;
      EXPECT_EQ((*f)["type"], "error") << who << " " << topic << ": " << f->dump();
    }
  }
  // Give anything a refused call might have started (events, projections) time to land.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(db.scalar(snapshot_sql), before) << "a refused call changed stored data";
}
