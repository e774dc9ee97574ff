// Nothing lost when the broker loses its log: the embedded broker keeps it in
// memory, so a restart drops whatever it held. Events the relay had published but
// no consumer group had confirmed must still reach their consumers, exactly once.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

double metric(int port, const std::string& name) {
  http_client c{port};
  auto body = c.get("/metrics", metrics_token).body;
  std::smatch m;
  if (std::regex_search(
          body, m, std::regex("\\n" + std::regex_replace(name, std::regex(R"([{}"])"), R"(\$&)") + R"( ([-0-9.e+]+))")))
    return std::stod(m[1]);
  return -1;
}

/// In-app notifications of `company` about submissions, per application.
std::string duplicates_sql(const std::string& company) {
  return "SELECT count(*) FROM (SELECT data->>'application_id' FROM notifications WHERE event_type = "
         "'application.submitted' AND user_id = '" +
         company + "' GROUP BY 1 HAVING count(*) > 1) d";
}

std::string notified_sql(const std::string& company) {
  return "SELECT count(DISTINCT data->>'application_id') FROM notifications WHERE event_type = "
         "'application.submitted' AND user_id = '" +
         company + "'";
}

}  // namespace

// The whole stack stops with SIGKILL right after the relay published (an API-only
// node: no consumer ran), and comes back with a fresh embedded broker: every
// company hears of every application once; the outbox then lets the rows go.
TEST(broker_restart, events_published_but_not_consumed_arrive_once_after_a_fresh_broker) {
  database db;
  broker kafka;
  std::map<std::string, std::string> env{{"HIREHUB_KAFKA_GROUP_PREFIX", "restart-" + uuid().substr(0, 8)},
                                         {"HIREHUB_OUTBOX_SWEEP_MS", "300"}};
  auto company = uuid();
  auto ctok = token(company, "company");
  std::string job;
  {
    // A first run: the consumer groups register and handle one application.
    node n{db, kafka, env};
    http_client http{n.port};
    auto r = http.post("/api/v1/jobs", {{"title", "Platform Engineer"}}, ctok);
    ASSERT_EQ(r.status, 201) << r.body;
    job = r.json_body["id"];
    auto seeker = uuid();
    ASSERT_EQ(http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(seeker)}},
                        token(seeker, "jobseeker"))
                  .status,
              201);
    ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return db.count(notified_sql(company)) == 1; }));
    // Confirmed by the groups reading it (notifications, job search), the rows are let go.
    ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
      return db.count("SELECT count(*) FROM outbox WHERE topic = 'application.submitted'") == 0;
    }));
    EXPECT_EQ(db.count("SELECT count(*) FROM consumer_groups"),
              4);  // notifications, job search, matching, match actors
  }
  std::vector<std::string> apps;
  {
    auto api_only = env;
    api_only["HIREHUB_KAFKA_CONSUMERS"] = "none";
    node n{db, kafka, api_only};
    http_client http{n.port};
    for (int i = 0; i < 6; ++i) {
      auto seeker = uuid();
      auto r = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(seeker)}},
                         token(seeker, "jobseeker"));
      ASSERT_EQ(r.status, 201) << r.body;
      apps.push_back(r.json_body["id"]);
    }
    // Published to the broker, and nobody read them.
    ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] {
      return db.count(
                 "SELECT count(*) FROM outbox WHERE topic = 'application.submitted' AND published_at IS NOT NULL") == 6;
    }));
    n.kill9();
  }
  kafka.restart();  // SIGKILL: its log is gone
  EXPECT_EQ(db.count(notified_sql(company)), 1);

  node n{db, kafka, env};
  ASSERT_TRUE(eventually(std::chrono::seconds(60), [&] { return db.count(notified_sql(company)) == 7; }))
      << "notified of " << db.count(notified_sql(company)) << " of 7 applications";
  EXPECT_EQ(db.count(duplicates_sql(company)), 0);
  EXPECT_EQ(metric(n.port, "hirehub_kafka_broker_changes_total"), 1);
  EXPECT_GE(metric(n.port, "hirehub_outbox_republished_total"), 6);
  // Everything confirmed by both groups: the outbox keeps nothing of it.
  EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return db.count("SELECT count(*) FROM outbox WHERE topic = 'application.submitted'") == 0;
  }));
  // The job search read model counted every application once (the other group).
  EXPECT_TRUE(eventually(std::chrono::seconds(30),
                         [&] { return db.scalar("SELECT applies_count FROM jobs WHERE id = '" + job + "'") == "7"; }));
  // A node restarted against the same broker republishes nothing.
  n.stop();
  node again{db, kafka, env};
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(metric(again.port, "hirehub_kafka_broker_changes_total"), 0);
  EXPECT_EQ(db.count(duplicates_sql(company)), 0);
}

// The broker restarts under a running node, between bursts of applications: the node
// finds it at the same address, publishes again what was not confirmed, and every
// application is notified once.
TEST(broker_restart, a_broker_restarted_under_a_running_node_loses_nothing) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_OUTBOX_SWEEP_MS", "300"}, {"HIREHUB_KAFKA_SESSION_TIMEOUT_MS", "3000"}}};
  http_client http{n.port};
  auto company = uuid();
  auto ctok = token(company, "company");
  auto r = http.post("/api/v1/jobs", {{"title", "Backend Engineer"}}, ctok);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string job = r.json_body["id"];
  int accepted = 0;
  auto burst = [&](int count) {
    for (int i = 0; i < count; ++i) {
      auto seeker = uuid();
      auto a = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(seeker)}},
                         token(seeker, "jobseeker"));
      ASSERT_EQ(a.status, 201) << a.body;
      ++accepted;
    }
  };
  burst(10);
  kafka.restart();
  burst(10);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kafka.restart();
  burst(10);
  ASSERT_TRUE(eventually(std::chrono::seconds(90), [&] { return db.count(notified_sql(company)) == accepted; }))
      << "notified of " << db.count(notified_sql(company)) << " of " << accepted;
  EXPECT_EQ(db.count(duplicates_sql(company)), 0);
  EXPECT_GE(metric(n.port, "hirehub_kafka_broker_changes_total"), 1);
  EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return db.scalar("SELECT applies_count FROM jobs WHERE id = '" + job + "'") == std::to_string(accepted);
  }));
  EXPECT_TRUE(n.alive());
  EXPECT_EQ(http.get("/ready").status, 200);
}
