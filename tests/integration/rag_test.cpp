// The RAG API end to end against a real node, PostgreSQL and the broker:
// resumes go through the pipeline into the node's vector index; queries see
// only what the caller may see (own resumes; a company its applicants'
// attached resumes until withdrawn; admins all), return masked text with
// scores best first; /rag/delete and /rag/index drop and rebuild a resume's
// chunks; deleting a resume removes them for good; a restarted node rebuilds
// the index from PostgreSQL; bad requests are refused and change nothing.
#include <gtest/gtest.h>

#include <set>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

const std::string boundary = "----hirehub-rag-boundary-51c2";

const std::string backend_cv =
    "이름: 김철수\n연락처: 010-2345-6789\n이메일: chulsoo.kim@example.com\n\n경력\n"
    "카카오 | 백엔드 개발자 | 2019.03 ~ 현재\n"
    "Go 마이크로서비스 개발과 Kubernetes 클러스터 운영, Kafka 스트리밍 파이프라인 구축.\n\n"
    "기술\nGo, Kubernetes, Kafka, PostgreSQL\n";
const std::string marketing_cv =
    "이름: 이영희\n연락처: 010-9876-5432\n\n경력\n롯데 | 마케터 | 2018.01 ~ 2022.12\n"
    "브랜드 캠페인 기획, SNS 광고 운영, 퍼포먼스 마케팅 예산 관리.\n\n기술\nGoogle Analytics, SNS 마케팅\n";
const std::string designer_cv =
    "Name: Jane Doe\nPhone: +82 10-5555-1234\n\nExperience\nLINE | Product Designer | 2017.05 ~ present\n"
    "Design systems, Figma prototypes and user research for mobile apps.\n\nSkills\nFigma, UX research\n";

struct env {
  database db;
  broker kafka;
  std::string dir = temp_dir();
  std::map<std::string, std::string> node_env{{"HIREHUB_RESUME_STORAGE_DIR", dir + "/files"},
                                              {"HIREHUB_KAFKA_GROUP_PREFIX", "rag-" + uuid().substr(0, 8)},
                                              {"HIREHUB_KAFKA_SESSION_TIMEOUT_MS", "3000"}};
  std::unique_ptr<node> n = std::make_unique<node>(db, kafka, node_env);
};

class rag : public node_suite<env> {
 protected:
  api_user signup(const std::string& role = "jobseeker") { return sign_up(*http_, role); }

  /// Uploads a text resume and waits until it is ready; returns its id.
  std::string ready_resume(const api_user& a, const std::string& text) {
    std::string body = "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n\r\n" + text +
                       "\r\n--" + boundary + "--\r\n";
    auto r = http_->request(
        "POST", "/api/v1/resumes", body,
        {{"Authorization", "Bearer " + a.tok}, {"Content-Type", "multipart/form-data; boundary=" + boundary}});
    EXPECT_EQ(r.status, 202) << r.body;
    std::string id = r.json_body.value("id", "");
    EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
      return http_->get("/api/v1/resumes/" + id, a.tok).json_body.value("status", "") == "ready";
    })) << id;
    return id;
  }

  http_result query(const std::string& tok, json body) { return http_->post("/api/v1/rag/query", body, tok); }

  /// The resume ids of a query's results (asserting 200).
  std::set<std::string> resumes_found(const std::string& tok, json body) {
    auto r = query(tok, std::move(body));
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    for (const auto& h : r.json_body["results"])
      out.insert(h["resume_id"].get<std::string>());
    return out;
  }

  int64_t stored_chunks(const std::string& resume_id) {
    return e_->db.count("SELECT count(*) FROM resume_embeddings WHERE resume_id = '" + resume_id + "'");
  }
};

}  // namespace

TEST_F(rag, OwnersFindTheirMaskedChunksBestFirstAndNobodyElses) {
  auto s = signup();
  auto other = signup();
  auto backend = ready_resume(s, backend_cv);
  auto marketing = ready_resume(s, marketing_cv);
  auto design = ready_resume(other, designer_cv);

  auto r = query(s.tok, {{"query", "Go 마이크로서비스와 Kubernetes 운영 경험"}, {"top_k", 10}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json_body["model"].get<std::string>().empty());
  const auto& hits = r.json_body["results"];
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0]["resume_id"], backend) << r.body;
  EXPECT_NE(hits[0]["text"].get<std::string>().find("Kubernetes"), std::string::npos);
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_NE(hits[i]["resume_id"], design) << "another jobseeker's resume";
    EXPECT_EQ(hits[i]["user_id"], s.id);
    if (i > 0) {
      EXPECT_GE(hits[i - 1]["score"].get<double>(), hits[i]["score"].get<double>());
    }
    auto text = hits[i]["text"].get<std::string>();
    for (const char* raw : {"김철수", "010-2345-6789", "chulsoo.kim@example.com", "이영희", "010-9876-5432"})
      EXPECT_EQ(text.find(raw), std::string::npos) << "raw PII in a chunk: " << raw;
  }
  // top_k caps the answer; the marketing resume ranks first for a marketing question.
  auto one = query(s.tok, {{"query", "SNS 광고와 브랜드 캠페인"}, {"top_k", 1}});
  ASSERT_EQ(one.status, 200) << one.body;
  ASSERT_EQ(one.json_body["results"].size(), 1u);
  EXPECT_EQ(one.json_body["results"][0]["resume_id"], marketing);
  // Filtering by resume.
  EXPECT_EQ(resumes_found(s.tok, {{"query", "Kubernetes"}, {"resume_ids", {marketing}}}),
            std::set<std::string>{marketing});
  // Another jobseeker's resume id or user id gives nothing / 403.
  EXPECT_TRUE(resumes_found(s.tok, {{"query", "Figma"}, {"resume_ids", {design}}}).empty());
  EXPECT_EQ(query(s.tok, {{"query", "Figma"}, {"user_id", other.id}}).status, 403);
  EXPECT_EQ(resumes_found(other.tok, {{"query", "Kubernetes Go Kafka"}, {"top_k", 50}}), std::set<std::string>{design});
  // Admins see everyone's and may filter by user.
  auto admin = token(uuid(), "admin");
  auto all = resumes_found(admin, {{"query", "Kubernetes Figma 마케팅"}, {"top_k", 50}});
  for (const auto& id : {backend, marketing, design})
    EXPECT_TRUE(all.count(id)) << id;
  EXPECT_EQ(resumes_found(admin, {{"query", "Figma"}, {"user_id", other.id}, {"top_k", 50}}),
            std::set<std::string>{design});
}

TEST_F(rag, CompaniesSeeTheResumesAttachedToTheirApplicationsUntilWithdrawn) {
  auto s = signup();
  auto c = signup("company");
  auto c2 = signup("company");
  auto backend = ready_resume(s, backend_cv);
  ready_resume(s, marketing_cv);
  json q = {{"query", "Kubernetes Go Kafka 마케팅"}, {"top_k", 50}};
  EXPECT_TRUE(resumes_found(c.tok, q).empty()) << "no application yet";

  auto job = http_->post("/api/v1/jobs", {{"title", "Backend engineer"}}, c.tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto app = http_->post("/api/v1/applications", {{"job_id", job.json_body["id"]}, {"resume_id", backend}}, s.tok);
  ASSERT_EQ(app.status, 201) << app.body;
  // Only the attached resume, not the applicant's other one; not to another company.
  EXPECT_EQ(resumes_found(c.tok, q), std::set<std::string>{backend});
  EXPECT_TRUE(resumes_found(c2.tok, q).empty());
  // The company reads that resume, masked, without its file name or original.
  auto seen = http_->get("/api/v1/resumes/" + backend, c.tok);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_NE(seen.json_body["masked_content"].get<std::string>().find("Kubernetes"), std::string::npos);
  EXPECT_EQ(seen.body.find("김철수"), std::string::npos);
  EXPECT_EQ(seen.body.find("010-2345-6789"), std::string::npos);
  EXPECT_TRUE(seen.json_body["file_name"].is_null());
  EXPECT_EQ(http_->get("/api/v1/resumes/" + backend + "/file", c.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/resumes/" + backend, c2.tok).status, 404);
  // Someone else's resume cannot be attached to an application (answered as if it did
  // not exist), so it cannot open that resume to another company.
  auto stranger = signup();
  auto job2 = http_->post("/api/v1/jobs", {{"title", "Marketer"}}, c2.tok);
  ASSERT_EQ(job2.status, 201) << job2.body;
  auto foreign =
      http_->post("/api/v1/applications", {{"job_id", job2.json_body["id"]}, {"resume_id", backend}}, stranger.tok);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(foreign.json_body["error"]["details"]["field"], "resume_id") << foreign.body;
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM applications WHERE user_id = '" + stranger.id + "'"), 0);
  EXPECT_TRUE(resumes_found(c2.tok, q).empty());
  EXPECT_EQ(http_->get("/api/v1/resumes/" + backend, c2.tok).status, 404);

  auto path = "/api/v1/applications/" + app.json_body["id"].get<std::string>() + "/status";
  ASSERT_EQ(http_->patch(path, {{"status", "withdrawn"}, {"reason", "other"}}, s.tok).status, 200);
  EXPECT_TRUE(resumes_found(c.tok, q).empty()) << "withdrawn: no longer visible";
  EXPECT_EQ(http_->get("/api/v1/resumes/" + backend, c.tok).status, 404);
}

TEST_F(rag, DeleteAndReindexChangeTheIndexAndTheStore) {
  auto s = signup();
  auto backend = ready_resume(s, backend_cv);
  auto chunks = stored_chunks(backend);
  ASSERT_GT(chunks, 0);
  json q = {{"query", "Kubernetes"}, {"resume_ids", {backend}}};
  ASSERT_EQ(resumes_found(s.tok, q).size(), 1u);

  auto d = http_->post("/api/v1/rag/delete", {{"resume_id", backend}}, s.tok);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json_body["removed"], chunks);
  EXPECT_EQ(d.json_body["index"], "updated");
  EXPECT_EQ(stored_chunks(backend), 0);
  EXPECT_TRUE(resumes_found(s.tok, q).empty());
  EXPECT_EQ(http_->get("/api/v1/resumes/" + backend, s.tok).json_body["status"], "ready") << "the resume stays";

  auto i = http_->post("/api/v1/rag/index", {{"resume_id", backend}}, s.tok);
  ASSERT_EQ(i.status, 200) << i.body;
  EXPECT_EQ(i.json_body["chunks"], chunks);
  EXPECT_EQ(i.json_body["index"], "updated");
  EXPECT_GT(i.json_body["version"].get<int64_t>(), d.json_body["version"].get<int64_t>());
  EXPECT_EQ(stored_chunks(backend), chunks);
  EXPECT_EQ(resumes_found(s.tok, q), std::set<std::string>{backend});

  // Deleting the resume removes its chunks from the store and the index.
  ASSERT_EQ(http_->request("DELETE", "/api/v1/resumes/" + backend, "", {{"Authorization", "Bearer " + s.tok}}).status,
            204);
  EXPECT_EQ(stored_chunks(backend), 0);
  auto admin = token(uuid(), "admin");
  EXPECT_TRUE(eventually(std::chrono::seconds(5), [&] { return resumes_found(admin, q).empty(); }));
  EXPECT_EQ(http_->post("/api/v1/rag/index", {{"resume_id", backend}}, s.tok).status, 404);
}

TEST_F(rag, BadRequestsAreRefusedAndChangeNothing) {
  auto s = signup();
  auto other = signup();
  auto backend = ready_resume(s, backend_cv);
  auto before = e_->db.scalar(
      "SELECT md5(string_agg(resume_id || ':' || chunk_index || ':' || md5(embedding), '|' ORDER BY resume_id, "
      "chunk_index)) || (SELECT string_agg(id || ':' || seq, ',' ORDER BY id) FROM resumes) FROM resume_embeddings");
  auto expect = [&](int status, const std::string& path, const std::string& body, const std::string& tok,
                    const std::string& field, const std::string& content_type = "application/json") {
    std::map<std::string, std::string> h{{"Content-Type", content_type}};
    if (!tok.empty())
      h["Authorization"] = "Bearer " + tok;
    auto r = http_->request("POST", path, body, h);
    EXPECT_EQ(r.status, status) << path << " " << body.substr(0, 80) << " -> " << r.body;
    if (!field.empty()) {
      EXPECT_EQ(r.json_body["error"]["details"].value("field", ""), field) << r.body;
    }
  };
  expect(401, "/api/v1/rag/query", R"({"query":"Go"})", "", "");
  expect(400, "/api/v1/rag/query", R"({})", s.tok, "query");
  expect(400, "/api/v1/rag/query", R"({"query":"   "})", s.tok, "query");
  expect(400, "/api/v1/rag/query", R"({"query":5})", s.tok, "query");
  expect(400, "/api/v1/rag/query", R"({"query":"Go","top_k":0})", s.tok, "top_k");
  expect(400, "/api/v1/rag/query", R"({"query":"Go","top_k":51})", s.tok, "top_k");
  expect(400, "/api/v1/rag/query", R"({"query":"Go","k":3})", s.tok, "k");
  expect(400, "/api/v1/rag/query", R"({"query":"Go","resume_ids":["nope"]})", s.tok, "resume_ids[0]");
  expect(400, "/api/v1/rag/query", R"({"query":"Go","user_id":"nope"})", s.tok, "user_id");
  expect(413, "/api/v1/rag/query", json({{"query", std::string(2001, 'a')}}).dump(), s.tok, "query");
  expect(400, "/api/v1/rag/query", "{not json", s.tok, "");
  expect(415, "/api/v1/rag/query", R"({"query":"Go"})", s.tok, "", "text/plain");
  expect(413, "/api/v1/rag/query", json({{"query", std::string(70000, 'a')}}).dump(), s.tok, "");
  expect(400, "/api/v1/rag/index", R"({})", s.tok, "resume_id");
  expect(400, "/api/v1/rag/index", R"({"resume_id":"x"})", s.tok, "resume_id");
  expect(404, "/api/v1/rag/index", json({{"resume_id", uuid()}}).dump(), s.tok, "");
  expect(404, "/api/v1/rag/index", json({{"resume_id", backend}}).dump(), other.tok, "");
  expect(404, "/api/v1/rag/delete", json({{"resume_id", backend}}).dump(), other.tok, "");
  expect(400, "/api/v1/rag/delete", R"({"resume_id":"x","more":1})", s.tok, "more");
  expect(401, "/api/v1/rag/delete", json({{"resume_id", backend}}).dump(), "", "");
  EXPECT_EQ(e_->db.scalar("SELECT md5(string_agg(resume_id || ':' || chunk_index || ':' || md5(embedding), '|' ORDER "
                          "BY resume_id, chunk_index)) || (SELECT string_agg(id || ':' || seq, ',' ORDER BY id) FROM "
                          "resumes) FROM resume_embeddings"),
            before);
  EXPECT_EQ(resumes_found(s.tok, {{"query", "Kubernetes"}, {"resume_ids", {backend}}}).size(), 1u);
}

// Last: restarts the node.
TEST_F(rag, ARestartedNodeRebuildsTheIndexFromPostgres) {
  auto s = signup();
  auto backend = ready_resume(s, backend_cv);
  auto marketing = ready_resume(s, marketing_cv);
  json q = {{"query", "Go Kubernetes 마케팅 캠페인"}, {"top_k", 20}};
  auto before = query(s.tok, q);
  ASSERT_EQ(before.status, 200) << before.body;
  ASSERT_FALSE(before.json_body["results"].empty());

  e_->n.reset();
  e_->n = std::make_unique<node>(e_->db, e_->kafka, e_->node_env);
  http_ = std::make_unique<http_client>(e_->n->port);
  http_result after;
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] {
    after = query(s.tok, q);
    return after.status == 200;  // 503 while the index loads
  })) << after.body;
  EXPECT_EQ(after.json_body["results"], before.json_body["results"]);
  std::set<std::string> found;
  for (const auto& h : after.json_body["results"])
    found.insert(h["resume_id"].get<std::string>());
  EXPECT_EQ(found, (std::set<std::string>{backend, marketing}));
  auto stats = http_->get("/metrics", metrics_token);
  EXPECT_NE(stats.body.find("hirehub_rag_index_chunks"), std::string::npos);
}
