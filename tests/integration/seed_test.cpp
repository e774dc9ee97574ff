// `hirehub seed` against a running node: the volumes (scaled), every status,
// interviews, names in Korean and English, a PDF or DOCX resume per jobseeker
// through the pipeline, everything through the outbox and Kafka into the read
// models; `--reset` starts over instead of adding.
#include <gtest/gtest.h>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

int run_seed(database& db, node& n, std::vector<std::string> extra) {
  std::vector<std::string> argv = {hirehub_bin(), "seed", "--url", "http://127.0.0.1:" + std::to_string(n.port),
                                   "--scale",     "0.1"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  process p{argv,
            {{"HIREHUB_DB_URL", db.url},
             {"HIREHUB_AUTH_JWT_SECRET", jwt_secret()},
             {"HIREHUB_AUTH_PASSWORD_OPSLIMIT", "1"},
             {"HIREHUB_AUTH_PASSWORD_MEMLIMIT_KIB", "8192"}},
            temp_dir() + "/seed.log"};
  EXPECT_TRUE(eventually(std::chrono::seconds(120), [&] { return !p.alive(); })) << "seed did not finish";
  return p.stop();
}

}  // namespace

TEST(seed, fills_a_running_node_through_the_domain_paths) {
  database db;
  broker kafka;
  node n{db, kafka};
  ASSERT_EQ(run_seed(db, n, {}), 0);
  // A tenth of the seed volumes: 5 companies, 50 jobseekers, 20 jobs, 100 applications.
  EXPECT_EQ(db.count("SELECT count(*) FROM companies"), 5);
  EXPECT_EQ(db.count("SELECT count(*) FROM users WHERE user_type = 'jobseeker'"), 50);
  EXPECT_EQ(db.count("SELECT count(*) FROM jobs"), 20);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), 100);
  EXPECT_GE(db.count("SELECT count(DISTINCT status) FROM applications"), 6);
  EXPECT_GT(db.count("SELECT count(*) FROM interviews"), 0);
  EXPECT_GT(db.count("SELECT count(*) FROM jobseeker_profiles WHERE name ~ '[가-힣]'"), 0);
  EXPECT_GT(db.count("SELECT count(*) FROM jobseeker_profiles WHERE name ~ '^[A-Za-z]+ [A-Za-z]+$'"), 0);
  EXPECT_GT(db.count("SELECT count(*) FROM job_skills"), 20);
  EXPECT_EQ(db.count("SELECT count(*) FROM jobs WHERE salary_min IS NULL OR location IS NULL"), 0);
  // A resume per jobseeker, PDF and DOCX, through the pipeline (the seeder waits
  // for it); every application carries its applicant's own resume.
  EXPECT_EQ(db.count("SELECT count(*) FROM resumes"), 50);
  EXPECT_EQ(db.count("SELECT count(*) FROM resumes WHERE status = 'ready'"), 50);
  EXPECT_EQ(db.count("SELECT count(DISTINCT file_type) FROM resumes"), 2);
  EXPECT_GT(db.count("SELECT count(*) FROM resume_skills"), 50);
  EXPECT_GT(db.count("SELECT count(*) FROM resume_embeddings"), 50);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications a JOIN resumes r ON r.id = a.resume_id AND r.user_id = "
                     "a.user_id"),
            100);
  // The events went the whole way: every outbox row published, the search read
  // model and the job's applies_count follow Kafka, notifications were sent.
  EXPECT_TRUE(
      eventually(std::chrono::seconds(60),
                 [&] {
                   return db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 &&
                          db.count("SELECT count(*) FROM job_search") == 20 &&
                          db.count("SELECT coalesce(sum((doc->>'applies_count')::int), 0) FROM job_search_docs") == 100;
                 }))
      << "outbox pending: " << db.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL")
      << ", job_search: " << db.scalar("SELECT count(*) FROM job_search");
  EXPECT_GT(db.count("SELECT count(*) FROM notifications"), 100);
  // A seeded account logs in with the seed password.
  http_client http{n.port};
  auto email = db.scalar("SELECT email FROM users WHERE user_type = 'company' LIMIT 1");
  auto login = http.post("/api/v1/auth/login", {{"email", email}, {"password", "hirehub-seed-2026"}}, "");
  EXPECT_EQ(login.status, 200) << login.body;
  // Search finds seeded jobs in Korean.
  auto found = http.get("/api/v1/jobs?q=" + std::string{"%EA%B0%9C%EB%B0%9C%EC%9E%90"},  // 개발자
                        login.json_body.value("access_token", ""));
  EXPECT_EQ(found.status, 200);

  // --reset starts over rather than adding to what is there.
  ASSERT_EQ(run_seed(db, n, {"--reset"}), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM users"), 55);
  EXPECT_EQ(db.count("SELECT count(*) FROM applications"), 100);
  EXPECT_EQ(db.count("SELECT count(*) FROM resumes WHERE status = 'ready'"), 50);
}
