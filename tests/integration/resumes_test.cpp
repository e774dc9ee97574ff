// The resume pipeline end to end against a real node, PostgreSQL and the
// broker: multipart upload -> extract -> mask -> parse -> embed -> summarise,
// live progress on the WebSocket, the rows, files, Kafka events and the
// in-app notification; bad uploads refused with nothing stored; deletion;
// and a node killed mid-pipeline that resumes with one result per resume.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "tools/corpus/corpus.hpp"
#include "support/harness.hpp"

using namespace hh_test;
namespace fs = std::filesystem;
namespace corpus = hirehub::resume::corpus;

namespace {

const std::string boundary = "----hirehub-test-boundary-7d1f";

std::string form(const std::string& file_name, const std::string& bytes, const std::string& title = {},
                 const std::string& field = "file") {
  std::string b;
  if (!title.empty())
    b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + title + "\r\n";
  b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + file_name +
       "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n--" + boundary + "--\r\n";
  return b;
}

struct env {
  database db;
  broker kafka;
  std::string dir = temp_dir();
  std::map<std::string, std::string> node_env{{"HIREHUB_RESUME_STORAGE_DIR", dir + "/files"},
                                              {"HIREHUB_RESUME_MAX_UPLOAD_BYTES", "400000"},
                                              {"HIREHUB_RESUME_SWEEP_MS", "300"},
                                              // A restarted node keeps its consumer groups.
                                              {"HIREHUB_KAFKA_GROUP_PREFIX", "resumes-" + uuid().substr(0, 8)},
                                              {"HIREHUB_KAFKA_SESSION_TIMEOUT_MS", "3000"}};
  std::unique_ptr<node> n = std::make_unique<node>(db, kafka, node_env);
};

class resumes : public node_suite<env> {
 protected:
  api_user signup(const std::string& role = "jobseeker") { return sign_up(*http_, role); }

  http_result upload(const api_user& a, const std::string& body, const std::string& content_type = {}) {
    return http_->request(
        "POST", "/api/v1/resumes", body,
        {{"Authorization", "Bearer " + a.tok},
         {"Content-Type", content_type.empty() ? "multipart/form-data; boundary=" + boundary : content_type}});
  }

  json wait_done(const api_user& a, const std::string& id) {
    json last;
    eventually(std::chrono::seconds(30), [&] {
      auto r = http_->get("/api/v1/resumes/" + id, a.tok);
      last = r.json_body;
      return r.status == 200 && last.value("status", "") != "processing";
    });
    return last;
  }
};

}  // namespace

TEST_F(resumes, PdfUploadRunsEveryStageLiveAndStoresOnlyMaskedText) {
  auto me = signup();
  auto g = corpus::generate(4242, "ko", 2);
  auto pdf = corpus::render_pdf(g);
  auto r = upload(me, form("홍길동 이력서.pdf", pdf, "백엔드 이력서"));
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = r.json_body["id"];
  EXPECT_EQ(r.json_body["status"], "processing");
  EXPECT_EQ(r.headers["Location"], "/api/v1/resumes/" + id);

  // Live progress: from the start (after_seq 0) to ready, in order.
  ws_client ws{e_->n->port, me.tok};
  ws.send(json({{"op", "subscribe"}, {"topic", "resume:" + id}, {"after_seq", 0}}).dump());
  std::vector<json> frames;
  auto done = ws.read_until([&](const json& f) {
    if (f.value("type", "") == "resume")
      frames.push_back(f);
    return f.value("type", "") == "resume" && f.value("status", "") != "processing";
  });
  ASSERT_TRUE(done) << "no final frame";
  EXPECT_EQ((*done)["status"], "ready");
  EXPECT_EQ((*done)["percent"], 100);
  EXPECT_EQ((*done)["stage"], "summarise");
  for (size_t i = 1; i < frames.size(); ++i) {
    EXPECT_GT(frames[i]["seq"].get<int64_t>(), frames[i - 1]["seq"].get<int64_t>());
    EXPECT_GE(frames[i]["percent"].get<int>(), frames[i - 1]["percent"].get<int>());
  }

  auto v = wait_done(me, id);
  EXPECT_EQ(v["status"], "ready");
  EXPECT_EQ(v["progress"], 100);
  EXPECT_EQ(v["file_type"], "pdf");
  EXPECT_EQ(v["title"], "백엔드 이력서");
  std::string masked = v["masked_content"];
  std::string summary = v["summary"];
  EXPECT_FALSE(summary.empty());
  for (const auto& p : g.pii) {
    EXPECT_EQ(masked.find(p.value), std::string::npos) << p.type;
    EXPECT_EQ(summary.find(p.value), std::string::npos) << p.type;
  }
  std::set<std::string> parsed_skills;
  for (const auto& s : v["parsed"]["skills"])
    parsed_skills.insert(s["name"].get<std::string>());
  for (const auto& s : g.skills)
    EXPECT_TRUE(parsed_skills.count(s)) << s;
  EXPECT_FALSE(v["parsed"]["experiences"].empty());

  // The rows of seed 001, one ai_tasks row per stage, no PII in any of them.
  auto& db = e_->db;
  auto q = [&](const std::string& sql) { return db.count(sql + " WHERE resume_id = '" + id + "'"); };
  EXPECT_GT(q("SELECT count(*) FROM resume_experiences"), 0);
  EXPECT_EQ(q("SELECT count(*) FROM resume_skills"), static_cast<int64_t>(v["parsed"]["skills"].size()));
  EXPECT_GT(q("SELECT count(*) FROM resume_educations"), 0);
  EXPECT_GT(q("SELECT count(*) FROM resume_embeddings"), 0);
  EXPECT_EQ(
      db.count("SELECT count(DISTINCT octet_length(embedding)) FROM resume_embeddings WHERE resume_id = '" + id + "'"),
      1);
  EXPECT_EQ(db.scalar("SELECT octet_length(embedding) FROM resume_embeddings WHERE resume_id = '" + id + "' LIMIT 1"),
            std::to_string(384 * 4));
  auto log = json::parse(db.scalar("SELECT masked_fields::text FROM pii_masking_logs WHERE resume_id = '" + id + "'"));
  EXPECT_GE(log.value("phone", 0), 1);
  EXPECT_GE(log.value("name", 0), 1);
  auto tasks =
      db.rows("SELECT task_type, status, model_used FROM ai_tasks WHERE source_id = '" + id + "' ORDER BY created_at");
  ASSERT_EQ(tasks.size(), 5u);
  std::vector<std::string> types;
  for (auto& t : tasks) {
    types.push_back(t[0]);
    EXPECT_EQ(t[1], "completed");
    EXPECT_FALSE(t[2].empty());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"extraction", "pii_masking", "parsing", "embedding", "summary"}));
  auto everything =
      db.scalar("SELECT string_agg(t, ' ') FROM (SELECT chunk_text AS t FROM resume_embeddings WHERE resume_id = '" +
                id + "' UNION ALL SELECT masked_fields::text FROM pii_masking_logs WHERE resume_id = '" + id +
                "' UNION ALL SELECT COALESCE(output_data::text, '') FROM ai_tasks WHERE source_id = '" + id +
                "' UNION ALL SELECT parsed_content::text FROM resumes WHERE id = '" + id + "') x");
  for (const auto& p : g.pii)
    EXPECT_EQ(everything.find(p.value), std::string::npos) << p.type;

  // Files in the seed's S3 layout.
  auto root = fs::path(e_->dir) / "files";
  EXPECT_TRUE(fs::exists(root / "original" / me.id / id / "original.pdf"));
  // The name the user gave the file (often their own) is in their row only.
  EXPECT_EQ(v["file_name"], "홍길동 이력서.pdf");
  for (auto& [k, payload] : consume_topic(e_->kafka.bootstrap, "resume.uploaded", 1, std::chrono::seconds(20)))
    EXPECT_EQ(payload.find("홍길동"), std::string::npos) << payload;
  EXPECT_TRUE(fs::exists(root / "processed" / me.id / id / "masked.txt"));
  EXPECT_TRUE(fs::exists(root / "processed" / me.id / id / "parsed.json"));

  // The owner downloads the original, byte for byte.
  auto file = http_->get("/api/v1/resumes/" + id + "/file", me.tok);
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, pdf);

  // Kafka: resume.uploaded and resume.processed, with no PII.
  auto up = consume_topic(e_->kafka.bootstrap, "resume.uploaded", 1, std::chrono::seconds(20));
  auto done_events = consume_topic(e_->kafka.bootstrap, "resume.processed", 1, std::chrono::seconds(20));
  int ups = 0, dones = 0;
  for (auto& [k, payload] : up)
    ups += k == id ? 1 : 0;
  for (auto& [k, payload] : done_events) {
    if (k != id)
      continue;
    ++dones;
    auto p = json::parse(payload);
    EXPECT_EQ(p["status"], "ready");
    EXPECT_EQ(p["user_id"], me.id);
    for (const auto& pii : g.pii)
      EXPECT_EQ(payload.find(pii.value), std::string::npos);
  }
  EXPECT_EQ(ups, 1);
  EXPECT_EQ(dones, 1);

  // The owner is told once, in-app.
  int told = 0;
  eventually(std::chrono::seconds(20), [&] {
    auto n = http_->get("/api/v1/notifications", me.tok);
    told = 0;
    for (const auto& item : n.json_body.value("notifications", json::array()))
      told += item.value("event_type", "") == "resume.processed" ? 1 : 0;
    return told > 0;
  });
  EXPECT_EQ(told, 1);

  // Strangers see nothing; the owner lists it.
  auto other = signup();
  EXPECT_EQ(http_->get("/api/v1/resumes/" + id, other.tok).status, 404);
  EXPECT_EQ(http_->get("/api/v1/resumes/" + id + "/file", other.tok).status, 404);
  ws_client ws2{e_->n->port, other.tok};
  ws2.send(json({{"op", "subscribe"}, {"topic", "resume:" + id}}).dump());
  auto refused = ws2.read();
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["type"], "error");
  auto mine = http_->get("/api/v1/resumes", me.tok);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.json_body["items"].size(), 1u);
  EXPECT_EQ(mine.json_body["items"][0]["id"], id);
}

TEST_F(resumes, DocxAndTextWork) {
  auto me = signup();
  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, std::string>>{{"cv.docx", corpus::render_docx(corpus::generate(7, "en"))},
                                                        {"cv.txt", corpus::render_text(corpus::generate(8, "ko"))},
                                                        // The name does not decide the type: a PDF called .txt.
                                                        {"cv.txt", corpus::render_pdf(corpus::generate(9, "en"))}}) {
    auto r = upload(me, form(name, bytes));
    ASSERT_EQ(r.status, 202) << r.body;
    auto v = wait_done(me, r.json_body["id"]);
    EXPECT_EQ(v["status"], "ready") << v.dump();
    EXPECT_FALSE(v["parsed"]["skills"].empty());
  }
}

TEST_F(resumes, BadUploadsAreRefusedAndStoreNothing) {
  auto me = signup();
  auto company = signup("company");
  auto before = e_->db.count("SELECT count(*) FROM resumes");
  auto pdf = corpus::render_pdf(corpus::generate(5, "ko"));
  auto code = [](const http_result& r) { return r.json_body["error"]["code"].get<std::string>(); };

  auto r = http_->request("POST", "/api/v1/resumes", form("a.pdf", pdf),
                          {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(upload(company, form("a.pdf", pdf)).status, 403);
  r = upload(me, R"({"file":"x"})", "application/json");
  EXPECT_EQ(r.status, 415) << r.body;
  r = upload(me, form("a.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01", 20)));
  EXPECT_EQ(r.status, 415) << r.body;
  r = upload(me, form("empty.pdf", ""));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.json_body["error"]["message"].get<std::string>().find("empty"), std::string::npos);
  r = upload(me, form("broken.pdf", pdf.substr(0, pdf.size() / 2)));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(code(r), "unprocessable_file");
  EXPECT_NE(r.json_body["error"]["message"].get<std::string>().find("damaged"), std::string::npos);
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole += std::string(100, '\0');
  for (char c : std::string("EncryptionInfo"))
    ole += std::string{c, '\0'};
  r = upload(me, form("locked.docx", ole));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.json_body["error"]["message"].get<std::string>().find("password"), std::string::npos);
  // Over resume.max_upload_bytes (400000 here): 413, whether the server or the handler sees it first.
  r = upload(me, form("big.txt", std::string(600000, 'a')));  // beyond the body limit: the server refuses
  EXPECT_EQ(r.status, 413) << r.body;
  r = upload(me, form("big.txt", std::string(420000, 'a')));  // within the body, over the file limit
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("resume.max_upload_bytes"), std::string::npos) << r.body;
  r = upload(me, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end");
  EXPECT_EQ(r.status, 400) << r.body;
  r = upload(me, form("a.pdf", pdf, "", "attachment"));
  EXPECT_EQ(r.status, 400) << r.body;
  r = upload(me, form("a.pdf", pdf, std::string(201, 'x')));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM resumes"), before);
}

TEST_F(resumes, DeleteRemovesRowsAndFiles) {
  auto me = signup();
  auto r = upload(me, form("cv.pdf", corpus::render_pdf(corpus::generate(31, "ko"))));
  ASSERT_EQ(r.status, 202);
  std::string id = r.json_body["id"];
  ASSERT_EQ(wait_done(me, id)["status"], "ready");
  auto other = signup();
  EXPECT_EQ(http_->request("DELETE", "/api/v1/resumes/" + id, "", {{"Authorization", "Bearer " + other.tok}}).status,
            404);
  EXPECT_EQ(http_->request("DELETE", "/api/v1/resumes/" + id, "", {{"Authorization", "Bearer " + me.tok}}).status, 204);
  EXPECT_EQ(http_->get("/api/v1/resumes/" + id, me.tok).status, 404);
  for (const char* t : {"resume_embeddings", "resume_skills", "resume_experiences", "pii_masking_logs"})
    EXPECT_EQ(e_->db.count(std::string("SELECT count(*) FROM ") + t + " WHERE resume_id = '" + id + "'"), 0) << t;
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM ai_tasks WHERE source_id = '" + id + "'"), 0);
  auto root = fs::path(e_->dir) / "files";
  EXPECT_FALSE(fs::exists(root / "original" / me.id / id));
  EXPECT_FALSE(fs::exists(root / "processed" / me.id / id));
}

// Runs last in the suite: it restarts the node.
TEST_F(resumes, ZzKilledMidPipelineResumesWithOneResultEach) {
  auto me = signup();
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = upload(me, form("cv" + std::to_string(i) + ".pdf", corpus::render_pdf(corpus::generate(900 + i, "", 3))));
    ASSERT_EQ(r.status, 202) << r.body;
    ids.push_back(r.json_body["id"]);
  }
  e_->n->kill9();
  e_->n.reset();
  e_->n = std::make_unique<node>(e_->db, e_->kafka, e_->node_env);
  http_ = std::make_unique<http_client>(e_->n->port);
  for (const auto& id : ids) {
    auto v = wait_done(me, id);
    EXPECT_EQ(v["status"], "ready") << id;
    // One committed run of every stage, whatever the crash interrupted.
    auto per_type = e_->db.rows("SELECT task_type, count(*) FROM ai_tasks WHERE source_id = '" + id +
                                "' AND status = 'completed' GROUP BY task_type");
    EXPECT_EQ(per_type.size(), 5u) << id;
    for (auto& row : per_type)
      EXPECT_EQ(row[1], "1") << id << " " << row[0];
  }
  // One outcome event per resume was committed. Kafka delivery is at least once: a row the killed
  // relay had published but not yet marked is published again after the restart, with the same
  // event id (consumers deduplicate by it; the notification count below checks they do).
  for (const auto& id : ids)
    EXPECT_EQ(e_->db.count("SELECT count(*) FROM outbox WHERE topic = 'resume.processed' AND key = '" + id + "'"), 1)
        << id;
  auto seen_all = [&](const std::vector<std::pair<std::string, std::string>>& got) {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return std::any_of(got.begin(), got.end(), [&](const auto& m) { return m.first == id; });
    });
  };
  auto events = consume_topic_until(e_->kafka.bootstrap, "resume.processed", seen_all, std::chrono::seconds(30));
  for (const auto& id : ids) {
    std::set<std::string> event_ids;
    for (auto& [k, payload] : events)
      if (k == id)
        event_ids.insert(nlohmann::json::parse(payload).at("event_id").get<std::string>());
    EXPECT_EQ(event_ids.size(), 1u) << id;
  }
  // The killed node's consumer leaves its group after kafka.session_timeout_ms.
  bool all_told = eventually(std::chrono::seconds(45), [&] {
    return e_->db.count("SELECT count(*) FROM notifications WHERE user_id = '" + me.id +
                        "' AND event_type = 'resume.processed' AND channel = 'in_app'") >= 6;
  });
  EXPECT_TRUE(all_told);
  EXPECT_EQ(e_->db.count("SELECT count(*) FROM notifications WHERE user_id = '" + me.id +
                         "' AND event_type = 'resume.processed' AND channel = 'in_app'"),
            6);
}
