// Matching end to end against a real node, PostgreSQL and the broker: a resume
// uploaded and processed appears in the job's match list and on the company's
// WebSocket; the jobseeker's recommendations; a job edit rescores; matching switched
// off removes the jobseeker everywhere (and back); feedback; the match events on
// Kafka; and every malformed or unauthorised request refused with nothing changed.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

const std::string boundary = "----hirehub-match-boundary-51c2";

std::string form(const std::string& file_name, const std::string& text) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
         "\"\r\nContent-Type: text/plain\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n";
}

const std::string backend_resume =
    "자기소개\n애자일 팀에서 일해 왔습니다.\n\n경력\n한빛페이 | 백엔드 개발자 | 2020.01 ~ 현재\n"
    "- golang과 Kafka로 결제 API를 개발하고 Redis 캐시를 운영\n\n기술\nGo, Kafka, Redis, Docker\n\n"
    "관심 분야\nRust\n";

const std::string designer_resume =
    "경력\n누리스튜디오 | 프로덕트 디자이너 | 2019.03 ~ 현재\n- Figma로 모바일 앱 화면 설계\n\n기술\nFigma, "
    "Photoshop\n";

struct env {
  database db;
  broker kafka;
  std::string dir = temp_dir();
  std::unique_ptr<node> n = std::make_unique<node>(db, kafka,
                                                   std::map<std::string, std::string>{
                                                       {"HIREHUB_RESUME_STORAGE_DIR", dir + "/files"},
                                                       {"HIREHUB_MATCH_RECOMMEND_THRESHOLD", "60"},
                                                       {"HIREHUB_MATCH_REFRESH_MS", "200"},
                                                   });
};

class matching : public node_suite<env> {
 protected:
  api_user company() {
    return sign_up_with(*http_, json{{"role", "company"}, {"name", "HR"}, {"company", {{"name", "Pay " + uuid()}}}});
  }

  json post_job(const api_user& c, const json& skills, const std::string& status = "open") {
    auto r = http_->post("/api/v1/jobs",
                         {{"title", "백엔드 개발자"},
                          {"description", "결제 플랫폼을 만드는 애자일 팀입니다"},
                          {"experience_min", 2},
                          {"experience_max", 9},
                          {"status", status},
                          {"skills", skills}},
                         c.tok);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body;
  }

  std::string upload_ready(const api_user& a, const std::string& text) {
    auto r = http_->request(
        "POST", "/api/v1/resumes", form("cv.txt", text),
        {{"Authorization", "Bearer " + a.tok}, {"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::string id = r.json_body["id"];
    EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
      return http_->get("/api/v1/resumes/" + id, a.tok).json_body.value("status", "") == "ready";
    }));
    return id;
  }

  json matches_of(const std::string& job_id, const api_user& c, const std::string& query = {}) {
    auto r = http_->get("/api/v1/jobs/" + job_id + "/matches" + query, c.tok);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body;
  }

  /// The list's row of `resume_id` once `pred` holds for it (null when it never does).
  json row_when(
      const std::string& job_id, const api_user& c, const std::string& resume_id,
      const std::function<bool(const json&)>& pred = [](const json&) { return true; }) {
    json found;
    eventually(std::chrono::seconds(30), [&] {
      auto page = matches_of(job_id, c);
      for (const auto& it : page["items"])
        if (it["resume_id"] == resume_id && pred(it)) {
          found = it;
          return true;
        }
      return false;
    });
    return found;
  }

  bool listed(const std::string& job_id, const api_user& c, const std::string& resume_id) {
    auto items = matches_of(job_id, c)["items"];
    return std::any_of(items.begin(), items.end(), [&](const json& it) { return it["resume_id"] == resume_id; });
  }
};

json req(const char* name, bool required = true) {
  return {{"name", name}, {"required", required}};
}

}  // namespace

TEST_F(matching, an_uploaded_resume_appears_in_the_jobs_matches_live_explained_and_masked) {
  auto c = company();
  auto job = post_job(c, {req("Go"), req("Kafka"), req("Redis", false)});
  std::string job_id = job["id"];
  ws_client ws{port_of(e_->n), c.tok};
  ASSERT_TRUE(ws.open());
  ws.send(json{{"op", "subscribe"}, {"topic", "job:" + job_id + ":matches"}, {"after_seq", 0}}.dump());
  auto ack = ws.read_until([](const json& f) { return f["type"] == "subscribed"; });
  ASSERT_TRUE(ack) << "no subscription ack";

  auto s = sign_up(*http_);
  auto designer = sign_up(*http_);
  auto resume = upload_ready(s, backend_resume);
  auto other = upload_ready(designer, designer_resume);

  // Live: the company's socket hears of the new candidate.
  auto frame = ws.read_until([&](const json& f) {
    if (f["type"] != "matches")
      return false;
    for (const auto& r : f["changed"])
      if (r["resume_id"] == resume)
        return true;
    return false;
  });
  ASSERT_TRUE(frame) << "no matches frame for the new resume";
  EXPECT_EQ((*frame)["job_id"], job_id);
  EXPECT_GT((*frame)["seq"].get<int64_t>(), 0);

  // The list: best first, explained, the candidate masked.
  auto row = row_when(job_id, c, resume);
  ASSERT_FALSE(row.is_null());
  auto d_row = row_when(job_id, c, other);
  ASSERT_FALSE(d_row.is_null());
  auto items = matches_of(job_id, c)["items"];
  EXPECT_EQ(items[0]["resume_id"], resume) << items.dump();
  EXPECT_GT(row["overall_score"].get<double>(), d_row["overall_score"].get<double>());
  EXPECT_LE(d_row["overall_score"].get<double>(), 40.0) << "both required skills missing: capped";
  const auto& b = row["breakdown"];
  std::vector<std::string> matched;
  for (const auto& m : b["skills"]["matched_required"])
    matched.push_back(m["skill"]);
  EXPECT_EQ(matched, (std::vector<std::string>{"Go", "Kafka"}));
  EXPECT_EQ(b["skills"]["matched_required"][0]["found_in"], "experience");
  EXPECT_EQ(b["role_family"]["resume"], "backend");
  EXPECT_NE(row["reasoning"].get<std::string>().find("필수 기술 2개 중 2개"), std::string::npos) << row["reasoning"];
  EXPECT_FALSE(row.contains("user_id"));
  const auto& cand = row["candidate"];
  ASSERT_TRUE(cand.is_object()) << row.dump();
  EXPECT_NE(std::find(cand["skills"].begin(), cand["skills"].end(), "Go"), cand["skills"].end());
  EXPECT_EQ(std::find(cand["skills"].begin(), cand["skills"].end(), "Rust"), cand["skills"].end())
      << "an interest is not a skill held";
  EXPECT_EQ(cand["experience"][0]["position"], "백엔드 개발자");
  EXPECT_EQ(row.dump().find(s.email), std::string::npos);

  // The stored row and its event on Kafka (ids and scores, nothing personal).
  EXPECT_EQ(
      e_->db.count("SELECT count(*) FROM matches WHERE job_id = '" + job_id + "' AND resume_id = '" + resume + "'"), 1);
  auto events = consume_topic_until(
      e_->kafka.bootstrap, "match.calculated",
      [&](const auto& ms) {
        return std::any_of(ms.begin(), ms.end(),
                           [&](const auto& m) { return m.second.find(resume) != std::string::npos; });
      },
      std::chrono::seconds(20));
  json ev;
  for (const auto& [k, v] : events)
    if (v.find(resume) != std::string::npos)
      ev = json::parse(v);
  ASSERT_FALSE(ev.is_null());
  EXPECT_EQ(ev["job_id"], job_id);
  EXPECT_TRUE(ev["scores"]["overall"].is_number());
  EXPECT_TRUE(ev.contains("event_id"));

  // One match: the company sees the candidate, not who; the jobseeker their own; others nothing.
  std::string match_id = row["match_id"];
  auto as_company = http_->get("/api/v1/matches/" + match_id, c.tok);
  ASSERT_EQ(as_company.status, 200) << as_company.body;
  EXPECT_FALSE(as_company.json_body.contains("user_id"));
  EXPECT_TRUE(as_company.json_body["candidate"].is_object());
  auto as_seeker = http_->get("/api/v1/matches/" + match_id, s.tok);
  ASSERT_EQ(as_seeker.status, 200);
  EXPECT_EQ(as_seeker.json_body["user_id"], s.id);
  EXPECT_EQ(http_->get("/api/v1/matches/" + match_id, designer.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/matches/" + match_id, company().tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/jobs/" + job_id + "/matches", company().tok).status, 403);
  EXPECT_EQ(http_->get("/api/v1/jobs/" + job_id + "/matches", s.tok).status, 403);

  // Feedback: once per kind and person; hired and rejected are the company's.
  auto fb = [&](const api_user& who, const std::string& type) {
    return http_->post("/api/v1/matches/" + match_id + "/feedback", {{"feedback_type", type}}, who.tok);
  };
  EXPECT_EQ(fb(c, "helpful").status, 201);
  EXPECT_EQ(fb(c, "helpful").status, 200);
  EXPECT_EQ(fb(s, "not_helpful").status, 201);
  EXPECT_EQ(fb(s, "hired").status, 403);
  EXPECT_EQ(fb(designer, "helpful").status, 404);
  EXPECT_EQ(fb(c, "excellent").status, 400);
  EXPECT_EQ(
      http_->post("/api/v1/matches/" + match_id + "/feedback", {{"feedback_type", "helpful"}, {"x", 1}}, c.tok).status,
      400);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM match_feedback WHERE match_id = '" + match_id + "'"), 2);
}

TEST_F(matching, recommendations_follow_the_jobseeker_and_matching_off_removes_them_everywhere) {
  auto c = company();
  auto s = sign_up(*http_);
  auto resume = upload_ready(s, backend_resume);
  ws_client ws{port_of(e_->n), s.tok};
  ASSERT_TRUE(ws.open());
  ws.send(json{{"op", "subscribe"}, {"topic", "recommendations"}}.dump());
  ASSERT_TRUE(ws.read_until([](const json& f) { return f["type"] == "subscribed"; }));

  // A new job the resume fits is recommended: the list, a live frame, an event, an in-app notice.
  auto job = post_job(c, {req("Go"), req("Kafka")});
  std::string job_id = job["id"];
  json rec;
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    auto r = http_->get("/api/v1/me/recommendations", s.tok);
    auto items = r.json_body["items"];
    for (const auto& it : items)
      if (it["job_id"] == job_id)
        rec = it;
    return !rec.is_null();
  }));
  EXPECT_EQ(rec["title"], "백엔드 개발자");
  EXPECT_EQ(rec["status"], "open");
  EXPECT_EQ(rec["resume_id"], resume);
  EXPECT_GE(rec["overall_score"].get<double>(), 60.0);
  auto frame = ws.read_until([&](const json& f) { return f["type"] == "recommendation" && f["job_id"] == job_id; });
  ASSERT_TRUE(frame) << "no recommendation frame";
  // Every jobseeker the job fits is told (the other tests' too): this one's event.
  auto mine = [&](const std::string& v) {
    return v.find(job_id) != std::string::npos && v.find(s.id) != std::string::npos;
  };
  auto recommended = consume_topic_until(
      e_->kafka.bootstrap, "match.recommended",
      [&](const auto& ms) { return std::any_of(ms.begin(), ms.end(), [&](const auto& m) { return mine(m.second); }); },
      std::chrono::seconds(20));
  json ev;
  for (const auto& [k, v] : recommended)
    if (mine(v))
      ev = json::parse(v);
  ASSERT_FALSE(ev.is_null());
  EXPECT_EQ(ev["user_id"], s.id);
  EXPECT_EQ(ev["job_title"], "백엔드 개발자");
  EXPECT_TRUE(ev.contains("event_id") && ev.contains("match_id") && ev.contains("score"));
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] {
    auto n = http_->get("/api/v1/notifications?channel=in_app", s.tok).json_body["notifications"];
    return std::any_of(n.begin(), n.end(), [](const json& x) { return x["event_type"] == "match.recommended"; });
  }));
  ASSERT_FALSE(row_when(job_id, c, resume).is_null());

  // Matching off: gone from the company's list, no recommendations, no rows; back on: back.
  auto off = http_->patch("/api/v1/me/profile", {{"open_to_matching", false}}, s.tok);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json_body["profile"]["open_to_matching"], false);
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] { return !listed(job_id, c, resume); }));
  EXPECT_TRUE(eventually(std::chrono::seconds(10),
                         [&] { return http_->get("/api/v1/me/recommendations", s.tok).json_body["items"].empty(); }));
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
    return e_->db.count("SELECT count(*) FROM matches WHERE user_id = '" + s.id + "'") == 0;
  }));
  // The removal's number is kept for watchers resuming from before it.
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM match_removals WHERE job_id = '" + job_id + "'"), 1);
  ASSERT_EQ(http_->patch("/api/v1/me/profile", {{"open_to_matching", true}}, s.tok).status, 200);
  EXPECT_FALSE(row_when(job_id, c, resume).is_null());
}

TEST_F(matching, a_job_edit_rescores_and_an_application_carries_the_score) {
  auto c = company();
  auto s = sign_up(*http_);
  auto resume = upload_ready(s, backend_resume);
  auto job = post_job(c, {req("Go"), req("Kafka")});
  std::string job_id = job["id"];
  auto before = row_when(job_id, c, resume);
  ASSERT_FALSE(before.is_null());
  // Terraform, which the resume does not show, becomes required: the score falls and says why.
  auto edit = http_->patch("/api/v1/jobs/" + job_id, {{"skills", {req("Go"), req("Kafka"), req("Terraform")}}}, c.tok);
  ASSERT_EQ(edit.status, 200) << edit.body;
  auto after = row_when(job_id, c, resume, [&](const json& r) {
    return r["overall_score"].get<double>() < before["overall_score"].get<double>();
  });
  ASSERT_FALSE(after.is_null()) << "the job's edit did not rescore";
  EXPECT_EQ(after["breakdown"]["skills"]["missing_required"], json::array({"Terraform"}));
  EXPECT_GT(after["seq"].get<int64_t>(), before["seq"].get<int64_t>());

  // The application stores the score of the resume for the job.
  auto app = http_->post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", resume}}, s.tok);
  ASSERT_EQ(app.status, 201) << app.body;
  auto seen = http_->get("/api/v1/applications/" + app.json_body["id"].get<std::string>(), c.tok).json_body;
  ASSERT_TRUE(seen["match_score"].is_number()) << seen.dump();
  EXPECT_NEAR(seen["match_score"].get<double>(), after["overall_score"].get<double>(), 0.01);
}

TEST_F(matching, malformed_and_unauthorised_requests_are_refused_and_change_nothing) {
  auto c = company();
  auto s = sign_up(*http_);
  // A draft: nothing scores it, so any row for it would be the refused requests' doing.
  auto job = post_job(c, json::array({req("Go")}), "draft");
  std::string base = "/api/v1/jobs/" + job["id"].get<std::string>() + "/matches";
  auto feedback = e_->db.count("SELECT count(*) FROM match_feedback");
  for (const auto& q : {"?limit=0", "?limit=101", "?limit=x", "?min_score=101", "?min_score=-1", "?cursor=zzz",
                        "?cursor=50.00:not-a-uuid", "?sort=score"})
    EXPECT_EQ(http_->get(base + q, c.tok).status, 400) << q;
  EXPECT_EQ(http_->get(base).status, 401);
  EXPECT_EQ(http_->get("/api/v1/jobs/not-a-job/matches", c.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/jobs/" + uuid() + "/matches", c.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/me/recommendations", c.tok).status, 403);
  EXPECT_EQ(http_->get("/api/v1/me/recommendations?limit=500", s.tok).status, 400);
  EXPECT_EQ(http_->get("/api/v1/me/recommendations?cursor=-3", s.tok).status, 400);
  EXPECT_EQ(http_->get("/api/v1/matches/" + uuid(), c.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/matches/123", c.tok).status, 404);
  EXPECT_EQ(http_->post("/api/v1/matches/" + uuid() + "/feedback", {{"feedback_type", "helpful"}}, c.tok).status, 404);
  EXPECT_EQ(http_->patch("/api/v1/me/profile", {{"open_to_matching", "no"}}, s.tok).status, 400);
  EXPECT_EQ(http_->patch("/api/v1/me/profile", {{"open_to_matching", nullptr}}, s.tok).status, 400);
  // A WebSocket may not watch another company's job, nor a company someone's recommendations.
  ws_client other{port_of(e_->n), company().tok};
  other.send(json{{"op", "subscribe"}, {"topic", "job:" + job["id"].get<std::string>() + ":matches"}}.dump());
  auto err = other.read_until([](const json& f) { return f["type"] == "error"; });
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["error"]["code"], "forbidden");
  ws_client mine{port_of(e_->n), c.tok};
  mine.send(json{{"op", "subscribe"}, {"topic", "recommendations"}}.dump());
  auto err2 = mine.read_until([](const json& f) { return f["type"] == "error"; });
  ASSERT_TRUE(err2);
  EXPECT_EQ((*err2)["error"]["code"], "forbidden");
  EXPECT_EQ(http_->get(base, c.tok).json_body["items"], json::array());
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM matches WHERE job_id = '" + job["id"].get<std::string>() + "'"), 0);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM match_feedback"), feedback);
}

TEST_F(matching, a_closed_job_leaves_recommendations_and_a_deleted_resume_leaves_every_list) {
  auto c = company();
  auto s = sign_up(*http_);
  auto resume = upload_ready(s, backend_resume);
  auto job = post_job(c, {req("Go"), req("Kafka")});
  std::string job_id = job["id"];
  auto recommended = [&] {
    auto items = http_->get("/api/v1/me/recommendations", s.tok).json_body["items"];
    return std::any_of(items.begin(), items.end(), [&](const json& it) { return it["job_id"] == job_id; });
  };
  ASSERT_TRUE(eventually(std::chrono::seconds(30), recommended));
  ASSERT_FALSE(row_when(job_id, c, resume).is_null());
  // Closed: no longer recommended; its company still sees the candidates it had.
  ASSERT_EQ(http_->post("/api/v1/jobs/" + job_id + "/close", json::object(), c.tok).status, 200);
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] { return !recommended(); }));
  EXPECT_TRUE(listed(job_id, c, resume));
  // The resume deleted: out of the list, its rows gone, nothing recommended to its owner.
  auto other = post_job(c, json::array({req("Go")}));
  std::string other_id = other["id"];
  ASSERT_FALSE(row_when(other_id, c, resume).is_null());
  ASSERT_EQ(http_->request("DELETE", "/api/v1/resumes/" + resume, "", {{"Authorization", "Bearer " + s.tok}}).status,
            204);
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] { return !listed(other_id, c, resume); }));
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM matches WHERE resume_id = '" + resume + "'"), 0);
  EXPECT_TRUE(eventually(std::chrono::seconds(10),
                         [&] { return http_->get("/api/v1/me/recommendations", s.tok).json_body["items"].empty(); }));
}

// The match actors learn of rows from the match events alone: a row and its
// `match.calculated` event committed with nobody told (a scorer whose node died right
// after its commit) reach the job's actor and its watchers; so does a removal.
TEST_F(matching, the_job_actor_follows_the_match_events_alone) {
  auto c = company();
  auto s = sign_up(*http_);
  auto resume = upload_ready(s, backend_resume);
  // A draft: the scorer leaves it alone, so only the rows this test writes reach it.
  auto job = post_job(c, json::array({req("Go")}), "draft");
  std::string job_id = job["id"];
  EXPECT_EQ(matches_of(job_id, c)["items"], json::array());  // the actor is loaded (and empty)
  ws_client ws{port_of(e_->n), c.tok};
  ASSERT_TRUE(ws.open());
  ws.send(json{{"op", "subscribe"}, {"topic", "job:" + job_id + ":matches"}}.dump());
  ASSERT_TRUE(ws.read_until([](const json& f) { return f["type"] == "subscribed"; }));

  auto match_id = e_->db.scalar(
      "INSERT INTO matches (job_id, resume_id, user_id, overall_score, skill_score, experience_score, culture_score, "
      "score_breakdown, ai_reasoning) VALUES ('" +
      job_id + "', '" + resume + "', '" + s.id + "', 77.25, 80, 70, 50, '{}', 'written by the test') RETURNING id");
  e_->db.exec("INSERT INTO outbox (topic, key, payload) VALUES ('match.calculated', '" + job_id +
              "', jsonb_build_object('event_id', gen_random_uuid(), 'match_id', '" + match_id + "', 'job_id', '" +
              job_id + "', 'resume_id', '" + resume + "'))");
  auto frame = ws.read_until([&](const json& f) {
    return f["type"] == "matches" && !f["changed"].empty() && f["changed"][0]["resume_id"] == resume;
  });
  ASSERT_TRUE(frame) << "the event did not reach the job's watchers";
  auto row = row_when(job_id, c, resume);
  ASSERT_FALSE(row.is_null()) << "the event did not reach the job's actor";
  EXPECT_EQ(row["overall_score"], 77.25);
  EXPECT_EQ(row["reasoning"], "written by the test");
  // Confirmed by the group (only after the actor answered): the outbox may let the row go.
  auto confirmed = [&](const std::string& where) {
    return eventually(std::chrono::seconds(20), [&] {
      return e_->db.count("SELECT count(*) FROM outbox o WHERE " + where +
                          " AND NOT EXISTS (SELECT 1 FROM outbox_acks a WHERE a.group_id LIKE '%-match-actors' AND "
                          "o.id = ANY (a.ids))") == 0;
    });
  };
  EXPECT_TRUE(confirmed("o.topic = 'match.calculated' AND o.payload->>'match_id' = '" + match_id + "'"));

  // A removal numbered before the row was written does not remove it; one after does.
  auto seq = e_->db.count("SELECT seq FROM matches WHERE id = '" + match_id + "'");
  auto removal = [&](int64_t at) {
    e_->db.exec("INSERT INTO outbox (topic, key, payload) VALUES ('match.removed', '" + job_id +
                "', jsonb_build_object('event_id', gen_random_uuid(), 'job_id', '" + job_id + "', 'resume_id', '" +
                resume + "', 'seq', " + std::to_string(at) + "))");
  };
  removal(seq - 1);
  ASSERT_TRUE(confirmed("o.topic = 'match.removed' AND o.key = '" + job_id + "'")) << "the removal was not confirmed";
  EXPECT_TRUE(listed(job_id, c, resume)) << "a removal older than the row removed it";
  // Malformed events are skipped, not retried for ever: the removal after them still lands.
  e_->db.exec("INSERT INTO outbox (topic, key, payload) VALUES ('match.removed', '" + job_id +
              "', '{\"job_id\": \"x\", \"seq\": \"y\"}'), ('match.calculated', '" + job_id + "', '[1, 2]')");
  e_->db.exec("DELETE FROM matches WHERE id = '" + match_id + "'");
  removal(seq + 1);
  auto gone = ws.read_until([&](const json& f) {
    return f["type"] == "matches" && std::find(f["removed"].begin(), f["removed"].end(), resume) != f["removed"].end();
  });
  ASSERT_TRUE(gone) << "no frame for the removal";
  EXPECT_GT((*gone)["seq"].get<int64_t>(), seq);
  EXPECT_FALSE(listed(job_id, c, resume));
  // A watcher resuming from before the removal gets the whole list again, marked reset.
  ws_client again{port_of(e_->n), c.tok};
  ASSERT_TRUE(again.open());
  again.send(json{{"op", "subscribe"}, {"topic", "job:" + job_id + ":matches"}, {"after_seq", seq}}.dump());
  auto reset = again.read_until([](const json& f) { return f["type"] == "matches"; });
  ASSERT_TRUE(reset) << "no frame for a watcher resuming from before the removal";
  EXPECT_EQ((*reset)["reset"], true);
  EXPECT_EQ((*reset)["changed"], json::array());
}

// A company's applications to a job, best match first (unscored last), page by page;
// a cursor of one order is refused by the other; jobseekers neither sort so nor see scores.
TEST_F(matching, a_company_lists_a_jobs_applications_by_match_score) {
  auto c = company();
  auto job = post_job(c, {req("Go"), req("Kafka")});
  std::string job_id = job["id"];
  auto backend = sign_up(*http_);
  auto designer = sign_up(*http_);
  auto strong = upload_ready(backend, backend_resume);
  auto weak = upload_ready(designer, designer_resume);
  ASSERT_FALSE(row_when(job_id, c, strong).is_null());
  ASSERT_FALSE(row_when(job_id, c, weak).is_null());
  // A resume the parser never read has no score.
  auto unread_user = uuid();
  auto unread = e_->db.resume_of(unread_user);
  auto apply = [&](const std::string& resume, const std::string& tok) {
    auto r = http_->post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", resume}}, tok);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body["id"].get<std::string>();
  };
  // Applied in an order unlike the scores': the unscored first, the best last.
  auto a_unread = apply(unread, token(unread_user, "jobseeker"));
  auto a_weak = apply(weak, designer.tok);
  auto a_strong = apply(strong, backend.tok);

  std::string base = "/api/v1/applications?job_id=" + job_id;
  std::vector<std::string> order;
  std::vector<json> scores;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto r = http_->get(base + "&sort=match_score&limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), c.tok);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.json_body["applications"].size(), 1u) << r.body;
    order.push_back(r.json_body["applications"][0]["id"]);
    scores.push_back(r.json_body["applications"][0]["match_score"]);
    if (r.json_body["next_cursor"].is_null())
      break;
    cursor = r.json_body["next_cursor"];
  }
  EXPECT_EQ(order, (std::vector<std::string>{a_strong, a_weak, a_unread}));
  ASSERT_EQ(scores.size(), 3u);
  EXPECT_GT(scores[0].get<double>(), scores[1].get<double>());
  EXPECT_TRUE(scores[2].is_null());
  // The default order is still newest first.
  auto newest = http_->get(base, c.tok).json_body["applications"];
  ASSERT_EQ(newest.size(), 3u);
  EXPECT_EQ(newest[0]["id"], a_strong);
  EXPECT_EQ(newest[2]["id"], a_unread);

  // Refused, and nothing listed: a cursor of the other order, a bad sort, a jobseeker sorting by score.
  auto by_time = http_->get(base + "&limit=1", c.tok).json_body["next_cursor"].get<std::string>();
  auto by_score = http_->get(base + "&sort=match_score&limit=1", c.tok).json_body["next_cursor"].get<std::string>();
  EXPECT_EQ(http_->get(base + "&sort=match_score&cursor=" + by_time, c.tok).status, 400);
  EXPECT_EQ(http_->get(base + "&cursor=" + by_score, c.tok).status, 400);
  EXPECT_EQ(http_->get(base + "&sort=score", c.tok).status, 400);
  EXPECT_EQ(http_->get(base + "&sort=match_score&sort=applied_at", c.tok).status, 400);
  auto mine = http_->get("/api/v1/applications?sort=match_score", backend.tok);
  EXPECT_EQ(mine.status, 400) << mine.body;
  EXPECT_EQ(mine.json_body["error"]["details"]["field"], "sort");
  auto own = http_->get("/api/v1/applications", backend.tok).json_body["applications"];
  ASSERT_EQ(own.size(), 1u);
  EXPECT_FALSE(own[0].contains("match_score")) << "a jobseeker sees no score in their list";
}
