// Jobs through a real node: the write model (post, edit, open, close, delete a
// draft; skills; job_events and job.* events) and search over the read model
// the projector keeps from Kafka (English and Korean text, filters, sorting,
// keyset pages, counts), with bad input refused.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

struct env {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_AUTH_PASSWORD_OPSLIMIT", "1"}, {"HIREHUB_AUTH_PASSWORD_MEMLIMIT_KIB", "8192"}}};
};

std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

struct account {
  std::string id;
  std::string company_id;
  std::string tok;
};

class jobs : public node_suite<env> {
 protected:
  account company(const std::string& name) {
    auto u = sign_up_with(*http_, json{{"role", "company"}, {"name", "HR"}, {"company", {{"name", name}}}});
    return {u.id, u.company, u.tok};
  }

  account seeker() {
    auto id = uuid();
    return {id, "", token(id, "jobseeker")};
  }

  json post_job(const account& c, json body) {
    auto r = http_->post("/api/v1/jobs", body, c.tok);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json_body;
  }

  /// Searches until `pred` holds for the page (the read model follows Kafka).
  json search_until(const std::string& query, const std::string& tok, const std::function<bool(const json&)>& pred) {
    json last;
    eventually(std::chrono::seconds(30), [&] {
      auto r = http_->get("/api/v1/jobs?" + query, tok);
      EXPECT_EQ(r.status, 200) << r.body;
      last = r.json_body;
      return r.status == 200 && pred(last);
    });
    return last;
  }

  static std::set<std::string> ids_of(const json& page) {
    std::set<std::string> out;
    for (auto& j : page["jobs"])
      out.insert(j["id"].get<std::string>());
    return out;
  }
};

}  // namespace

TEST_F(jobs, a_company_posts_edits_opens_closes_and_deletes_drafts) {
  auto acme = company("Acme Systems");
  auto job = post_job(acme, {{"title", "Senior Backend Engineer"},
                             {"status", "draft"},
                             {"description", "Build the actor runtime."},
                             {"job_type", "full-time"},
                             {"experience_level", "senior"},
                             {"experience_min", 5},
                             {"experience_max", 10},
                             {"salary_min", 70000000},
                             {"salary_max", 90000000},
                             {"location", "Seoul Gangnam"},
                             {"remote_type", "hybrid"},
                             {"expires_at", "2099-12-31T23:59:59Z"},
                             {"skills", {{{"name", "kafka"}, {"required", false}}, {{"name", "C++"}}}}});
  auto id = job["id"].get<std::string>();
  EXPECT_EQ(job["status"], "draft");
  EXPECT_TRUE(job["posted_at"].is_null());
  EXPECT_EQ(job["company_name"], "Acme Systems");
  EXPECT_EQ(job["skills"], json({{{"name", "C++"}, {"required", true}}, {{"name", "Kafka"}, {"required", false}}}));
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE topic = 'job.created' AND key = '" + id + "'"), 1);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM job_events WHERE job_id = '" + id + "'"), 1);

  auto s = seeker();
  EXPECT_EQ(http_->get("/api/v1/jobs/" + id, s.tok).status, 404) << "drafts are private to their company";
  auto opened = http_->post("/api/v1/jobs/" + id + "/open", json::object(), acme.tok);
  ASSERT_EQ(opened.status, 200) << opened.body;
  EXPECT_EQ(opened.json_body["status"], "open");
  EXPECT_FALSE(opened.json_body["posted_at"].is_null());
  EXPECT_EQ(http_->post("/api/v1/jobs/" + id + "/open", json::object(), acme.tok).status, 409);

  auto edited = http_->patch("/api/v1/jobs/" + id, {{"salary_max", 95000000}, {"location", nullptr}}, acme.tok);
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(edited.json_body["salary_max"], 95000000);
  EXPECT_TRUE(edited.json_body["location"].is_null());
  EXPECT_EQ(edited.json_body["version"], 3);
  auto upd = e_->db.scalar("SELECT payload->>'updated_fields' FROM outbox WHERE topic = 'job.updated' AND key = '" +
                           id + "' ORDER BY id DESC LIMIT 1");
  EXPECT_NE(upd.find("salary_max"), std::string::npos) << upd;
  // A range the stored other end makes invalid is refused with the field named.
  auto bad = http_->patch("/api/v1/jobs/" + id, {{"salary_min", 99000000}}, acme.tok);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.json_body["error"]["details"]["field"], "salary_min");
  auto unknown_skill = http_->patch("/api/v1/jobs/" + id, {{"skills", {{{"name", "COBOL on Rails"}}}}}, acme.tok);
  EXPECT_EQ(unknown_skill.status, 400);
  EXPECT_EQ(unknown_skill.json_body["error"]["details"]["field"], "skills[0].name");

  // Others may look, not touch.
  auto rival = company("Rival");
  EXPECT_EQ(http_->patch("/api/v1/jobs/" + id, {{"title", "Hijacked"}}, rival.tok).status, 403);
  EXPECT_EQ(http_->post("/api/v1/jobs/" + id + "/close", json::object(), rival.tok).status, 403);
  EXPECT_EQ(http_->patch("/api/v1/jobs/" + id, {{"title", "Hijacked"}}, s.tok).status, 403);
  EXPECT_EQ(http_->request("DELETE", "/api/v1/jobs/" + id, "", {{"Authorization", "Bearer " + rival.tok}}).status, 403);
  EXPECT_EQ(e_->db.scalar("SELECT title FROM jobs WHERE id = '" + id + "'"), "Senior Backend Engineer");
  EXPECT_EQ(e_->db.count("SELECT version FROM jobs WHERE id = '" + id + "'"), 3);

  auto closed = http_->post("/api/v1/jobs/" + id + "/close", json::object(), acme.tok);
  ASSERT_EQ(closed.status, 200);
  EXPECT_EQ(closed.json_body["status"], "closed");
  auto apply = http_->post("/api/v1/applications", {{"job_id", id}, {"resume_id", uuid()}}, s.tok);
  EXPECT_EQ(apply.status, 409) << apply.body;
  EXPECT_EQ(http_->request("DELETE", "/api/v1/jobs/" + id, "", {{"Authorization", "Bearer " + acme.tok}}).status, 409)
      << "only drafts are deleted";

  auto draft = post_job(acme, {{"title", "Intern"}, {"status", "draft"}});
  auto del = http_->request("DELETE", "/api/v1/jobs/" + draft["id"].get<std::string>(), "",
                            {{"Authorization", "Bearer " + acme.tok}});
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(http_->get("/api/v1/jobs/" + draft["id"].get<std::string>(), acme.tok).status, 404);
}

TEST_F(jobs, search_finds_english_and_korean_text_and_applies_filters) {
  auto c = company("검색 주식회사");
  auto q = "company_id=" + c.company_id;
  auto en = post_job(c, {{"title", "Senior Backend Engineer (C++)"},
                         {"description", "Event sourcing on PostgreSQL and Kafka."},
                         {"job_type", "full-time"},
                         {"experience_min", 2},
                         {"experience_max", 5},
                         {"salary_min", 60000000},
                         {"salary_max", 80000000},
                         {"location", "Seoul Gangnam-gu"},
                         {"remote_type", "hybrid"},
                         {"skills", {{{"name", "C++"}}, {{"name", "Kafka"}}}}});
  auto ko = post_job(c, {{"title", "백엔드 개발자"},
                         {"description", "서울에서 근무하는 자바 개발자를 찾습니다."},
                         {"job_type", "contract"},
                         {"experience_min", 7},
                         {"salary_min", 90000000},
                         {"location", "Busan"},
                         {"remote_type", "onsite"},
                         {"skills", {{{"name", "Java"}}}}});
  auto team = post_job(c, {{"title", "프론트엔드 개발팀 리드"},
                           {"description", "React"},
                           {"remote_type", "remote"},
                           {"skills", {{{"name", "React"}}}}});
  auto id_en = en["id"].get<std::string>();
  auto id_ko = ko["id"].get<std::string>();
  auto id_team = team["id"].get<std::string>();
  auto s = seeker();
  // The read model catches up through Kafka.
  auto all = search_until(q, s.tok, [](const json& p) { return p["jobs"].size() == 3; });
  ASSERT_EQ(all["jobs"].size(), 3u) << all.dump();
  EXPECT_EQ(all["jobs"][0]["id"], id_team) << "newest first";
  EXPECT_EQ(all["jobs"][0]["company_name"], "검색 주식회사");

  auto found = [&](const std::string& query) {
    return ids_of(http_->get("/api/v1/jobs?" + q + "&" + query, s.tok).json_body);
  };
  EXPECT_EQ(found("q=" + enc("개발자")), std::set<std::string>{id_ko}) << "개발자 is not in 개발팀";
  EXPECT_EQ(found("q=" + enc("개발")), (std::set<std::string>{id_ko, id_team}));
  EXPECT_EQ(found("q=" + enc("서울")), std::set<std::string>{id_ko}) << "found inside 서울에서";
  EXPECT_EQ(found("q=engineers"), std::set<std::string>{id_en}) << "English is stemmed";
  EXPECT_EQ(found("q=kafka+postgresql"), std::set<std::string>{id_en});
  EXPECT_EQ(found("q=" + enc("검색")), (std::set<std::string>{id_en, id_ko, id_team})) << "company name is searched";
  EXPECT_TRUE(found("q=cobol").empty());
  EXPECT_EQ(found("skills=" + enc("c++,KAFKA")), std::set<std::string>{id_en});
  EXPECT_EQ(found("location=seoul"), std::set<std::string>{id_en});
  EXPECT_EQ(found("remote_type=remote"), std::set<std::string>{id_team});
  EXPECT_EQ(found("job_type=contract"), std::set<std::string>{id_ko});
  EXPECT_EQ(found("experience=3"), (std::set<std::string>{id_en, id_team}));
  EXPECT_EQ(found("salary_min=85000000"), (std::set<std::string>{id_ko, id_team})) << "ranges overlap; no salary = any";
  EXPECT_EQ(found("salary_max=65000000"), (std::set<std::string>{id_en, id_team}));

  // Relevance: a title match ranks above a description match.
  auto react = post_job(c, {{"title", "Designer"}, {"description", "Knows a bit of React."}});
  search_until(q + "&q=react", s.tok, [](const json& p) { return p["jobs"].size() == 2; });
  auto ranked = http_->get("/api/v1/jobs?" + q + "&q=react&sort=relevance", s.tok);
  ASSERT_EQ(ranked.json_body["jobs"].size(), 2u);
  EXPECT_EQ(ranked.json_body["jobs"][0]["id"], id_team);
  EXPECT_GT(ranked.json_body["jobs"][0]["score"].get<double>(), ranked.json_body["jobs"][1]["score"].get<double>());

  // Closing takes a job out of the default (open) search, into status=closed.
  ASSERT_EQ(http_->post("/api/v1/jobs/" + id_ko + "/close", json::object(), c.tok).status, 200);
  search_until(q + "&status=closed", s.tok, [&](const json& p) { return ids_of(p) == std::set<std::string>{id_ko}; });
  EXPECT_EQ(found("q=" + enc("개발")), std::set<std::string>{id_team});
}

TEST_F(jobs, pages_cover_every_result_once_in_order) {
  auto c = company("Pager");
  std::set<std::string> posted;
  for (int i = 0; i < 7; ++i)
    posted.insert(post_job(c, {{"title", "Platform engineer " + std::to_string(i)}})["id"].get<std::string>());
  auto s = seeker();
  auto base = "company_id=" + c.company_id;
  search_until(base, s.tok, [](const json& p) { return p["jobs"].size() == 7; });
  for (auto* sort : {"newest", "relevance"}) {
    std::vector<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
      auto r = http_->get("/api/v1/jobs?" + base + "&q=platform&sort=" + sort + "&limit=3" +
                              (cursor.empty() ? "" : "&cursor=" + cursor),
                          s.tok);
      ASSERT_EQ(r.status, 200) << r.body;
      for (auto& j : r.json_body["jobs"])
        seen.push_back(j["id"]);
      if (r.json_body["next_cursor"].is_null())
        break;
      cursor = r.json_body["next_cursor"];
    }
    EXPECT_EQ(seen.size(), 7u) << sort;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), posted) << sort;
  }
  // A cursor belongs to its sort and is not forgeable into SQL.
  auto first = http_->get("/api/v1/jobs?" + base + "&limit=3", s.tok);
  auto cur = first.json_body["next_cursor"].get<std::string>();
  auto wrong_sort = http_->get("/api/v1/jobs?" + base + "&q=platform&sort=relevance&cursor=" + cur, s.tok);
  EXPECT_EQ(wrong_sort.status, 400);
  EXPECT_EQ(wrong_sort.json_body["error"]["details"]["field"], "cursor");
  EXPECT_EQ(http_->get("/api/v1/jobs?cursor=not-a-cursor", s.tok).status, 400);
}

TEST_F(jobs, views_and_applications_are_counted_in_both_models) {
  auto c = company("Counter");
  auto id = post_job(c, {{"title", "Counted role"}})["id"].get<std::string>();
  auto s1 = seeker();
  auto s2 = seeker();
  EXPECT_EQ(http_->get("/api/v1/jobs/" + id, s1.tok).json_body["views_count"], 1);
  EXPECT_EQ(http_->get("/api/v1/jobs/" + id, c.tok).json_body["views_count"], 1)
      << "the company's own views do not count";
  for (auto* s : {&s1, &s2})
    ASSERT_EQ(
        http_->post("/api/v1/applications", {{"job_id", id}, {"resume_id", e_->db.resume_of(s->id)}}, s->tok).status,
        201);
  ASSERT_TRUE(eventually(std::chrono::seconds(30),
                         [&] { return http_->get("/api/v1/jobs/" + id, c.tok).json_body["applies_count"] == 2; }));
  auto page = search_until("company_id=" + c.company_id, s1.tok,
                           [](const json& p) { return p["jobs"].size() == 1 && p["jobs"][0]["applies_count"] == 2; });
  EXPECT_EQ(page["jobs"][0]["applies_count"], 2);
  EXPECT_EQ(page["jobs"][0]["views_count"], 1);
  // A redelivered application.submitted does not count twice.
  auto payload = e_->db.scalar(
      "SELECT payload::text FROM outbox WHERE topic = 'application.submitted' AND payload->>'job_id' = '" + id +
      "' LIMIT 1");
  produce(e_->kafka.bootstrap, "application.submitted", id, payload);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(http_->get("/api/v1/jobs/" + id, c.tok).json_body["applies_count"], 2);
}

TEST_F(jobs, bad_job_input_and_search_parameters_are_refused) {
  auto c = company("Strict");
  auto s = seeker();
  auto before = e_->db.count("SELECT count(*) FROM jobs");
  struct bad_case {
    json body;
    int status;
    std::string field;
  };
  std::vector<bad_case> cases = {
      {{{"description", "no title"}}, 400, "title"},
      {{{"title", std::string(201, 'x')}}, 413, "title"},
      {{{"title", "T"}, {"job_type", "forever"}}, 400, "job_type"},
      {{{"title", "T"}, {"experience_min", 9}, {"experience_max", 2}}, 400, "experience_min"},
      {{{"title", "T"}, {"salary_min", -1}}, 400, "salary_min"},
      {{{"title", "T"}, {"salary_min", "lots"}}, 400, "salary_min"},
      {{{"title", "T"}, {"expires_at", "tomorrow"}}, 400, "expires_at"},
      {{{"title", "T"}, {"expires_at", "2001-01-01T00:00:00Z"}}, 400, "expires_at"},
      {{{"title", "T"}, {"status", "closed"}}, 400, "status"},
      {{{"title", "T"}, {"skills", "C++"}}, 400, "skills"},
      {{{"title", "T"}, {"skills", {{{"name", "C++"}, {"level", 3}}}}}, 400, "skills[0].level"},
      {{{"title", "T"}, {"skills", {{{"name", "C++"}}, {{"name", "c++"}}}}}, 400, "skills[1].name"},
      {{{"title", "T"}, {"bonus", true}}, 400, "bonus"},
  };
  for (auto& bc : cases) {
    auto r = http_->post("/api/v1/jobs", bc.body, c.tok);
    EXPECT_EQ(r.status, bc.status) << bc.body.dump() << " -> " << r.body;
    EXPECT_EQ(r.json_body["error"]["details"].value("field", ""), bc.field) << bc.body.dump() << " -> " << r.body;
  }
  EXPECT_EQ(http_->post("/api/v1/jobs", {{"title", "T"}}, s.tok).status, 403);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM jobs"), before);

  for (auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"limit=0", "limit"},
           {"limit=101", "limit"},
           {"sort=relevance", "sort"},
           {"sort=random", "sort"},
           {"experience=abc", "experience"},
           {"salary_min=9&salary_max=1", "salary_min"},
           {"status=draft", "status"},
           {"company_id=nope", "company_id"},
           {"q=" + std::string(201, 'a'), "q"},
           {"q=%E0%A4", "q"},
           {"q=%zz", "q"},
           {"colour=red", "colour"},
           {"q=a&q=b", "q"},
       }) {
    auto r = http_->get("/api/v1/jobs?" + query, s.tok);
    EXPECT_TRUE(r.status == 400 || r.status == 403) << query << " -> " << r.body;
    EXPECT_EQ(r.json_body["error"]["details"].value("field", ""), field) << query << " -> " << r.body;
  }
  // Drafts are listed to their own company only.
  EXPECT_EQ(http_->get("/api/v1/jobs?status=draft&company_id=" + c.company_id, c.tok).status, 200);
  auto rival = company("Nosy");
  EXPECT_EQ(http_->get("/api/v1/jobs?status=draft&company_id=" + c.company_id, rival.tok).status, 403);
  EXPECT_EQ(http_->get("/api/v1/jobs").status, 401);
  auto sk = http_->get("/api/v1/skills", s.tok);
  ASSERT_EQ(sk.status, 200);
  EXPECT_GT(sk.json_body["skills"].size(), 50u);
}

TEST_F(jobs, applications_are_listed_to_their_applicant_and_their_company_only) {
  auto c = company("Lister");
  auto j1 = post_job(c, {{"title", "Role one"}})["id"].get<std::string>();
  auto j2 = post_job(c, {{"title", "Role two"}})["id"].get<std::string>();
  auto s1 = seeker();
  auto s2 = seeker();
  std::vector<std::string> apps;
  for (auto& [s, job] : std::vector<std::pair<account*, std::string>>{{&s1, j1}, {&s2, j1}, {&s1, j2}, {&s2, j2}}) {
    auto r = http_->post("/api/v1/applications", {{"job_id", job}, {"resume_id", e_->db.resume_of(s->id)}}, s->tok);
    ASSERT_EQ(r.status, 201) << r.body;
    apps.push_back(r.json_body["id"]);
  }
  ASSERT_EQ(http_->patch("/api/v1/applications/" + apps[1] + "/status", {{"status", "reviewing"}}, c.tok).status, 200);

  auto own = http_->get("/api/v1/applications", s1.tok);
  ASSERT_EQ(own.status, 200) << own.body;
  ASSERT_EQ(own.json_body["applications"].size(), 2u);
  EXPECT_EQ(own.json_body["applications"][0]["id"], apps[2]) << "newest first";
  EXPECT_EQ(own.json_body["applications"][1]["id"], apps[0]);
  EXPECT_EQ(own.json_body["applications"][0]["job_title"], "Role two");

  auto all = http_->get("/api/v1/applications", c.tok);
  EXPECT_EQ(all.json_body["applications"].size(), 4u);
  EXPECT_EQ(http_->get("/api/v1/applications?job_id=" + j1, c.tok).json_body["applications"].size(), 2u);
  auto reviewing = http_->get("/api/v1/applications?status=reviewing", c.tok);
  ASSERT_EQ(reviewing.json_body["applications"].size(), 1u);
  EXPECT_EQ(reviewing.json_body["applications"][0]["id"], apps[1]);

  auto p1 = http_->get("/api/v1/applications?limit=3", c.tok);
  ASSERT_EQ(p1.json_body["applications"].size(), 3u);
  auto p2 = http_->get("/api/v1/applications?limit=3&cursor=" + p1.json_body["next_cursor"].get<std::string>(), c.tok);
  ASSERT_EQ(p2.json_body["applications"].size(), 1u);
  EXPECT_TRUE(p2.json_body["next_cursor"].is_null());
  EXPECT_EQ(p2.json_body["applications"][0]["id"], apps[0]);

  auto other = company("Other");
  EXPECT_EQ(http_->get("/api/v1/applications", other.tok).json_body["applications"].size(), 0u);
  EXPECT_EQ(http_->get("/api/v1/applications?job_id=" + j1, other.tok).json_body["applications"].size(), 0u);
  EXPECT_EQ(http_->get("/api/v1/applications", token(uuid(), "admin")).status, 403);
  for (auto* q : {"status=hired", "limit=0", "cursor=xyz", "job_id=nope", "sort=old"})
    EXPECT_EQ(http_->get(std::string{"/api/v1/applications?"} + q, c.tok).status, 400) << q;
  EXPECT_EQ(http_->get("/api/v1/applications?job_id=" + j1, s1.tok).status, 400);
}
