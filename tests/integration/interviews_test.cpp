// Interviews end to end: schedule, reschedule across a DST change, the calendar
// file read by a real iCalendar parser (python3-icalendar), complete, cancel;
// the applicant's coarse view; bad input that changes nothing.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

struct env {
  database db;
  broker kafka;
  node n{db, kafka};
};

/// The day of next year's first US DST change (second Sunday of March), as "YYYY-03-DD" parts.
struct dst_day {
  int year;
  int day;
};

dst_day next_us_dst_start() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  int year = tm.tm_year + 1900 + 1;
  int sundays = 0;
  for (int d = 1; d <= 14; ++d) {
    std::tm t{};
    t.tm_year = year - 1900;
    t.tm_mon = 2;
    t.tm_mday = d;
    t.tm_hour = 12;
    auto secs = timegm(&t);
    std::tm back{};
    gmtime_r(&secs, &back);
    if (back.tm_wday == 0 && ++sundays == 2)
      return {year, d};
  }
  return {year, 14};
}

std::string march(const dst_day& d, int offset_days, const char* hhmm) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-03-%02dT%s", d.year, d.day + offset_days, hhmm);
  return buf;
}

/// Runs tests/support/ics_utc.py over `ics`; returns its "KEY value" lines as a map.
std::map<std::string, std::string> read_calendar(const std::string& ics) {
  auto path = temp_dir() + "/interview.ics";
  std::ofstream(path, std::ios::binary) << ics;
  auto cmd = std::string{"/usr/bin/python3 "} + HIREHUB_SOURCE_DIR "/tests/support/ics_utc.py " + path + " 2>&1";
  std::map<std::string, std::string> out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p)
    return out;
  char line[512];
  std::string all;
  while (std::fgets(line, sizeof line, p)) {
    std::string l{line};
    all += l;
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r'))
      l.pop_back();
    auto sp = l.find(' ');
    if (sp != std::string::npos)
      out[l.substr(0, sp)] = l.substr(sp + 1);
  }
  int rc = pclose(p);
  EXPECT_EQ(rc, 0) << "the calendar parser failed:\n" << all;
  return out;
}

class interviews : public node_suite<env> {
 protected:
  void SetUp() override {
    node_suite::SetUp();
    auto job = http_->post("/api/v1/jobs", {{"title", "Platform Engineer"}}, ctok_);
    ASSERT_EQ(job.status, 201) << job.body;
    auto app = http_->post("/api/v1/applications",
                           {{"job_id", job.json_body["id"]}, {"resume_id", e_->db.resume_of(sid_)}}, stok_);
    ASSERT_EQ(app.status, 201) << app.body;
    app_ = app.json_body["id"].get<std::string>();
    ASSERT_EQ(http_->patch(base(), {{"status", "reviewing"}}, ctok_).status, 200);
  }

  std::string base() const { return "/api/v1/applications/" + app_ + "/status"; }
  std::string ivs() const { return "/api/v1/applications/" + app_ + "/interviews"; }
  int64_t seq() {
    return e_->db.count("SELECT max(seq) FROM application_events WHERE application_id = '" + app_ + "'");
  }
  int64_t interview_rows() {
    return e_->db.count("SELECT count(*) FROM interviews WHERE application_id = '" + app_ + "'");
  }
  int64_t outbox(const std::string& topic) {
    return e_->db.count("SELECT count(*) FROM outbox WHERE key = '" + app_ + "' AND topic = '" + topic + "'");
  }

  std::string cid_ = uuid();
  std::string ctok_ = token(cid_, "company");
  std::string sid_ = uuid();
  std::string stok_ = token(sid_, "jobseeker");
  std::string app_;
};

}  // namespace

TEST_F(interviews, schedule_reschedule_across_dst_and_the_calendar_file) {
  auto dst = next_us_dst_start();
  json body = {{"interview_type", "onsite"},
               {"scheduled_at", march(dst, -2, "10:00")},  // before the change: EST, UTC-5
               {"time_zone", "America/New_York"},
               {"duration_minutes", 45},
               {"location", "Floor 3, 1 Main St, Brooklyn"},
               {"notes", "Ask for Jisoo at the front desk."}};
  auto r = http_->post(ivs(), body, ctok_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto iv = r.json_body["id"].get<std::string>();
  EXPECT_EQ(r.headers["Location"], ivs() + "/" + iv);
  EXPECT_EQ(r.json_body["scheduled_at"], march(dst, -2, "15:00:00.000Z"));
  EXPECT_EQ(r.json_body["local_start"], march(dst, -2, "10:00:00-05:00"));
  EXPECT_EQ(r.json_body["status"], "scheduled");
  // Committed with the event: the read model row in UTC with its zone, the status, the outbox.
  EXPECT_EQ(e_->db.scalar("SELECT to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI') || ' ' || "
                          "time_zone FROM interviews WHERE id = '" +
                          iv + "'"),
            march(dst, -2, "15:00") + " America/New_York");
  EXPECT_EQ(e_->db.scalar("SELECT status FROM applications WHERE id = '" + app_ + "'"), "interview_scheduled");
  EXPECT_EQ(outbox("interview.scheduled"), 1);

  auto cal = read_calendar(http_->get(ivs() + "/" + iv + ".ics", stok_).body);
  EXPECT_EQ(cal["DTSTART"], march(dst, -2, "15:00:00Z"));
  EXPECT_EQ(cal["DTEND"], march(dst, -2, "15:45:00Z"));
  EXPECT_EQ(cal["STATUS"], "CONFIRMED");
  EXPECT_EQ(cal["SEQUENCE"], "0");

  // Moved to the same wall-clock time after the change: EDT, UTC-4, an hour earlier in UTC.
  auto moved = http_->post(ivs() + "/" + iv + "/reschedule", {{"scheduled_at", march(dst, 1, "10:00")}}, ctok_);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json_body["scheduled_at"], march(dst, 1, "14:00:00.000Z"));
  EXPECT_EQ(moved.json_body["local_start"], march(dst, 1, "10:00:00-04:00"));
  EXPECT_EQ(moved.json_body["version"], 2);
  auto ics = http_->get(ivs() + "/" + iv + ".ics", ctok_);
  ASSERT_EQ(ics.status, 200);
  EXPECT_EQ(ics.headers["Content-Type"], "text/calendar; charset=utf-8");
  EXPECT_NE(ics.body.find("DTSTART;TZID=America/New_York:" + march(dst, 1, "100000").erase(4, 1).erase(6, 1)),
            std::string::npos)
      << ics.body;
  cal = read_calendar(ics.body);
  EXPECT_EQ(cal["DTSTART"], march(dst, 1, "14:00:00Z"));
  EXPECT_EQ(cal["SEQUENCE"], "1");
  EXPECT_EQ(outbox("interview.rescheduled"), 1);
  auto kafka = consume_topic(e_->kafka.bootstrap, "interview.scheduled", 1, std::chrono::seconds(30));
  bool found = false;
  for (auto& [key, payload] : kafka)
    if (key == app_) {
      found = true;
      auto p = json::parse(payload);
      EXPECT_EQ(p["interview_id"], iv);
      EXPECT_EQ(p["scheduled_at"], march(dst, -2, "15:00:00.000Z"));
    }
  EXPECT_TRUE(found) << "interview.scheduled did not reach Kafka";

  // The same time again changes nothing: refused, nothing written.
  auto before = seq();
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/reschedule", {{"scheduled_at", march(dst, 1, "10:00")}}, ctok_).status,
            409);
  EXPECT_EQ(seq(), before);
  EXPECT_EQ(outbox("interview.rescheduled"), 1);
}

TEST_F(interviews, complete_then_a_second_round_cancelled_and_who_sees_what) {
  auto r = http_->post(
      ivs(), {{"interview_type", "video"}, {"scheduled_at", "2031-06-02T09:30"}, {"time_zone", "Asia/Seoul"}}, ctok_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto first = r.json_body["id"].get<std::string>();
  EXPECT_EQ(r.json_body["scheduled_at"], "2031-06-02T00:30:00.000Z");
  auto done = http_->post(ivs() + "/" + first + "/complete",
                          {{"feedback", "Strong on SQL, weak on caching."}, {"rating", 4}}, ctok_);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json_body["status"], "completed");
  EXPECT_EQ(done.json_body["feedback"], "Strong on SQL, weak on caching.");
  EXPECT_EQ(http_->post(ivs() + "/" + first + "/complete", {{"feedback", "again"}}, ctok_).status, 409);

  // A second round, then cancelled: the application returns to interview_completed.
  r = http_->post(
      ivs(), {{"interview_type", "onsite"}, {"scheduled_at", "2031-06-09T14:00:00Z"}, {"time_zone", "Europe/Berlin"}},
      ctok_);
  ASSERT_EQ(r.status, 201) << r.body;
  auto second = r.json_body["id"].get<std::string>();
  EXPECT_EQ(r.json_body["local_start"], "2031-06-09T16:00:00+02:00");
  auto cancel = http_->post(ivs() + "/" + second + "/cancel", {{"reason", "interviewer_unavailable"}}, ctok_);
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json_body["status"], "cancelled");
  auto company_view = http_->get("/api/v1/applications/" + app_, ctok_);
  EXPECT_EQ(company_view.json_body["status"], "interview_completed");
  ASSERT_EQ(company_view.json_body["interviews"].size(), 2u);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM interviews WHERE application_id = '" + app_ +
                         "' AND status = 'cancelled' AND cancel_reason = 'interviewer_unavailable'"),
            1);
  auto cal = read_calendar(http_->get(ivs() + "/" + second + ".ics", stok_).body);
  EXPECT_EQ(cal["STATUS"], "CANCELLED");

  // The applicant: the stage, the interviews without the company's feedback.
  auto mine = http_->get("/api/v1/applications/" + app_, stok_);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json_body["stage"], "in_review");
  EXPECT_FALSE(mine.json_body.contains("status"));
  EXPECT_FALSE(mine.json_body["interviews"][0].contains("feedback"));
  auto one = http_->get(ivs() + "/" + first, stok_);
  ASSERT_EQ(one.status, 200);
  EXPECT_FALSE(one.json_body.contains("feedback"));
  EXPECT_EQ(mine.body.find("weak on caching"), std::string::npos);
  // The company's history has every event; the applicant's only what they see.
  auto full = http_->get("/api/v1/applications/" + app_ + "/events", ctok_);
  ASSERT_EQ(full.json_body["events"].size(), 6u);  // submitted, reviewing, scheduled, completed, scheduled, cancelled
  EXPECT_EQ(full.json_body["events"][5]["type"], "interview_cancelled");
  EXPECT_EQ(full.json_body["events"][5]["reason"], "interviewer_unavailable");
  auto coarse = http_->get("/api/v1/applications/" + app_ + "/events", stok_);
  ASSERT_EQ(coarse.status, 200);
  std::vector<std::string> types;
  for (auto& e : coarse.json_body["events"]) {
    types.push_back(e["type"].get<std::string>());
    EXPECT_FALSE(e.contains("to_status"));
    EXPECT_FALSE(e.contains("actor_id"));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"submitted", "stage_changed", "interview_scheduled", "stage_changed",
                                             "interview_scheduled", "interview_cancelled"}));
  // A jobseeker's list shows the stage; filtering by the company's status is theirs only.
  auto list = http_->get("/api/v1/applications", stok_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json_body["applications"][0]["stage"], "in_review");
  EXPECT_FALSE(list.json_body["applications"][0].contains("status"));
  EXPECT_EQ(http_->get("/api/v1/applications?status=reviewing", stok_).status, 400);
  EXPECT_EQ(http_->get("/api/v1/applications", ctok_).json_body["applications"][0]["status"], "interview_completed");
}

TEST_F(interviews, bad_input_and_other_parties_change_nothing) {
  auto before = seq();
  auto post = [&](const json& b, const std::string& tok = {}) {
    return http_->post(ivs(), b, tok.empty() ? ctok_ : tok);
  };
  json good = {{"interview_type", "phone"}, {"scheduled_at", "2031-01-10T10:00"}, {"time_zone", "Asia/Seoul"}};
  auto field_of = [](const http_result& r) { return r.json_body["error"]["details"].value("field", ""); };
  auto with = [&](const char* k, json v) {
    auto b = good;
    b[k] = std::move(v);
    return b;
  };
  auto r = post(with("time_zone", "Asia/Atlantis"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(field_of(r), "time_zone");
  auto dst = next_us_dst_start();
  auto skipped = with("scheduled_at", march(dst, 0, "02:30"));
  skipped["time_zone"] = "America/New_York";
  r = post(skipped);
  EXPECT_EQ(r.status, 400) << "a local time the clocks skip";
  EXPECT_EQ(field_of(r), "scheduled_at");
  EXPECT_EQ(field_of(post(with("scheduled_at", "2001-01-01T10:00"))), "scheduled_at");  // the past
  EXPECT_EQ(field_of(post(with("scheduled_at", "next tuesday"))), "scheduled_at");
  EXPECT_EQ(field_of(post(with("interview_type", "dinner"))), "interview_type");
  EXPECT_EQ(field_of(post(with("duration_minutes", 1000))), "duration_minutes");
  EXPECT_EQ(field_of(post(with("duration_minutes", "60"))), "duration_minutes");
  EXPECT_EQ(field_of(post(with("location", std::string(501, 'x')))), "location");
  EXPECT_EQ(field_of(post(with("feedback", "early"))), "feedback");  // unknown field here
  auto missing = good;
  missing.erase("time_zone");
  EXPECT_EQ(field_of(post(missing)), "time_zone");
  EXPECT_EQ(http_
                ->request("POST", ivs(), "{not json",
                          {{"Authorization", "Bearer " + ctok_}, {"Content-Type", "application/json"}})
                .status,
            400);
  // Not the company's to schedule: the applicant 403, another company and strangers 404, no token 401.
  EXPECT_EQ(post(good, stok_).status, 403);
  EXPECT_EQ(post(good, token(uuid(), "company")).status, 404);
  EXPECT_EQ(post(good, token(uuid(), "jobseeker")).status, 404);
  EXPECT_EQ(http_->post(ivs(), good, "").status, 401);
  EXPECT_EQ(http_->post("/api/v1/applications/" + uuid() + "/interviews", good, ctok_).status, 404);
  EXPECT_EQ(seq(), before);
  EXPECT_EQ(interview_rows(), 0);
  EXPECT_EQ(outbox("interview.scheduled"), 0);

  // With one scheduled: a second is refused; actions on it by others are refused; unknown ids 404.
  auto ok = post(good);
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto iv = ok.json_body["id"].get<std::string>();
  before = seq();
  EXPECT_EQ(post(with("scheduled_at", "2031-01-11T10:00")).status, 409);
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/cancel", {{"reason", "other"}}, stok_).status, 403);
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/cancel", {{"reason", "bored"}}, ctok_).status, 400);
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/complete", json::object(), ctok_).status, 400);
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/complete", {{"feedback", "ok"}, {"rating", 9}}, ctok_).status, 400);
  EXPECT_EQ(http_->post(ivs() + "/" + iv + "/reschedule", json::object(), ctok_).status, 400);
  EXPECT_EQ(http_->post(ivs() + "/" + uuid() + "/cancel", {{"reason", "other"}}, ctok_).status, 404);
  EXPECT_EQ(http_->get(ivs() + "/" + iv + ".ics", token(uuid(), "jobseeker")).status, 404);
  EXPECT_EQ(http_->get(ivs() + "/not-an-id.ics", ctok_).status, 404);
  EXPECT_EQ(http_->patch(base(), {{"status", "interview_completed"}}, ctok_).status, 409);
  EXPECT_EQ(seq(), before);
  EXPECT_EQ(e_->db.scalar("SELECT status FROM interviews WHERE id = '" + iv + "'"), "scheduled");

  // Rejecting the application cancels the scheduled interview in the same commit.
  ASSERT_EQ(http_->patch(base(), {{"status", "rejected"}, {"reason", "position_filled"}}, ctok_).status, 200);
  EXPECT_EQ(e_->db.scalar("SELECT status || ' ' || cancel_reason FROM interviews WHERE id = '" + iv + "'"),
            "cancelled application_rejected");
  auto mine = http_->get("/api/v1/applications/" + app_, stok_);
  EXPECT_EQ(mine.json_body["stage"], "not_selected");
  EXPECT_EQ(mine.body.find("position_filled"), std::string::npos);
}
