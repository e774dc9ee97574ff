// End to end through real processes: HTTP -> application actor -> PostgreSQL
// journal + outbox -> Kafka (embedded broker) -> notification actors -> WebSocket.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <tuple>

#include <pqxx/pqxx>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

struct env {
  database db;
  broker kafka;
  node n{db, kafka};
};

struct company {
  std::string id = uuid();
  std::string tok = token(id, "company");
};

database& suite_db();

struct seeker {
  std::string id = uuid();
  std::string tok = token(id, "jobseeker");
  std::string resume = suite_db().resume_of(id);
};

class apply_flow : public node_suite<env> {
 protected:
  std::string create_job(const company& c, const std::string& status = "open") {
    auto r = http_->post("/api/v1/jobs", {{"title", "Backend Engineer (C++)"}, {"status", status}}, c.tok);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body.value("id", "");
  }

  http_result apply(const seeker& s, const std::string& job, std::map<std::string, std::string> headers = {}) {
    return http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", s.resume}}, s.tok, headers);
  }

  int64_t rows(const std::string& table) { return e_->db.count("SELECT count(*) FROM " + table); }

 public:
  static database& db() { return e_->db; }

 protected:
};

database& suite_db() {
  return apply_flow::db();
}

}  // namespace

TEST_F(apply_flow, submit_reaches_the_companys_websocket_and_kafka) {
  company c;
  seeker s;
  auto job = create_job(c);
  ws_client company_ws{e_->n.port, c.tok};
  ASSERT_TRUE(company_ws.open());
  company_ws.send(R"({"op":"subscribe","topic":"notifications"})");
  auto ack = company_ws.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["type"], "subscribed");

  auto r = apply(s, job);
  ASSERT_EQ(r.status, 201) << r.body;
  auto app_id = r.json_body["id"].get<std::string>();
  // The applicant sees the coarse stage, not the company's pipeline status.
  EXPECT_EQ(r.json_body["stage"], "applied");
  EXPECT_FALSE(r.json_body.contains("status"));
  EXPECT_EQ(r.json_body["seq"], 1);
  EXPECT_EQ(r.headers["Location"], "/api/v1/applications/" + app_id);
  // 201 means committed: the journal, the read model and the outbox hold it now.
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM application_events WHERE application_id = '" + app_id + "'"), 1);
  EXPECT_EQ(e_->db.scalar("SELECT status FROM applications WHERE id = '" + app_id + "'"), "submitted");
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE key = '" + app_id + "'"), 1);

  auto frame = company_ws.read_until([](const json& f) { return f.value("type", "") == "notification"; },
                                     std::chrono::seconds(30));
  ASSERT_TRUE(frame) << "no notification frame reached the company's WebSocket";
  EXPECT_EQ((*frame)["topic"], "notifications");
  EXPECT_EQ((*frame)["data"]["event_type"], "application.submitted");
  EXPECT_EQ((*frame)["data"]["data"]["application_id"], app_id);
  EXPECT_NE((*frame)["data"]["title"].get<std::string>().find("Backend Engineer (C++)"), std::string::npos);
  EXPECT_GT((*frame)["seq"].get<int64_t>(), 0);

  auto msgs = consume_topic(e_->kafka.bootstrap, "application.submitted", 1, std::chrono::seconds(30));
  bool found = false;
  for (auto& [key, payload] : msgs)
    if (key == app_id) {
      found = true;
      auto p = json::parse(payload);
      EXPECT_EQ(p["job_id"], job);
      EXPECT_EQ(p["user_id"], s.id);
      EXPECT_TRUE(p.contains("event_id"));
    }
  EXPECT_TRUE(found) << "application.submitted with key = application id not found in Kafka";
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
    return e_->db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND key = '" + app_id + "'") == 0;
  }));
}

TEST_F(apply_flow, status_changes_go_live_to_the_applicant_with_sequence_numbers) {
  company c;
  seeker s;
  auto job = create_job(c);
  auto app_id = apply(s, job).json_body["id"].get<std::string>();
  ws_client ws{e_->n.port, "", "?access_token=" + s.tok};
  ASSERT_TRUE(ws.open());
  ws.send(json({{"op", "subscribe"}, {"topic", "application:" + app_id}}).dump());
  ws.send(R"({"op":"subscribe","topic":"notifications"})");
  auto ack =
      ws.read_until([&](const json& f) { return f["type"] == "subscribed" && f["topic"] == "application:" + app_id; });
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["seq"], 1);

  auto r = http_->patch("/api/v1/applications/" + app_id + "/status", {{"status", "reviewing"}}, c.tok);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json_body["status"], "reviewing");
  EXPECT_EQ(r.json_body["seq"], 2);
  // The applicant's frame: the stage moved from applied to in_review; no pipeline internals.
  auto live = ws.read_until([](const json& f) { return f.value("type", "") == "application.stage_changed"; });
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["seq"], 2);
  EXPECT_EQ((*live)["data"]["application"]["stage"], "in_review");
  EXPECT_FALSE((*live)["data"]["application"].contains("status"));
  EXPECT_EQ((*live)["data"]["event"]["stage"], "in_review");
  EXPECT_FALSE((*live)["data"]["event"].contains("from_status"));
  auto note =
      ws.read_until([](const json& f) { return f.value("type", "") == "notification"; }, std::chrono::seconds(30));
  ASSERT_TRUE(note) << "the applicant got no notification for the status change";
  EXPECT_EQ((*note)["data"]["event_type"], "application.status_changed");

  auto events = http_->get("/api/v1/applications/" + app_id + "/events", c.tok);
  ASSERT_EQ(events.status, 200);
  ASSERT_EQ(events.json_body["events"].size(), 2u);
  EXPECT_EQ(events.json_body["events"][1]["to_status"], "reviewing");

  auto list = http_->get("/api/v1/notifications", s.tok);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json_body["notifications"].size(), 1u);
  auto nid = list.json_body["notifications"][0]["id"].get<std::string>();
  auto read = http_->post("/api/v1/notifications/" + nid + "/read", nullptr, s.tok);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json_body["status"], "read");
  // Someone else's notification is not found, and stays unread.
  EXPECT_EQ(http_->post("/api/v1/notifications/" + nid + "/read", nullptr, c.tok).status, 404);
}

TEST_F(apply_flow, resume_after_a_drop_replays_missed_frames_in_order) {
  company c;
  seeker s;
  auto job = create_job(c);
  auto app_id = apply(s, job).json_body["id"].get<std::string>();
  ASSERT_EQ(http_->patch("/api/v1/applications/" + app_id + "/status", {{"status", "reviewing"}}, c.tok).status, 200);
  auto iv = http_->post(
      "/api/v1/applications/" + app_id + "/interviews",
      {{"interview_type", "video"}, {"scheduled_at", "2030-05-02T10:00"}, {"time_zone", "Asia/Seoul"}}, c.tok);
  ASSERT_EQ(iv.status, 201) << iv.body;
  auto iv_id = iv.json_body["id"].get<std::string>();
  ASSERT_EQ(
      http_
          ->post("/api/v1/applications/" + app_id + "/interviews/" + iv_id + "/complete", {{"feedback", "good"}}, c.tok)
          .status,
      200);
  ws_client ws{e_->n.port, s.tok};
  ws.send(json({{"op", "subscribe"}, {"topic", "application:" + app_id}, {"after_seq", 1}}).dump());
  auto ack = ws.read();
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["type"], "subscribed");
  EXPECT_EQ((*ack)["seq"], 4);
  for (int seq = 2; seq <= 4; ++seq) {
    auto f = ws.read();
    ASSERT_TRUE(f) << "missing frame " << seq;
    EXPECT_EQ((*f)["seq"], seq);
  }
  // Live frames continue after the replay without gaps or repeats.
  ASSERT_EQ(http_->patch("/api/v1/applications/" + app_id + "/status", {{"status", "offered"}}, c.tok).status, 200);
  auto f = ws.read_until([](const json& x) { return x.value("type", "") == "application.stage_changed"; });
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["seq"], 5);

  // Notifications resume the same way.
  ws_client ns{e_->n.port, s.tok};
  ns.send(R"({"op":"subscribe","topic":"notifications","after_seq":0})");
  auto nack = ns.read();
  ASSERT_TRUE(nack);
  EXPECT_EQ((*nack)["type"], "subscribed");
}

TEST_F(apply_flow, idempotency_key_returns_the_first_answer) {
  company c;
  seeker s;
  auto job = create_job(c);
  auto key = "retry-" + uuid();
  auto first = apply(s, job, {{"Idempotency-Key", key}});
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = apply(s, job, {{"Idempotency-Key", key}});
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.json_body["id"], first.json_body["id"]);
  EXPECT_EQ(second.headers["Idempotent-Replayed"], "true");
  auto id = first.json_body["id"].get<std::string>();
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM application_events WHERE application_id = '" + id + "'"), 1);
  // The same key with another body is refused and changes nothing.
  auto other = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", e_->db.resume_of(s.id)}}, s.tok,
                           {{"Idempotency-Key", key}});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(other.json_body["error"]["code"], "idempotency_key_reused");
  EXPECT_EQ(apply(s, job, {{"Idempotency-Key", std::string(201, 'k')}}).status, 400);
}

TEST_F(apply_flow, one_application_per_job_and_user) {
  company c;
  seeker s;
  auto job = create_job(c);
  ASSERT_EQ(apply(s, job).status, 201);
  auto before = rows("outbox");
  auto dup = apply(s, job);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(dup.json_body["error"]["code"], "duplicate_application");
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM applications WHERE user_id = '" + s.id + "'"), 1);
  EXPECT_EQ(rows("outbox"), before);
}

TEST_F(apply_flow, illegal_moves_and_wrong_parties_change_nothing) {
  company c;
  company other;
  seeker s;
  seeker stranger;
  auto job = create_job(c);
  auto app_id = apply(s, job).json_body["id"].get<std::string>();
  auto path = "/api/v1/applications/" + app_id + "/status";
  auto journal = [&] {
    return e_->db.count("SELECT count(*) FROM application_events WHERE application_id = '" + app_id + "'");
  };
  auto outbox = rows("outbox");
  auto r = http_->patch(path, {{"status", "offered"}}, c.tok);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json_body["error"]["code"], "illegal_transition");
  EXPECT_EQ(http_->patch(path, {{"status", "submitted"}}, c.tok).status, 409) << "move to the current state";
  EXPECT_EQ(http_->patch(path, {{"status", "reviewing"}}, s.tok).status, 403) << "jobseeker moving";
  EXPECT_EQ(http_->patch(path, {{"status", "withdrawn"}, {"reason", "other"}}, c.tok).status, 403);
  EXPECT_EQ(http_->patch(path, {{"status", "reviewing"}}, other.tok).status, 404) << "another company";
  EXPECT_EQ(http_->patch(path, {{"status", "withdrawn"}, {"reason", "other"}}, stranger.tok).status, 404);
  auto no_reason = http_->patch(path, {{"status", "rejected"}}, c.tok);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.json_body["error"]["details"]["field"], "reason");
  EXPECT_EQ(http_->patch(path, {{"status", "rejected"}, {"reason", "bad vibes"}}, c.tok).status, 400);
  EXPECT_EQ(http_->patch(path, {{"status", "promoted"}}, c.tok).status, 400);
  EXPECT_EQ(journal(), 1);
  EXPECT_EQ(rows("outbox"), outbox);
  EXPECT_EQ(http_->get("/api/v1/applications/" + app_id, other.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/applications/" + app_id, stranger.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/applications/" + app_id, s.tok).status, 200);
  EXPECT_EQ(http_->get("/api/v1/applications/" + app_id, c.tok).status, 200);
  // A legal withdrawal by the applicant ends it; nothing moves afterwards.
  ASSERT_EQ(http_->patch(path, {{"status", "withdrawn"}, {"reason", "accepted_other_offer"}}, s.tok).status, 200);
  EXPECT_EQ(http_->patch(path, {{"status", "reviewing"}}, c.tok).status, 409);
  EXPECT_EQ(journal(), 2);
}

TEST_F(apply_flow, applying_to_missing_draft_or_foreign_jobs_is_refused) {
  company c;
  seeker s;
  auto outbox = rows("outbox");
  auto missing = apply(s, uuid());
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.json_body["error"]["details"]["field"], "job_id");
  auto draft = create_job(c, "draft");
  auto r = apply(s, draft);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json_body["error"]["code"], "job_not_open");
  EXPECT_EQ(rows("outbox"), outbox + 1) << "only the draft job's job.created was written";
  EXPECT_EQ(http_->get("/api/v1/applications/" + uuid(), s.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/applications/not-a-uuid", s.tok).status, 404);
}

TEST_F(apply_flow, applying_with_a_missing_or_foreign_resume_is_refused_and_writes_nothing) {
  company c;
  seeker s, other;
  auto job = create_job(c);
  auto before = std::make_tuple(rows("applications"), rows("application_events"), rows("outbox"));
  for (const auto& resume : {uuid(), other.resume}) {
    auto r = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", resume}}, s.tok);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json_body["error"]["code"], "not_found") << r.body;
    EXPECT_EQ(r.json_body["error"]["details"]["field"], "resume_id") << r.body;
  }
  EXPECT_EQ(std::make_tuple(rows("applications"), rows("application_events"), rows("outbox")), before);
  // A missing job is named before the resume; the applicant's own resume (any case) is taken.
  auto missing = http_->post("/api/v1/applications", {{"job_id", uuid()}, {"resume_id", uuid()}}, s.tok);
  EXPECT_EQ(missing.json_body["error"]["details"]["field"], "job_id") << missing.body;
  std::string upper = s.resume;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
  auto ok = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", upper}}, s.tok);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json_body["resume_id"], s.resume);
  // Applying again is a duplicate, whichever resume: the job and user pair is taken.
  auto again = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", e_->db.resume_of(s.id)}}, s.tok);
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(apply_flow, a_job_closed_after_applications_takes_no_more) {
  // The node keeps a job's owner and title for new applications (entity.job_cache_ttl_ms);
  // whether it is open is checked in the commit, so closing takes effect at once.
  company c;
  auto job = create_job(c);
  seeker first;
  ASSERT_EQ(apply(first, job).status, 201);
  auto closed = http_->post("/api/v1/jobs/" + job + "/close", nlohmann::json::object(), c.tok);
  ASSERT_EQ(closed.status, 200) << closed.body;
  auto apps = rows("applications");
  auto events = rows("application_events");
  auto outbox = rows("outbox");
  seeker late;
  auto r = apply(late, job);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json_body["error"]["code"], "job_not_open");
  EXPECT_NE(r.body.find("closed"), std::string::npos) << r.body;
  EXPECT_EQ(rows("applications"), apps);
  EXPECT_EQ(rows("application_events"), events);
  EXPECT_EQ(rows("outbox"), outbox);
  // Open again: applications are taken again.
  ASSERT_EQ(http_->post("/api/v1/jobs/" + job + "/open", nlohmann::json::object(), c.tok).status, 200);
  EXPECT_EQ(apply(late, job).status, 201);
}

TEST_F(apply_flow, a_request_past_its_deadline_gets_503_and_sessions_live_on) {
  // A request's actor calls share one deadline (http.request_timeout_ms, 5 s here),
  // enforced by the gateway supervisor. The jobs table is locked so that reading a job
  // waits; the request is answered 503 `timeout` while the read still waits, and a
  // WebSocket session (no deadline) opened before keeps working after it.
  company c;
  auto job = create_job(c);
  ws_client company_ws{e_->n.port, c.tok};
  ASSERT_TRUE(company_ws.open());
  company_ws.send(R"({"op":"subscribe","topic":"notifications"})");
  ASSERT_TRUE(company_ws.read());

  std::mutex mx;
  std::condition_variable cv;
  bool locked = false;
  bool release = false;
  std::thread holder([&] {
    pqxx::connection conn{e_->db.url};
    pqxx::work txn{conn};
    txn.exec("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
    std::unique_lock lk{mx};
    locked = true;
    cv.notify_all();
    // Released when the test is done with it, or after 30 s if the request never answers.
    cv.wait_for(lk, std::chrono::seconds(30), [&] { return release; });
    txn.abort();
  });
  {
    std::unique_lock lk{mx};
    cv.wait(lk, [&] { return locked; });
  }
  auto r = http_->get("/api/v1/jobs/" + job, c.tok);
  {
    std::lock_guard lk{mx};
    release = true;
  }
  cv.notify_all();
  holder.join();
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.json_body["error"]["code"], "timeout") << r.body;
  EXPECT_EQ(r.headers["Retry-After"], "1");

  EXPECT_EQ(http_->get("/api/v1/jobs/" + job, c.tok).status, 200);
  seeker s;
  auto applied = apply(s, job);
  ASSERT_EQ(applied.status, 201) << applied.body;
  auto id = applied.json_body["id"].get<std::string>();
  auto frame = company_ws.read_until(
      [&](const json& f) { return f.value("type", "") == "notification" && f["data"]["data"]["application_id"] == id; },
      std::chrono::seconds(30));
  EXPECT_TRUE(frame) << "the session opened before the deadline passed no longer gets frames";
}

TEST_F(apply_flow, bad_input_gets_a_clear_error_and_changes_nothing) {
  company c;
  seeker s;
  auto job = create_job(c);
  auto before_apps = rows("applications");
  auto before_outbox = rows("outbox");
  auto post_raw = [&](const std::string& body, const std::string& ct, const std::string& tok) {
    std::map<std::string, std::string> h = {{"Content-Type", ct}};
    if (!tok.empty())
      h["Authorization"] = "Bearer " + tok;
    return http_->request("POST", "/api/v1/applications", body, h);
  };
  auto valid = json({{"job_id", job}, {"resume_id", s.resume}}).dump();
  // Authentication and roles.
  EXPECT_EQ(post_raw(valid, "application/json", "").status, 401);
  auto bad_sig = token(s.id, "jobseeker").substr(0, 20) + "x.y.z";
  EXPECT_EQ(post_raw(valid, "application/json", bad_sig).status, 401);
  EXPECT_EQ(post_raw(valid, "application/json", token(s.id, "jobseeker", "", -10)).status, 401) << "expired";
  auto tampered = hh_test::token(s.id, "jobseeker");
  auto& ch = tampered[tampered.size() - 10];
  ch = ch == 'A' ? 'B' : 'A';
  EXPECT_EQ(post_raw(valid, "application/json", tampered).status, 401);
  auto r = post_raw(valid, "application/json", c.tok);
  EXPECT_EQ(r.status, 403) << "a company cannot apply";
  EXPECT_EQ(http_
                ->request("POST", "/api/v1/applications", valid,
                          {{"Content-Type", "application/json"}, {"Authorization", "Basic abc"}})
                .status,
            401);
  // Shape of the body.
  EXPECT_EQ(post_raw(valid, "text/plain", s.tok).status, 415);
  r = post_raw("{not json", "application/json", s.tok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json_body["error"]["code"], "bad_request");
  EXPECT_EQ(post_raw("[1,2]", "application/json", s.tok).status, 400);
  r = post_raw(json({{"job_id", job}, {"resume_id", s.resume}, {"salary", 1}}).dump(), "application/json", s.tok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "salary");
  r = post_raw(json({{"job_id", 42}, {"resume_id", s.resume}}).dump(), "application/json", s.tok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "job_id");
  r = post_raw(json({{"job_id", "nope"}, {"resume_id", s.resume}}).dump(), "application/json", s.tok);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "job_id");
  r = post_raw(json({{"resume_id", s.resume}}).dump(), "application/json", s.tok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "job_id");
  r = post_raw(json({{"job_id", job}, {"resume_id", s.resume}, {"cover_letter", std::string(10001, 'x')}}).dump(),
               "application/json", s.tok);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.json_body["error"]["details"]["field"], "cover_letter");
  // Sizes and protocol.
  r = post_raw(std::string(70000, ' '), "application/json", s.tok);
  EXPECT_EQ(r.status, 413);
  auto raw = http_->raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
  EXPECT_NE(raw.find("431"), std::string::npos) << raw.substr(0, 80);
  raw = http_->raw("NONSENSE\r\n\r\n");
  EXPECT_NE(raw.find("400"), std::string::npos) << raw.substr(0, 80);
  EXPECT_EQ(http_->get("/api/v1/nowhere", s.tok).status, 404);
  EXPECT_EQ(http_->request("DELETE", "/api/v1/applications", "", {{"Authorization", "Bearer " + s.tok}}).status, 405);
  EXPECT_EQ(http_->get("/api/v1/notifications?limit=0", s.tok).status, 400);
  EXPECT_EQ(http_->get("/api/v1/notifications?after_seq=-1", s.tok).status, 400);
  auto job_bad = http_->post("/api/v1/jobs", {{"title", ""}}, c.tok);
  EXPECT_EQ(job_bad.status, 400);
  EXPECT_EQ(http_->post("/api/v1/jobs", {{"title", "x"}}, s.tok).status, 403);
  EXPECT_EQ(http_->post("/api/v1/jobs", {{"title", "x"}, {"status", "closed"}}, c.tok).status, 400);
  EXPECT_EQ(rows("applications"), before_apps);
  EXPECT_EQ(rows("outbox"), before_outbox);
  // The node is still healthy after all of it.
  EXPECT_EQ(http_->get("/health").status, 200);
}

TEST_F(apply_flow, websocket_bad_frames_get_error_frames_not_a_dropped_connection) {
  company c;
  seeker s;
  seeker stranger;
  auto job = create_job(c);
  auto app_id = apply(s, job).json_body["id"].get<std::string>();
  ws_client refused{e_->n.port, ""};
  EXPECT_FALSE(refused.open());
  ws_client bad_token{e_->n.port, "garbage"};
  EXPECT_FALSE(bad_token.open());
  auto upgrade = [](const std::string& auth) {
    return "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           auth + "\r\n";
  };
  auto raw = http_->raw(upgrade(""));
  EXPECT_EQ(raw.rfind("HTTP/1.1 401", 0), 0u) << raw.substr(0, 60);
  raw = http_->raw(upgrade("Authorization: Bearer " + s.tok + "\r\n"));
  EXPECT_EQ(raw.rfind("HTTP/1.1 101", 0), 0u) << raw.substr(0, 60);

  ws_client ws{e_->n.port, stranger.tok};
  ASSERT_TRUE(ws.open());
  auto expect_error = [&](const std::string& frame, const std::string& code) {
    ws.send(frame);
    auto f = ws.read();
    ASSERT_TRUE(f) << frame;
    EXPECT_EQ((*f)["type"], "error") << frame;
    EXPECT_EQ((*f)["error"]["code"], code) << frame;
  };
  expect_error("not json", "bad_request");
  expect_error("[1]", "bad_request");
  expect_error(R"({"topic":"notifications"})", "bad_request");
  expect_error(R"({"op":"dance"})", "bad_request");
  expect_error(R"({"op":"subscribe","topic":"weather"})", "bad_request");
  expect_error(R"({"op":"subscribe","topic":"application:nope"})", "bad_request");
  expect_error(R"({"op":"subscribe","topic":"notifications","after_seq":-3})", "bad_request");
  expect_error(R"({"op":"subscribe","topic":"notifications","extra":1})", "bad_request");
  expect_error(R"({"op":"unsubscribe","topic":"notifications"})", "not_found");
  expect_error(json({{"op", "subscribe"}, {"topic", "application:" + app_id}}).dump(), "not_found");
  ws.send(R"({"op":"ping"})");
  auto pong = ws.read();
  ASSERT_TRUE(pong) << "the connection was dropped";
  EXPECT_EQ((*pong)["type"], "pong");
}

TEST_F(apply_flow, service_endpoints) {
  auto h = http_->get("/health");
  EXPECT_EQ(h.status, 200);
  auto r = http_->get("/ready");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json_body["checks"]["postgres"], true);
  EXPECT_EQ(r.json_body["checks"]["kafka"], true);
  // /metrics is for the scraper's token and admins only.
  EXPECT_EQ(http_->get("/metrics").status, 401);
  EXPECT_EQ(http_->get("/metrics", token(uuid(), "jobseeker")).status, 403);
  EXPECT_EQ(http_->get("/metrics", token(uuid(), "admin")).status, 200);
  EXPECT_EQ(http_->get("/metrics", "test-metrics-token-wrong-wrong-wrong-wrong-wrong").status, 401);
  auto m = http_->get("/metrics", metrics_token);
  EXPECT_EQ(m.status, 200);
  for (auto name : {"hirehub_http_requests_total", "hirehub_http_request_seconds_bucket", "hirehub_active_entities",
                    "hirehub_persistence_queue_depth", "hirehub_outbox_backlog", "hirehub_kafka_produce_errors_total",
                    "hirehub_websocket_sessions"})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
  auto doc = http_->get("/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.json_body["openapi"], "3.0.3");
  for (auto path : {"/api/v1/jobs", "/api/v1/applications", "/api/v1/applications/{id}",
                    "/api/v1/applications/{id}/status", "/api/v1/applications/{id}/events", "/api/v1/notifications",
                    "/api/v1/notifications/{id}/read", "/ws", "/health", "/ready", "/metrics"})
    EXPECT_TRUE(doc.json_body["paths"].contains(path)) << path;
}
