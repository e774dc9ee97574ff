// Entities and live frames across nodes: any node serves any entity, kill -9 under
// load loses nothing, a user's notifications arrive numbered and in order whichever
// node stores them, every node follows resume chunks and templates changed on another.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/shard.hpp"
#include "integration/cluster_support.hpp"

using namespace hh_test;

TEST(cluster, any_node_serves_any_entity_and_live_frames_cross_nodes) {
  cluster_env env;
  auto cl = start_cluster(env);
  ASSERT_FALSE(HasFailure());
  auto& nodes = cl.nodes;
  auto& ids = cl.ids;
  auto& http = cl.http;

  auto company = uuid();
  auto company_tok = token(company, "company");
  auto job = http[0]->post("/api/v1/jobs", {{"title", "Distributed Systems Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto job_id = job.json_body["id"].get<std::string>();

  // Submit on one node, read on the next, change on the third: every entity answers wherever it is asked.
  std::vector<std::string> apps;
  for (int i = 0; i < 24; ++i) {
    auto seeker = uuid();
    auto tok = token(seeker, "jobseeker");
    auto r =
        http[i % 3]->post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", env.db.resume_of(seeker)}}, tok);
    ASSERT_EQ(r.status, 201) << r.body;
    auto id = r.json_body["id"].get<std::string>();
    apps.push_back(id);
    auto g = http[(i + 1) % 3]->get("/api/v1/applications/" + id, tok);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(g.json_body["id"], id);
    auto p = http[(i + 2) % 3]->patch("/api/v1/applications/" + id + "/status", {{"status", "reviewing"}}, company_tok);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_EQ(p.json_body["seq"], 2);
  }
  for (auto& id : apps)
    EXPECT_EQ(env.db.count("SELECT count(*) FROM application_events WHERE application_id = '" + id + "'"), 2) << id;

  // Each entity is active on the node that holds its shard, and nowhere else.
  std::map<std::string, std::string> owner_of_shard;
  for (auto& s : env.shards(nodes[0]->port))
    owner_of_shard[std::to_string(s["shard"].get<int>())] = s["owner"].get<std::string>();
  std::map<std::string, int> expected;
  for (auto& id : apps)
    ++expected[owner_of_shard[std::to_string(hirehub::cluster::shard_of(id, 64))]];
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(metric(nodes[i]->port, "hirehub_active_entities{kind=\"application\"}"), expected[ids[i]])
        << "node " << ids[i];
    EXPECT_GT(metric(nodes[i]->port, "hirehub_registry_forwarded_total"), 0) << "node " << ids[i];
  }

  // A WebSocket on one node sees the changes of an entity living on another, in order.
  std::string app;
  size_t watcher = 0;
  for (auto& id : apps) {
    auto owner = owner_of_shard[std::to_string(hirehub::cluster::shard_of(id, 64))];
    if (owner != ids[0]) {
      app = id;
      break;
    }
  }
  ASSERT_FALSE(app.empty());
  ws_client ws{nodes[watcher]->port, company_tok};
  ASSERT_TRUE(ws.open());
  ws.send(json({{"op", "subscribe"}, {"topic", "application:" + app}}).dump());
  auto ack = ws.read_until([](const json& f) { return f.value("type", "") == "subscribed"; });
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["seq"], 2);
  auto iv = http[1]->post(
      "/api/v1/applications/" + app + "/interviews",
      {{"interview_type", "video"}, {"scheduled_at", "2030-05-02T10:00"}, {"time_zone", "Asia/Seoul"}}, company_tok);
  ASSERT_EQ(iv.status, 201) << iv.body;
  ASSERT_EQ(http[2]
                ->patch("/api/v1/applications/" + app + "/status",
                        {{"status", "rejected"}, {"reason", "position_filled"}}, company_tok)
                .status,
            200);
  for (int seq = 3; seq <= 4; ++seq) {
    auto f = ws.read_until([](const json& x) { return x.contains("seq") && x.value("type", "") != "subscribed"; },
                           std::chrono::seconds(10));
    ASSERT_TRUE(f) << "no frame " << seq << " crossed to the watching node";
    EXPECT_EQ((*f)["seq"], seq);
    EXPECT_EQ((*f)["topic"], "application:" + app);
  }
  // after_seq resume works on any node.
  ws_client again{nodes[2]->port, company_tok};
  again.send(json({{"op", "subscribe"}, {"topic", "application:" + app}, {"after_seq", 2}}).dump());
  auto ack2 = again.read();
  ASSERT_TRUE(ack2);
  EXPECT_EQ((*ack2)["seq"], 4);
  for (int seq = 3; seq <= 4; ++seq) {
    auto f = again.read();
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)["seq"], seq);
  }
}

TEST(cluster, kill_9_under_load_loses_no_accepted_request_and_duplicates_nothing) {
  cluster_env env;
  auto cl = start_cluster(env);
  ASSERT_FALSE(HasFailure());
  auto& nodes = cl.nodes;
  auto company = uuid();
  auto company_tok = token(company, "company");
  auto job = cl.http[0]->post("/api/v1/jobs", {{"title", "Site Reliability Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto job_id = job.json_body["id"].get<std::string>();

  // Bounded load through the two surviving nodes: submissions, then a status change each.
  struct outcome {
    std::string app, seeker;
    int submit = 0, review = 0;
  };
  std::mutex mtx;
  std::vector<outcome> done;
  std::atomic<bool> stop{false};
  std::vector<std::string> seekers(4 * 400);
  for (auto& s : seekers)
    s = uuid();
  auto resumes = env.db.resumes_of(seekers);
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      http_client c{nodes[t % 2]->port};
      for (int i = 0; i < 400 && !stop; ++i) {
        outcome o;
        o.seeker = seekers[t * 400 + i];
        auto tok = token(o.seeker, "jobseeker");
        try {
          auto r = c.post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", resumes[t * 400 + i]}}, tok);
          o.submit = r.status;
          if (r.status == 201) {
            o.app = r.json_body["id"];
            o.review =
                c.patch("/api/v1/applications/" + o.app + "/status", {{"status", "reviewing"}}, company_tok).status;
          }
        } catch (const std::exception&) {
          o.submit = o.submit ? o.submit : -1;
        }
        std::lock_guard<std::mutex> g{mtx};
        done.push_back(o);
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  nodes[2]->kill9();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  // The embedded broker restarts too (its log is lost): what it held unconfirmed is published again.
  env.kafka.restart();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  stop = true;
  for (auto& c : clients)
    c.join();

  int ok = 0, refused = 0;
  std::string accepted, reviewed;  // SQL VALUES lists
  for (auto& o : done) {
    // Whatever was not accepted was refused cleanly (503 while the shard moved), never a 500.
    EXPECT_TRUE(o.submit == 201 || o.submit == 503) << o.submit;
    if (o.submit != 201) {
      ++refused;
      continue;
    }
    ++ok;
    EXPECT_TRUE(o.review == 200 || o.review == 503) << o.review;
    accepted += (accepted.empty() ? "('" : ", ('") + o.app + "'::uuid)";
    if (o.review == 200)
      reviewed += (reviewed.empty() ? "('" : ", ('") + o.app + "'::uuid)";
  }
  ASSERT_GT(ok, 50) << "the load did not get going";
  // Every 2xx is in the journal exactly once.
  EXPECT_EQ(env.db.count("SELECT count(*) FROM (VALUES " + accepted +
                         ") v(id) WHERE (SELECT count(*) FROM application_events e WHERE e.application_id = v.id AND "
                         "e.event_type = 'submitted') <> 1"),
            0);
  if (!reviewed.empty()) {
    EXPECT_EQ(env.db.count("SELECT count(*) FROM (VALUES " + reviewed +
                           ") v(id) WHERE (SELECT count(*) FROM application_events e WHERE e.application_id = v.id AND "
                           "e.to_status = 'reviewing') <> 1"),
              0);
  }
  EXPECT_EQ(env.db.count("SELECT count(*) FROM (SELECT application_id, seq FROM application_events GROUP BY 1, 2 "
                         "HAVING count(*) > 1) d"),
            0);
  // Every entity answers again, on the survivors, with what the journal holds (a
  // survivor that stalls meanwhile answers 503 until its shards have moved: retried).
  std::map<std::string, int64_t> journal;
  for (auto& row : env.db.rows("SELECT application_id::text, count(*) FROM application_events GROUP BY 1"))
    journal[row[0]] = std::stoll(row[1]);
  http_client a{nodes[0]->port};
  for (auto& o : done) {
    if (o.submit != 201)
      continue;
    http_result g;
    ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
      g = a.get("/api/v1/applications/" + o.app, company_tok);
      EXPECT_TRUE(g.status == 200 || g.status == 503) << g.body;
      return g.status == 200;
    })) << g.body;
    if (o.review == 200) {
      EXPECT_EQ(g.json_body["status"], "reviewing") << o.app;
    }
    EXPECT_EQ(g.json_body["seq"].get<int64_t>(), journal[o.app]) << o.app;
  }
  // One notification per accepted submission for the company: none lost with the dead node's consumers, none twice.
  ASSERT_TRUE(eventually(std::chrono::seconds(60), [&] {
    return env.db.count(
               "SELECT count(DISTINCT data->>'application_id') FROM notifications WHERE event_type = "
               "'application.submitted' AND user_id = '" +
               company + "'") >= ok;
  }));
  EXPECT_EQ(env.db.count("SELECT count(*) FROM (SELECT data->>'application_id' FROM notifications WHERE event_type = "
                         "'application.submitted' AND user_id = '" +
                         company + "' GROUP BY 1 HAVING count(*) > 1) d"),
            0);
  std::cout << "[ failover ] accepted " << ok << ", refused " << refused << " of " << done.size() << std::endl;
}

TEST(cluster, a_users_notifications_arrive_numbered_in_order_with_none_missing_whichever_node_stores_them) {
  cluster_env env;
  auto cl = start_cluster(env, 2);
  ASSERT_FALSE(HasFailure());
  auto& http = cl.http;
  auto company = uuid();
  auto company_tok = token(company, "company");
  auto job = http[0]->post("/api/v1/jobs", {{"title", "Payments Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  ws_client ws{cl.nodes[0]->port, company_tok};
  ASSERT_TRUE(ws.open());
  ws.send(json({{"op", "subscribe"}, {"topic", "notifications"}}).dump());
  auto ack = ws.read_until([](const json& f) { return f.value("type", "") == "subscribed"; });
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["seq"], 0) << "a new user's numbering starts at 1";

  // Submissions through both nodes from four clients: both nodes' consumers store the
  // company's notifications at the same time, and their frames race to node 0.
  constexpr int per_client = 40;
  std::vector<std::string> seekers(4 * per_client);
  for (auto& s : seekers)
    s = uuid();
  auto resumes = env.db.resumes_of(seekers);
  std::vector<std::thread> clients;
  std::atomic<int> accepted{0};
  for (int c = 0; c < 4; ++c)
    clients.emplace_back([&, c] {
      http_client h{cl.nodes[c % 2]->port};
      for (int i = 0; i < per_client; ++i) {
        auto k = c * per_client + i;
        auto r = h.post("/api/v1/applications", {{"job_id", job.json_body["id"]}, {"resume_id", resumes[k]}},
                        token(seekers[k], "jobseeker"));
        if (r.status == 201)
          ++accepted;
      }
    });
  for (auto& t : clients)
    t.join();
  ASSERT_EQ(accepted.load(), 4 * per_client);
  std::vector<int64_t> seqs;
  while (static_cast<int>(seqs.size()) < accepted.load()) {
    auto f =
        ws.read_until([](const json& x) { return x.value("type", "") == "notification"; }, std::chrono::seconds(30));
    if (!f)
      break;
    seqs.push_back((*f)["seq"].get<int64_t>());
  }
  ASSERT_EQ(static_cast<int>(seqs.size()), accepted.load()) << "frames missing";
  for (size_t i = 0; i < seqs.size(); ++i)
    ASSERT_EQ(seqs[i], static_cast<int64_t>(i + 1)) << "frame " << i << " out of order or repeated";
  EXPECT_FALSE(ws.read(std::chrono::milliseconds(500))) << "nothing more than one frame per notification";
  EXPECT_EQ(env.db.count("SELECT count(*) FROM notifications WHERE user_id = '" + company +
                         "' AND channel = 'in_app' AND inbox_seq BETWEEN 1 AND " + std::to_string(seqs.size())),
            static_cast<int64_t>(seqs.size()));
  std::cout << "[ notifications ] gap fills on node 0: "
            << metric(cl.nodes[0]->port, "hirehub_websocket_gap_fills_total") << std::endl;

  // Resuming on the other node after the 100th replays 101.. in order.
  ws_client again{cl.nodes[1]->port, company_tok};
  ASSERT_TRUE(again.open());
  again.send(json({{"op", "subscribe"}, {"topic", "notifications"}, {"after_seq", 100}}).dump());
  for (int64_t want = 101; want <= static_cast<int64_t>(seqs.size()); ++want) {
    auto f = again.read_until([](const json& x) { return x.value("type", "") == "notification"; });
    ASSERT_TRUE(f) << want;
    EXPECT_EQ((*f)["seq"], want);
  }
}

TEST(cluster, every_node_follows_resume_chunks_and_templates_changed_on_another) {
  cluster_env env;
  env.node_env["HIREHUB_RESUME_STORAGE_DIR"] = temp_dir() + "/files";
  auto cl = start_cluster(env, 2);
  ASSERT_FALSE(HasFailure());
  auto& http = cl.http;
  auto seeker = sign_up_with(*http[0], {{"name", "Minji"}});
  ASSERT_FALSE(seeker.tok.empty());
  const std::string boundary = "----hirehub-cluster-rag";
  std::string cv =
      "Name: Minji Park\nPhone: 010-3456-7890\n\nExperience\nToss | Platform Engineer | 2020.01 ~ present\n"
      "Kubernetes operators, Kafka consumers and PostgreSQL tuning for payments.\n\nSkills\nGo, Kubernetes, Kafka\n";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n\r\n" + cv + "\r\n--" +
                     boundary + "--\r\n";
  auto up = http[0]->request(
      "POST", "/api/v1/resumes", body,
      {{"Authorization", "Bearer " + seeker.tok}, {"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(up.status, 202) << up.body;
  auto id = up.json_body["id"].get<std::string>();
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return http[1]->get("/api/v1/resumes/" + id, seeker.tok).json_body.value("status", "") == "ready";
  }));
  json q = {{"query", "Kubernetes Kafka"}, {"resume_ids", {id}}};
  // Whether each node's index holds the resume (a 503 while an index loads counts as not yet).
  auto found_on = [&](size_t i) {
    auto r = http[i]->post("/api/v1/rag/query", q, seeker.tok);
    return r.status == 200 && !r.json_body["results"].empty();
  };
  auto everywhere = [&](bool present) {
    return eventually(std::chrono::seconds(10), [&] { return found_on(0) == present && found_on(1) == present; });
  };
  EXPECT_TRUE(everywhere(true)) << "the pipeline ran on one node; both indexes hold the chunks";
  ASSERT_EQ(http[1]->post("/api/v1/rag/delete", {{"resume_id", id}}, seeker.tok).status, 200);
  EXPECT_TRUE(everywhere(false)) << "dropped through node 1, gone from both";
  ASSERT_EQ(http[0]->post("/api/v1/rag/index", {{"resume_id", id}}, seeker.tok).status, 200);
  EXPECT_TRUE(everywhere(true)) << "re-indexed through node 0, back on both";
  ASSERT_EQ(http[1]->request("DELETE", "/api/v1/resumes/" + id, "", {{"Authorization", "Bearer " + seeker.tok}}).status,
            204);
  EXPECT_TRUE(everywhere(false)) << "the deleted resume is gone from both";
  EXPECT_GT(metric(cl.nodes[0]->port, "hirehub_rag_index_reloads_total"), 0);
  EXPECT_GT(metric(cl.nodes[1]->port, "hirehub_rag_index_reloads_total"), 0);

  // A template saved through node 0 is reloaded by node 1's dispatcher too.
  auto loads = metric(cl.nodes[1]->port, "hirehub_notification_template_loads_total");
  EXPECT_GE(loads, 1);
  auto put = http[0]->request("PUT", "/api/v1/admin/notification-templates/cluster_status_in_app",
                              json({{"event_type", "application.status_changed"},
                                    {"channel", "in_app"},
                                    {"subject", "Update"},
                                    {"body", "{{job_title}} moved on"}})
                                  .dump(),
                              {{"Authorization", "Bearer " + env.admin}, {"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_TRUE(eventually(std::chrono::seconds(5), [&] {
    return metric(cl.nodes[1]->port, "hirehub_notification_template_loads_total") > loads;
  }));
}
