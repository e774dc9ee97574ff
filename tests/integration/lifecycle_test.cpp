// Entity passivation and re-activation from the journal; at-most-once
// notifications whatever Kafka redelivers; the outbox relay across a broker outage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <set>
#include <thread>

#include <unistd.h>

#include "support/harness.hpp"

using namespace hh_test;

namespace {

int64_t active_entities(http_client& http) {
  auto m = http.get("/metrics", metrics_token).body;
  std::smatch match;
  if (std::regex_search(m, match, std::regex(R"(hirehub_active_entities\{kind="application"\} (-?\d+))")))
    return std::stoll(match[1]);
  return -1;
}

std::string create_job(http_client& http, const std::string& company_tok) {
  auto r = http.post("/api/v1/jobs", {{"title", "Data Engineer"}}, company_tok);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json_body.value("id", "");
}

/// A company with a job and a jobseeker, on one node.
struct parties {
  std::string company = uuid();
  std::string ctok = token(company, "company");
  std::string user = uuid();
  std::string utok = token(user, "jobseeker");
  std::string job;
  parties(http_client& http) : job(create_job(http, ctok)) {}
};

}  // namespace

// More applications than the node may keep active: each submit is still accepted (the
// least recently used entities make room) and every application answers afterwards,
// rebuilt from the journal where it had been let go.
TEST(lifecycle, at_the_cap_of_active_entities_the_least_recent_make_room) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_ENTITY_MAX_ACTIVE", "16"}}};
  http_client http{n.port};
  auto ctok = token(uuid(), "company");
  auto job = create_job(http, ctok);
  std::vector<std::pair<std::string, std::string>> apps;  // id, applicant's token
  for (int i = 0; i < 40; ++i) {
    auto user = uuid();
    auto utok = token(user, "jobseeker");
    auto r = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(user)}}, utok);
    ASSERT_EQ(r.status, 201) << i << ": " << r.body;
    apps.emplace_back(r.json_body["id"].get<std::string>(), utok);
  }
  EXPECT_LE(active_entities(http), 16 + 16 / 8);
  for (auto& [id, utok] : apps) {
    auto got = http.get("/api/v1/applications/" + id, utok);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(got.json_body["seq"], 1);
  }
  auto moved = http.patch("/api/v1/applications/" + apps[0].first + "/status", {{"status", "reviewing"}}, ctok);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json_body["seq"], 2);
  std::smatch m;
  auto metrics = http.get("/metrics", metrics_token).body;
  ASSERT_TRUE(std::regex_search(metrics, m, std::regex(R"(hirehub_entity_evictions_total (\d+))"))) << "no metric";
  EXPECT_GT(std::stoll(m[1]), 0);
  EXPECT_EQ(db.count("SELECT count(*) FROM application_events"), 41);
  EXPECT_EQ(n.stop(), 0);
}

TEST(lifecycle, idle_entities_passivate_and_rebuild_from_the_journal) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_ENTITY_IDLE_TIMEOUT_MS", "300"}}};
  http_client http{n.port};
  parties p{http};
  auto& [company, ctok, user, utok, job] = p;
  auto app = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(user)}}, utok);
  ASSERT_EQ(app.status, 201);
  auto id = app.json_body["id"].get<std::string>();
  ASSERT_EQ(http.patch("/api/v1/applications/" + id + "/status", {{"status", "reviewing"}}, ctok).status, 200);
  // Each connection names its role in pg_stat_activity: the journal, the relay and the
  // notification writer have all done their part for the two events by now.
  for (auto name : {"hirehub-journal", "hirehub-outbox-relay", "hirehub-notifications"})
    EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
      return db.count(std::string{"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND application_name = '"} +
                      name + "'") == 1;
    })) << name;
  ASSERT_TRUE(eventually(std::chrono::seconds(10), [&] { return active_entities(http) == 0; }))
      << "the idle application actor did not passivate";
  // A new incarnation rebuilds the same state from the journal ...
  auto got = http.get("/api/v1/applications/" + id, utok);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json_body["stage"], "in_review");
  EXPECT_EQ(http.get("/api/v1/applications/" + id, ctok).json_body["status"], "reviewing");
  EXPECT_EQ(got.json_body["seq"], 2);
  EXPECT_EQ(got.json_body["job_title"], "Data Engineer");
  EXPECT_EQ(active_entities(http), 1);
  // ... and goes on from it: the next event gets seq 3, illegal moves are still refused.
  auto moved = http.patch("/api/v1/applications/" + id + "/status", {{"status", "offered"}}, ctok);
  EXPECT_EQ(moved.status, 409) << moved.body;
  moved = http.patch("/api/v1/applications/" + id + "/status", {{"status", "rejected"}, {"reason", "other"}}, ctok);
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json_body["seq"], 3);
  EXPECT_EQ(http.patch("/api/v1/applications/" + id + "/status", {{"status", "reviewing"}}, ctok).status, 409);
  EXPECT_EQ(db.count("SELECT max(seq) FROM application_events WHERE application_id = '" + id + "'"), 3);
  // Looking up a missing application does not leave an actor behind.
  EXPECT_EQ(http.get("/api/v1/applications/" + uuid(), utok).status, 404);
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] { return active_entities(http) == 0; }));
  // SIGTERM stops the node cleanly (exit code 0, not the SIGKILL that follows a hang).
  EXPECT_EQ(n.stop(), 0);
}

TEST(lifecycle, redelivered_events_notify_nobody_twice) {
  database db;
  broker kafka;
  node n{db, kafka};
  http_client http{n.port};
  parties p{http};
  auto& [company, ctok, user, utok, job] = p;
  ws_client ws{n.port, ctok};
  ws.send(R"({"op":"subscribe","topic":"notifications"})");
  ASSERT_TRUE(ws.read());
  auto app = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(user)}}, utok);
  ASSERT_EQ(app.status, 201);
  auto id = app.json_body["id"].get<std::string>();
  auto first =
      ws.read_until([](const json& f) { return f.value("type", "") == "notification"; }, std::chrono::seconds(30));
  ASSERT_TRUE(first);
  // Kafka delivers the same event again (a consumer restart, a rebalance): the
  // same event id must not make a second notification or a second frame.
  auto payload =
      db.scalar("SELECT payload::text FROM outbox WHERE key = '" + id + "' AND topic = 'application.submitted'");
  ASSERT_FALSE(payload.empty());
  produce(kafka.bootstrap, "application.submitted", id, payload);
  produce(kafka.bootstrap, "application.submitted", id, payload);
  // A later, distinct event proves the consumer processed past the duplicates.
  ASSERT_EQ(
      http.patch("/api/v1/applications/" + id + "/status", {{"status", "withdrawn"}, {"reason", "personal"}}, utok)
          .status,
      200);
  ws_client uws{n.port, utok};
  uws.send(R"({"op":"subscribe","topic":"notifications","after_seq":0})");
  ASSERT_TRUE(
      uws.read_until([](const json& f) { return f.value("type", "") == "notification"; }, std::chrono::seconds(30)));
  EXPECT_EQ(db.count("SELECT count(*) FROM notifications WHERE user_id = '" + company + "'"), 1);
  auto extra =
      ws.read_until([](const json& f) { return f.value("type", "") == "notification"; }, std::chrono::seconds(2));
  EXPECT_FALSE(extra) << "a duplicate notification frame was pushed";
  // A malformed event on the topic is skipped, not retried forever.
  produce(kafka.bootstrap, "application.submitted", "x", "this is not json");
  auto company2 = uuid();
  auto job2 = create_job(http, token(company2, "company"));
  ASSERT_EQ(http.post("/api/v1/applications", {{"job_id", job2}, {"resume_id", db.resume_of(user)}}, utok).status, 201);
  EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return db.count("SELECT count(*) FROM notifications WHERE user_id = '" + company2 + "'") == 1;
  }));
  // SIGTERM with active entities and open WebSockets still stops the node cleanly.
  EXPECT_EQ(n.stop(), 0);
}

TEST(lifecycle, the_relay_survives_a_broker_outage_without_loss_or_reordering) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_KAFKA_MESSAGE_TIMEOUT_MS", "1500"}, {"HIREHUB_OUTBOX_RETRY_MS", "300"}}};
  http_client http{n.port};
  auto company = uuid();
  auto ctok = token(company, "company");
  auto job = create_job(http, ctok);
  ASSERT_TRUE(eventually(std::chrono::seconds(10),
                         [&] { return db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0; }));
  kafka.down();
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    auto user = uuid();
    auto utok = token(user, "jobseeker");
    auto r = http.post("/api/v1/applications", {{"job_id", job}, {"resume_id", db.resume_of(user)}}, utok);
    ASSERT_EQ(r.status, 201) << "accepting requests does not depend on Kafka";
    auto id = r.json_body["id"].get<std::string>();
    ASSERT_EQ(http.patch("/api/v1/applications/" + id + "/status", {{"status", "reviewing"}}, ctok).status, 200);
    ids.push_back(id);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL"), 20)
      << "rows were marked published while the broker was down";
  EXPECT_EQ(http.get("/ready").status, 503) << "/ready must report the broker outage";
  // The broker comes back as a new process on the same address (its log lost), not as
  // the one that went down.
  kafka.restart();
  ASSERT_TRUE(eventually(std::chrono::seconds(60), [&] {
    return db.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0;
  })) << "the relay did not catch up after the broker came back";
  // Read until every application is seen: a send retried after a timeout may be delivered twice
  // (at least once), so a count of messages is not a count of applications.
  auto has_all = [&](const std::vector<std::pair<std::string, std::string>>& got) {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      return std::any_of(got.begin(), got.end(), [&](const auto& m) { return m.first == id; });
    });
  };
  auto submitted = consume_topic_until(kafka.bootstrap, "application.submitted", has_all, std::chrono::seconds(30));
  auto changed = consume_topic_until(kafka.bootstrap, "application.status_changed", has_all, std::chrono::seconds(30));
  std::set<std::string> sub_keys;
  for (auto& [k, v] : submitted)
    sub_keys.insert(k);
  std::set<std::string> changed_keys;
  for (auto& [k, v] : changed)
    changed_keys.insert(k);
  for (auto& id : ids) {
    EXPECT_TRUE(sub_keys.count(id)) << "application.submitted lost for " << id;
    EXPECT_TRUE(changed_keys.count(id)) << "application.status_changed lost for " << id;
  }
  // Per key, the journal order is the publish order (the relay never sends a
  // key's next row before the previous one was acknowledged).
  for (auto& id : ids) {
    auto first_pub =
        db.scalar("SELECT published_at FROM outbox WHERE key = '" + id + "' AND topic = 'application.submitted'");
    auto second_pub =
        db.scalar("SELECT published_at FROM outbox WHERE key = '" + id + "' AND topic = 'application.status_changed'");
    EXPECT_LT(first_pub, second_pub) << id;
  }
  // The company heard of each application once.
  EXPECT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return db.count("SELECT count(DISTINCT data->>'application_id') FROM notifications WHERE user_id = '" + company +
                    "' AND event_type = 'application.submitted'") == 10;
  }));
  EXPECT_EQ(db.count("SELECT count(*) FROM notifications WHERE user_id = '" + company +
                     "' AND event_type = 'application.submitted'"),
            10);
}

TEST(lifecycle, connections_beyond_the_limit_are_refused_and_the_node_recovers) {
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_HTTP_MAX_CONNECTIONS", "2"}}};
  auto tok = token(uuid(), "jobseeker");
  // The harness's own connection (readiness, the OpenAPI document) may still be
  // counted for a moment after it closed: the first two sockets are retried until served.
  std::unique_ptr<ws_client> a, b;
  ASSERT_TRUE(eventually(std::chrono::seconds(10), [&] {
    a = std::make_unique<ws_client>(n.port, tok);
    return a->open();
  }));
  ASSERT_TRUE(eventually(std::chrono::seconds(10), [&] {
    b = std::make_unique<ws_client>(n.port, tok);
    return b->open();
  }));
  // Both sockets are counted before a third connection is tried.
  a->send(R"({"op":"ping"})");
  ASSERT_TRUE(a->read());
  b->send(R"({"op":"ping"})");
  ASSERT_TRUE(b->read());
  ws_client third{n.port, tok};
  EXPECT_FALSE(third.open()) << "a third connection was served with http.max_connections = 2";
  a.reset();
  http_client http{n.port};
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
    try {
      return http.get("/health").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  })) << "the node did not serve again after a connection closed";
}

// PostgreSQL restarts under a running node: while it is down requests fail fast with 503
// (and Retry-After); afterwards the node serves again without a restart, and every
// application it accepted is in the journal. (The test server is shared: it is only
// restarted when tests/run.sh says where it lives.)
TEST(lifecycle, the_node_rides_out_a_postgresql_restart) {
  if (!pg_server::available())
    GTEST_SKIP() << "run through tests/run.sh (HIREHUB_TEST_PG_DATA, HIREHUB_TEST_PG_CTL, HIREHUB_TEST_PG_PORT)";
  database db;
  broker kafka;
  node n{db, kafka, {{"HIREHUB_DB_RETRY_MS", "200"}}};
  pg_server pg;  // after the node and the database: it runs again before they go
  http_client http{n.port};
  parties p{http};
  std::vector<std::string> accepted;
  auto submit = [&] {
    auto user = uuid();
    std::string resume;
    try {
      resume = db.resume_of(user);
    } catch (const std::exception&) {
      return 0;  // the test's own connection cannot reach the database either
    }
    auto r = http.post("/api/v1/applications", {{"job_id", p.job}, {"resume_id", resume}}, token(user, "jobseeker"));
    if (r.status == 201)
      accepted.push_back(r.json_body["id"]);
    return r.status;
  };
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(submit(), 201);
  pg.stop();
  // Down: a read and a write answer 503 with Retry-After at once (not at the request timeout).
  auto t0 = std::chrono::steady_clock::now();
  auto r = http.get("/api/v1/jobs/" + p.job, p.ctok);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_FALSE(r.headers["Retry-After"].empty());
  auto w = http.patch("/api/v1/applications/" + accepted[0] + "/status", {{"status", "reviewing"}}, p.ctok);
  EXPECT_EQ(w.status, 503) << w.body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(4)) << "requests waited for the database";
  // The node's readiness probe looks at the database every second.
  EXPECT_TRUE(eventually(std::chrono::seconds(5), [&] { return http.get("/ready").status == 503; }));
  pg.start();
  // Up again: the node serves without a restart.
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return http.get("/ready").status == 200; }));
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return submit() == 201; }));
  auto again = http.patch("/api/v1/applications/" + accepted[0] + "/status", {{"status", "reviewing"}}, p.ctok);
  EXPECT_EQ(again.status, 200) << again.body;
  for (auto& id : accepted)
    EXPECT_EQ(db.count("SELECT count(*) FROM application_events WHERE application_id = '" + id +
                       "' AND event_type = 'submitted'"),
              1)
        << id;
  EXPECT_TRUE(n.alive());
}
