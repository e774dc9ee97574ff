// Cluster membership and shard leases with real node processes sharing one
// PostgreSQL and one broker: three nodes register and split the shards fairly
// with one coordinator; kill -9 of a node makes it dead and its shards move to
// the others with a higher epoch; a paused node that wakes up after it was
// declared dead stops; draining moves every shard of a node away; a joining
// node takes a fair share; a stopped node leaves and frees its shards at once.
// The admin API refuses non-admins and unknown or finished nodes.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/shard.hpp"
#include "support/harness.hpp"

using namespace hh_test;

namespace {

struct cluster_env {
  database db;
  broker kafka;
  std::map<std::string, std::string> node_env{{"HIREHUB_KAFKA_GROUP_PREFIX", "cluster-" + uuid().substr(0, 8)},
                                              {"HIREHUB_KAFKA_SESSION_TIMEOUT_MS", "3000"}};
  std::string admin = token(uuid(), "admin");

  std::unique_ptr<node> start() { return std::make_unique<node>(db, kafka, node_env); }

  /// node id -> {status, shards, coordinator} as one node's admin API reports them.
  std::map<std::string, json> nodes(int port) {
    http_client c{port};
    auto r = c.get("/admin/api/nodes", admin);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, json> out;
    for (auto& n : r.json_body["items"])
      out[n["node_id"]] = n;
    return out;
  }
  std::vector<json> shards(int port) {
    http_client c{port};
    auto r = c.get("/admin/api/shards", admin);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json_body["items"].get<std::vector<json>>();
  }
  /// The node id of the node serving on `port` (its advertised URL names the port).
  std::string id_of(int port) {
    return db.scalar("SELECT node_id FROM cluster_nodes WHERE http_url LIKE '%:" + std::to_string(port) +
                     "' AND status <> 'left' AND status <> 'dead'");
  }
  /// owner -> shards owned (only owners with a valid lease appear).
  std::map<std::string, int> owners(int port) {
    std::map<std::string, int> out;
    for (auto& s : shards(port))
      if (!s["owner"].is_null())
        ++out[s["owner"].get<std::string>()];
    return out;
  }
};

/// Runs hirehubctl against the node on `port`; returns its exit code and stdout (+ stderr).
std::pair<int, std::string> run(const std::string& cmd);

std::pair<int, std::string> ctl(int port, const std::string& tok, const std::string& args) {
  return run(std::string(HIREHUBCTL_BIN) + " --url http://127.0.0.1:" + std::to_string(port) + " --token '" + tok +
             "' " + args);
}

/// Runs a shell command; returns its exit code and its output (stdout + stderr).
std::pair<int, std::string> run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p)
    return {-1, ""};
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  int rc = pclose(p);
  return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, out};
}

/// The actor named `name` in a tree (depth first), or null.
const json* find_actor(const json& a, const std::string& name) {
  if (a.value("name", "") == name)
    return &a;
  if (a.contains("children"))
    for (auto& c : a["children"])
      if (auto* x = find_actor(c, name))
        return x;
  return nullptr;
}

/// The value of one series in a node's /metrics (0 when absent).
double metric(int port, const std::string& series) {
  http_client c{port};
  auto body = c.get("/metrics", metrics_token).body;
  auto at = body.find("\n" + series + " ");
  if (at == std::string::npos)
    return 0;
  return std::stod(body.substr(at + series.size() + 2));
}

bool balanced(const std::map<std::string, int>& owners, const std::vector<std::string>& expect, int total = 64) {
  if (owners.size() != expect.size())
    return false;
  int sum = 0;
  int fair = total / static_cast<int>(expect.size());
  for (auto& id : expect) {
    auto it = owners.find(id);
    if (it == owners.end() || it->second < fair || it->second > fair + 1)
      return false;
    sum += it->second;
  }
  return sum == total;
}

/// Three (or `n`) nodes sharing the shards fairly, with an HTTP client each.
struct running_cluster {
  std::vector<std::unique_ptr<node>> nodes;
  std::vector<std::string> ids;
  std::vector<std::unique_ptr<http_client>> http;
};

running_cluster start_cluster(cluster_env& env, int n = 3) {
  running_cluster c;
  for (int i = 0; i < n; ++i)
    c.nodes.push_back(env.start());
  for (auto& x : c.nodes) {
    c.ids.push_back(env.id_of(x->port));
    c.http.push_back(std::make_unique<http_client>(x->port));
  }
  EXPECT_TRUE(eventually(std::chrono::seconds(15), [&] { return balanced(env.owners(c.nodes[0]->port), c.ids); }));
  return c;
}

}  // namespace

TEST(cluster, nodes_share_the_shards_fail_over_drain_join_and_leave) {
  cluster_env env;
  auto a = env.start();
  auto b = env.start();
  auto c = env.start();
  auto ida = env.id_of(a->port), idb = env.id_of(b->port), idc = env.id_of(c->port);
  ASSERT_FALSE(ida.empty());
  ASSERT_NE(ida, idb);

  // Three active nodes, 64 shards split 21/21/22, one coordinator, the same view from every node.
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] {
    return balanced(env.owners(a->port), {ida, idb, idc});
  })) << env.db.rows("SELECT owner, count(*) FROM cluster_shards GROUP BY owner").size();
  auto view = env.nodes(b->port);
  ASSERT_EQ(view.size(), 3u);
  int coordinators = 0;
  for (auto& [id, n] : view) {
    EXPECT_EQ(n["status"], "active") << id;
    EXPECT_GE(n["shards"].get<int>(), 21);
    EXPECT_EQ(n["http_url"], "http://127.0.0.1:" + std::to_string(id == ida ? a->port : id == idb ? b->port : c->port));
    coordinators += n["coordinator"].get<bool>() ? 1 : 0;
  }
  EXPECT_EQ(coordinators, 1);
  EXPECT_EQ(env.shards(c->port).size(), 64u);
  // The same from a terminal.
  auto [rc, out] = ctl(b->port, env.admin, "nodes");
  EXPECT_EQ(rc, 0) << out;
  for (auto& id : {ida, idb, idc})
    EXPECT_NE(out.find(id), std::string::npos) << out;
  EXPECT_NE(out.find("COORDINATOR"), std::string::npos) << out;
  auto [src, sout] = ctl(c->port, env.admin, "--json shards");
  ASSERT_EQ(src, 0) << sout;
  EXPECT_EQ(json::parse(sout)["items"].size(), 64u);
  auto [brc, bout] = ctl(a->port, token(uuid(), "jobseeker"), "nodes");
  EXPECT_EQ(brc, 1);
  EXPECT_NE(bout.find("403"), std::string::npos) << bout;

  // kill -9 of c: dead, and its shards re-granted to a and b with a higher epoch.
  std::map<int, int64_t> c_epochs;
  for (auto& s : env.shards(a->port))
    if (s["owner"] == idc)
      c_epochs[s["shard"]] = s["epoch"];
  ASSERT_FALSE(c_epochs.empty());
  c->kill9();
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] {
    return env.nodes(a->port)[idc]["status"] == "dead" && balanced(env.owners(a->port), {ida, idb});
  }));
  for (auto& s : env.shards(b->port)) {
    if (c_epochs.count(s["shard"])) {
      EXPECT_GT(s["epoch"].get<int64_t>(), c_epochs[s["shard"]]) << "shard " << s["shard"];
    }
  }

  // A node paused past the dead timeout is declared dead; when it wakes up it stops.
  auto d = env.start();
  auto idd = env.id_of(d->port);
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] { return balanced(env.owners(a->port), {ida, idb, idd}); }));
  d->signal(SIGSTOP);
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] {
    return env.nodes(a->port)[idd]["status"] == "dead" && balanced(env.owners(a->port), {ida, idb});
  }));
  d->signal(SIGCONT);
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] { return !d->alive(); })) << "see " << d->log_path();
  EXPECT_EQ(env.nodes(a->port)[idd]["status"], "dead");

  // Drain b (from the terminal): every shard moves to a; b stays up (and answers) until it is stopped.
  auto [drc, dout] = ctl(a->port, env.admin, "drain " + idb);
  ASSERT_EQ(drc, 0) << dout;
  EXPECT_NE(dout.find("draining " + idb), std::string::npos) << dout;
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] { return balanced(env.owners(a->port), {ida}); }));
  EXPECT_EQ(env.nodes(b->port)[idb]["status"], "draining");
  EXPECT_EQ(env.nodes(b->port)[idb]["shards"], 0);

  // A joining node takes a fair share from a.
  auto e = env.start();
  auto ide = env.id_of(e->port);
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] { return balanced(env.owners(a->port), {ida, ide}); }));

  // A stopped node leaves: its shards are free at once, without waiting for the leases.
  EXPECT_EQ(e->stop(), 0);
  EXPECT_EQ(env.nodes(a->port)[ide]["status"], "left");
  ASSERT_TRUE(eventually(std::chrono::seconds(5), [&] { return balanced(env.owners(a->port), {ida}); }));
}

TEST(cluster, the_admin_api_refuses_non_admins_unknown_and_finished_nodes) {
  cluster_env env;
  auto a = env.start();
  auto ida = env.id_of(a->port);
  http_client http{a->port};
  auto jobseeker = token(uuid(), "jobseeker");
  for (std::string path : {"/admin/api/nodes", "/admin/api/shards"}) {
    EXPECT_EQ(http.get(path).status, 401) << path;
    EXPECT_EQ(http.get(path, jobseeker).status, 403) << path;
  }
  EXPECT_EQ(http.post("/admin/api/nodes/" + ida + "/drain", json::object(), "").status, 401);
  EXPECT_EQ(http.post("/admin/api/nodes/" + ida + "/drain", json::object(), jobseeker).status, 403);
  EXPECT_EQ(http.post("/admin/api/nodes/no-such-node/drain", json::object(), env.admin).status, 404);
  EXPECT_EQ(http.post("/admin/api/nodes/bad%20id%2F/drain", json::object(), env.admin).status, 404);
  // The only active node cannot be drained: nobody could take its shards.
  auto last = http.post("/admin/api/nodes/" + ida + "/drain", json::object(), env.admin);
  EXPECT_EQ(last.status, 409) << last.body;
  EXPECT_EQ(env.db.scalar("SELECT status FROM cluster_nodes WHERE node_id = '" + ida + "'"), "active");

  // A node that has left cannot be drained.
  auto b = env.start();
  auto idb = env.id_of(b->port);
  EXPECT_EQ(b->stop(), 0);
  auto r = http.post("/admin/api/nodes/" + idb + "/drain", json::object(), env.admin);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(env.db.scalar("SELECT status FROM cluster_nodes WHERE node_id = '" + idb + "'"), "left");

  // Finished nodes leave the view after a day and the table after a week (every restart is a new id).
  env.db.exec("UPDATE cluster_nodes SET status_changed_at = now() - interval '2 days' WHERE node_id = '" + idb + "'");
  EXPECT_EQ(env.nodes(a->port).count(idb), 0u);
  EXPECT_EQ(env.db.count("SELECT count(*) FROM cluster_nodes WHERE node_id = '" + idb + "'"), 1);
  env.db.exec("UPDATE cluster_nodes SET status_changed_at = now() - interval '8 days' WHERE node_id = '" + idb + "'");
  EXPECT_TRUE(eventually(std::chrono::seconds(5), [&] {
    return env.db.count("SELECT count(*) FROM cluster_nodes WHERE node_id = '" + idb + "'") == 0;
  }));

  // A second node may not join under the id of a live one.
  auto same = env.node_env;
  same["HIREHUB_NODE_ID"] = ida;
  EXPECT_THROW(node(env.db, env.kafka, same), std::runtime_error);
}

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

TEST(cluster, admins_see_every_nodes_actors_stop_one_and_inspect_an_entity_from_any_node) {
  cluster_env env;
  auto cl = start_cluster(env);
  ASSERT_FALSE(HasFailure());
  auto& nodes = cl.nodes;
  auto& ids = cl.ids;
  auto& http = cl.http;

  auto company_tok = token(uuid(), "company");
  auto job = http[0]->post("/api/v1/jobs", {{"title", "Site Reliability Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto seeker = uuid();
  auto seeker_tok = token(seeker, "jobseeker");
  auto sub = http[1]->post("/api/v1/applications",
                           {{"job_id", job.json_body["id"]},
                            {"resume_id", env.db.resume_of(seeker)},
                            {"cover_letter", "Call me at 010-2345-6789 or write to jane.doe@example.com, thanks"}},
                           seeker_tok);
  ASSERT_EQ(sub.status, 201) << sub.body;
  auto app = sub.json_body["id"].get<std::string>();
  std::string owner;
  for (auto& s : env.shards(nodes[0]->port))
    if (s["shard"] == hirehub::cluster::shard_of(app, 64))
      owner = s["owner"].get<std::string>();
  ASSERT_FALSE(owner.empty());

  // Every node's tree, asked through node 0 (two of them over the cluster).
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto r = http[0]->get("/admin/api/nodes/" + ids[i] + "/actors", env.admin);
    ASSERT_EQ(r.status, 200) << r.body;
    auto& t = r.json_body;
    EXPECT_EQ(t["node_id"], ids[i]);
    EXPECT_EQ(t["root"]["name"], "node");
    EXPECT_EQ(t["root"]["kind"], "supervisor");
    for (auto name : {"persistence", "journal", "relay", "hub", "notifs", "in_app", "jobs", "registry", "feed"}) {
      auto* a = find_actor(t["root"], name);
      ASSERT_TRUE(a) << name << " missing on " << ids[i] << ": " << t.dump();
      EXPECT_TRUE((*a)["id"].is_number()) << name;
      EXPECT_TRUE((*a)["handled"].is_number()) << name;
      EXPECT_TRUE((*a)["mailbox"].is_number()) << name;
    }
    auto* db = find_actor(t["root"], "db");
    ASSERT_TRUE(db);
    EXPECT_EQ((*db)["kind"], "pool");
    EXPECT_GE((*db)["children"].size(), 1u) << "the pool lists its workers";
    auto* reg = find_actor(t["root"], "registry");
    bool has_app = false;
    for (auto& e : (*reg)["children"])
      has_app = has_app || e["name"] == "application/" + app;
    EXPECT_EQ(has_app, ids[i] == owner) << "the entity is listed on its owner only (" << ids[i] << ")";
    std::set<std::string> system;
    for (auto& a : t["system"])
      system.insert(a["name"].get<std::string>());
    EXPECT_TRUE(system.count("ingress") && system.count("membership")) << t["system"].dump();
  }
  auto [rc, table] = ctl(nodes[2]->port, env.admin, "actors " + ids[1]);
  EXPECT_EQ(rc, 0) << table;
  for (auto word : {"ACTOR", "MAILBOX", "MSG/S", "persistence", "journal", "registry", "supervisor", "pool"})
    EXPECT_NE(table.find(word), std::string::npos) << word << " in\n" << table;

  // The entity's state, PII masked, from a node that is not its owner.
  size_t other = ids[0] == owner ? 1 : 0;
  auto e = http[other]->get("/admin/api/entities/application/" + app, env.admin);
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_EQ(e.json_body["node_id"], owner);
  EXPECT_EQ(e.json_body["state"]["status"], "submitted");
  EXPECT_EQ(e.json_body["seq"], 1);
  EXPECT_TRUE(e.json_body["actor"]["id"].is_number());
  EXPECT_EQ(e.body.find("010-2345-6789"), std::string::npos) << e.body;
  EXPECT_EQ(e.body.find("jane.doe@example.com"), std::string::npos) << e.body;
  EXPECT_NE(e.body.find("thanks"), std::string::npos) << "the rest of the text stays: " << e.body;

  // Stop the outbox relay of node 1 through node 2: its supervisor restarts it.
  auto tree_of = [&](size_t via, const std::string& node) {
    return http[via]->get("/admin/api/nodes/" + node + "/actors", env.admin).json_body;
  };
  auto before = tree_of(2, ids[1]);
  ASSERT_TRUE(find_actor(before["root"], "relay")) << before.dump();
  auto relay = *find_actor(before["root"], "relay");
  auto stop =
      http[2]->post("/admin/api/nodes/" + ids[1] + "/actors/" + std::to_string(relay["id"].get<uint64_t>()) + "/stop",
                    json::object(), env.admin);
  ASSERT_EQ(stop.status, 200) << stop.body;
  EXPECT_EQ(stop.json_body["stopped"]["name"], "relay");
  EXPECT_EQ(stop.json_body["stopped"]["supervisor"], "persistence");
  json relay2;
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
    auto now = tree_of(0, ids[1]);
    auto* r = find_actor(now["root"], "relay");
    if (!r || !(*r)["running"].get<bool>() || (*r)["id"] == relay["id"])
      return false;
    relay2 = *r;
    return true;
  }));
  EXPECT_EQ(relay2["restarts"], relay["restarts"].get<int>() + 1);

  // Stop the entity with hirehubctl: the registry forgets it; it answers again from the journal.
  auto ent = e.json_body["actor"]["id"].get<uint64_t>();
  auto [src, sout] = ctl(nodes[0]->port, env.admin, "stop " + owner + " " + std::to_string(ent));
  EXPECT_EQ(src, 0) << sout;
  EXPECT_NE(sout.find("application/" + app), std::string::npos) << sout;
  auto again = http[2]->get("/api/v1/applications/" + app, company_tok);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json_body["seq"], 1);
  auto e2 = http[other]->get("/admin/api/entities/application/" + app, env.admin);
  ASSERT_EQ(e2.status, 200) << e2.body;
  EXPECT_NE(e2.json_body["actor"]["id"], e.json_body["actor"]["id"]) << "a new incarnation";

  // Refusals, none of which changes anything.
  auto t1 = tree_of(0, ids[1]);
  uint64_t ingress_id = 0;
  for (auto& a : t1["system"])
    if (a["name"] == "ingress")
      ingress_id = a["id"].get<uint64_t>();
  auto base = "/admin/api/nodes/" + ids[1] + "/actors";
  auto jobseeker = token(uuid(), "jobseeker");
  EXPECT_EQ(http[0]->get(base).status, 401);
  EXPECT_EQ(http[0]->get(base, jobseeker).status, 403);
  EXPECT_EQ(http[0]->get(base, company_tok).status, 403);
  EXPECT_EQ(http[0]->post(base + "/1/stop", json::object(), jobseeker).status, 403);
  EXPECT_EQ(http[0]->get("/admin/api/entities/application/" + app, company_tok).status, 403);
  EXPECT_EQ(http[0]->get("/admin/api/nodes/no-such-node/actors", env.admin).status, 404);
  EXPECT_EQ(http[0]->post(base + "/abc/stop", json::object(), env.admin).status, 400);
  EXPECT_EQ(http[0]->post(base + "/0/stop", json::object(), env.admin).status, 400);
  EXPECT_EQ(http[0]->post(base + "/99999999/stop", json::object(), env.admin).status, 404);
  auto ing = http[0]->post(base + "/" + std::to_string(ingress_id) + "/stop", json::object(), env.admin);
  EXPECT_EQ(ing.status, 409) << ing.body;
  auto* db1 = find_actor(t1["root"], "db");
  ASSERT_TRUE(db1 && !(*db1)["children"].empty());
  auto worker = (*db1)["children"][0]["id"].get<uint64_t>();
  auto w = http[0]->post(base + "/" + std::to_string(worker) + "/stop", json::object(), env.admin);
  EXPECT_EQ(w.status, 409) << w.body;
  EXPECT_EQ(http[0]->get("/admin/api/entities/job/" + app, env.admin).status, 400);
  EXPECT_EQ(http[0]->get("/admin/api/entities/application/not-a-uuid", env.admin).status, 404);
  EXPECT_EQ(http[0]->get("/admin/api/entities/application/" + uuid(), env.admin).status, 404);
  EXPECT_EQ(http[0]->get("/admin/api/entities/resume/" + uuid(), env.admin).status, 404) << "no pipeline running";
  EXPECT_EQ(env.db.count("SELECT count(*) FROM application_events WHERE application_id = '" + app + "'"), 1);
  auto t2 = tree_of(0, ids[1]);
  for (auto& a : t2["system"]) {
    if (a["name"] == "ingress") {
      EXPECT_EQ(a["id"], ingress_id) << "the refused stop left the ingress alone";
    }
  }

  // A dead letter: hirehubctl lists it with its error; the console's view counts it.
  env.db.exec(
      "INSERT INTO notifications (event_id, event_type, user_id, channel, title, content, status, error_message) "
      "VALUES (gen_random_uuid(), 'application.submitted', gen_random_uuid(), 'email', 't', 'c', 'failed', "
      "'smtp 550 mailbox unavailable')");
  auto [drc, dout] = ctl(nodes[1]->port, env.admin, "dead-letters");
  EXPECT_EQ(drc, 0) << dout;
  EXPECT_NE(dout.find("smtp 550 mailbox unavailable"), std::string::npos) << dout;

  // The live view for the console: admins only, one frame with every node's tree.
  ws_client nosy{nodes[0]->port, company_tok};
  ASSERT_TRUE(nosy.open());
  nosy.send(json({{"op", "subscribe"}, {"topic", "cluster"}}).dump());
  auto refused = nosy.read_until([](const json& f) { return f.value("type", "") == "error"; });
  ASSERT_TRUE(refused);
  EXPECT_EQ((*refused)["error"]["code"], "forbidden");
  ws_client ws{nodes[1]->port, env.admin};
  ASSERT_TRUE(ws.open());
  ws.send(json({{"op", "subscribe"}, {"topic", "cluster"}, {"after_seq", 3}}).dump());
  auto bad = ws.read_until([](const json& f) { return f.value("type", "") == "error"; });
  ASSERT_TRUE(bad);
  EXPECT_EQ((*bad)["error"]["code"], "bad_request");
  ws.send(json({{"op", "subscribe"}, {"topic", "cluster"}}).dump());
  auto view = ws.read_until([](const json& f) { return f.value("type", "") == "cluster"; });
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)["node_id"], ids[1]);
  EXPECT_EQ((*view)["nodes"].size(), 3u);
  EXPECT_EQ((*view)["shards"].size(), 64u);
  for (auto& id : ids) {
    ASSERT_TRUE((*view)["actors"].contains(id)) << id;
    EXPECT_EQ((*view)["actors"][id]["root"]["name"], "node") << id;
  }
  EXPECT_TRUE((*view)["dead_letters"]["resumes"].is_number());
  EXPECT_GE((*view)["dead_letters"]["notifications"].get<int64_t>(), 1);
  auto next = ws.read_until([](const json& f) { return f.value("type", "") == "cluster"; });
  ASSERT_TRUE(next) << "the view is refreshed";
  EXPECT_GT((*next)["seq"].get<int64_t>(), (*view)["seq"].get<int64_t>());
}

TEST(cluster, the_admin_console_drains_a_node_by_a_click_in_headless_chromium) {
  cluster_env env;
  auto cl = start_cluster(env);
  ASSERT_FALSE(HasFailure());
  auto dir = std::string(HIREHUB_SOURCE_DIR) + "/tests/browser";
  auto page = http_client{cl.nodes[0]->port}.get("/admin");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("HireHub cluster console"), std::string::npos);
  auto [rc, out] =
      run("cd " + dir + " && timeout 120 node console_test.mjs --url http://127.0.0.1:" +
          std::to_string(cl.nodes[0]->port) + " --token '" + env.admin + "' --drain " + cl.ids[2] + " --nodes 3");
  std::cout << out;
  ASSERT_EQ(rc, 0) << out;
  // The cluster agrees with what the page showed.
  EXPECT_EQ(env.owners(cl.nodes[1]->port).count(cl.ids[2]), 0u);
  EXPECT_EQ(env.nodes(cl.nodes[1]->port)[cl.ids[2]]["status"], "draining");
  EXPECT_TRUE(eventually(std::chrono::seconds(10), [&] {
    return balanced(env.owners(cl.nodes[1]->port), {cl.ids[0], cl.ids[1]});
  }));
}

TEST(cluster, every_node_follows_resume_chunks_and_templates_changed_on_another) {
  cluster_env env;
  env.node_env["HIREHUB_RESUME_STORAGE_DIR"] = temp_dir() + "/files";
  auto cl = start_cluster(env, 2);
  ASSERT_FALSE(HasFailure());
  auto& http = cl.http;
  // A user for the resume. Password hashing is slow on a busy box: a signup that timed out (503)
  // may still have committed, so a client retries and, told the address is taken, logs in.
  auto email = "minji-" + uuid().substr(0, 8) + "@example.com";
  http_result su;
  for (int attempt = 0; attempt < 5; ++attempt) {
    su = http[0]->post("/api/v1/auth/signup",
                       {{"email", email}, {"password", "a-good-password"}, {"role", "jobseeker"}, {"name", "Minji"}},
                       "");
    if (su.status == 409)
      su = http[0]->post("/api/v1/auth/login", {{"email", email}, {"password", "a-good-password"}}, "");
    if (su.status != 503)
      break;
  }
  ASSERT_TRUE(su.status == 201 || su.status == 200) << su.body;
  api_user seeker{su.json_body["user"]["id"], su.json_body["access_token"], ""};
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
TEST(cluster, a_rolling_restart_under_load_loses_nothing_and_answers_only_2xx_or_503) {
  cluster_env env;
  auto cl = start_cluster(env);
  ASSERT_FALSE(HasFailure());
  auto company = uuid();
  auto company_tok = token(company, "company");
  auto job = cl.http[0]->post("/api/v1/jobs", {{"title", "Release Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto job_id = job.json_body["id"].get<std::string>();

  // Three clients, each on one node, keep applying while every node in turn is
  // stopped (SIGTERM) and a new one started in its place. A client whose node is
  // being replaced waits for it; the others keep going.
  struct outcome {
    std::string app;
    int submit = 0;
    bool retry_after = true;
  };
  std::mutex mtx;
  std::vector<outcome> done;
  std::atomic<bool> stop{false};
  std::atomic<int> restarting{-1};
  std::vector<std::atomic<int>> ports(3);
  for (int k = 0; k < 3; ++k)
    ports[k] = cl.nodes[k]->port;
  const int per_client = 2500;  // more than the restarts take: the load spans all three
  std::vector<std::string> seekers(3 * per_client);
  for (auto& s : seekers)
    s = uuid();
  auto resumes = env.db.resumes_of(seekers);
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t)
    clients.emplace_back([&, t] {
      int i = 0;
      while (!stop && i < per_client) {
        if (restarting == t) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
          continue;
        }
        http_client c{ports[t]};
        for (; i < per_client && !stop && restarting != t; ++i) {
          outcome o;
          try {
            auto r = c.post("/api/v1/applications",
                            {{"job_id", job_id}, {"resume_id", resumes[t * per_client + i]}},
                            token(seekers[t * per_client + i], "jobseeker"));
            o.submit = r.status;
            if (r.status == 201)
              o.app = r.json_body["id"];
            if (r.status == 503)
              o.retry_after = !r.headers["Retry-After"].empty();
          } catch (const std::exception&) {
            break;  // the connection closed as its node stopped: not an answer; a new one is made
          }
          std::lock_guard<std::mutex> g{mtx};
          done.push_back(o);
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  for (int k = 0; k < 3; ++k) {
    restarting = k;
    EXPECT_EQ(cl.nodes[k]->stop(), 0) << "node " << k << " did not stop cleanly";
    cl.nodes[k] = env.start();
    ports[k] = cl.nodes[k]->port;
    restarting = -1;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  size_t before_end = 0;
  {
    std::lock_guard<std::mutex> g{mtx};
    before_end = done.size();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto& c : clients)
    c.join();

  int ok = 0, refused = 0;
  std::string accepted;
  for (auto& o : done) {
    // Nothing but an acceptance or a clean refusal that says when to come back.
    EXPECT_TRUE(o.submit == 201 || o.submit == 503) << o.submit;
    EXPECT_TRUE(o.retry_after) << "a 503 without Retry-After";
    if (o.submit != 201) {
      ++refused;
      continue;
    }
    ++ok;
    accepted += (accepted.empty() ? "('" : ", ('") + o.app + "'::uuid)";
  }
  ASSERT_GT(ok, 50) << "the load did not get going";
  ASSERT_GT(done.size(), before_end) << "the load ended before the last node was replaced";
  // Every acceptance is in the journal exactly once, and answers on the new nodes.
  EXPECT_EQ(env.db.count("SELECT count(*) FROM (VALUES " + accepted +
                         ") v(id) WHERE (SELECT count(*) FROM application_events e WHERE e.application_id = v.id AND "
                         "e.event_type = 'submitted') <> 1"),
            0);
  http_client a{cl.nodes[1]->port};
  for (auto& o : done)
    if (o.submit == 201) {
      auto g = a.get("/api/v1/applications/" + o.app, company_tok);
      ASSERT_EQ(g.status, 200) << g.body;
    }
  std::cout << "[ rolling ] accepted " << ok << ", refused " << refused << " of " << done.size() << std::endl;
}

// PostgreSQL out of reach for longer than cluster.dead_after_ms: no node could beat,
// and when it is back none is declared dead for that silence (they used to stop,
// all of them); the nodes serve again, across nodes, without a restart.
TEST(cluster, a_database_outage_longer_than_dead_after_declares_nobody_dead) {
  if (!pg_server::available())
    GTEST_SKIP() << "run through tests/run.sh (HIREHUB_TEST_PG_DATA, HIREHUB_TEST_PG_CTL, HIREHUB_TEST_PG_PORT)";
  cluster_env env;
  auto cl = start_cluster(env, 2);
  ASSERT_FALSE(HasFailure());
  auto company_tok = token(uuid(), "company");
  auto job = cl.http[0]->post("/api/v1/jobs", {{"title", "Database Reliability Engineer"}}, company_tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto job_id = job.json_body["id"].get<std::string>();
  std::vector<std::string> seekers(40);
  for (auto& s : seekers)
    s = uuid();
  auto resumes = env.db.resumes_of(seekers);
  {
    pg_server pg;
    pg.stop();
    std::this_thread::sleep_for(std::chrono::seconds(5));  // dead_after is 2 s
    pg.start();
  }
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] {
    return cl.http[0]->get("/ready").status == 200 && cl.http[1]->get("/ready").status == 200;
  }));
  // Both nodes stay members (a dead one would stop itself within a beat or two).
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(cl.nodes[0]->alive());
  EXPECT_TRUE(cl.nodes[1]->alive());
  EXPECT_EQ(env.db.count("SELECT count(*) FROM cluster_nodes WHERE node_id IN ('" + cl.ids[0] + "', '" + cl.ids[1] +
                         "') AND status = 'dead'"),
            0);
  // And they serve across nodes again: every application, submitted on either, reads on the other.
  ASSERT_TRUE(eventually(std::chrono::seconds(20), [&] { return balanced(env.owners(cl.nodes[0]->port), cl.ids); }));
  for (size_t i = 0; i < seekers.size(); ++i) {
    auto r = cl.http[i % 2]->post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", resumes[i]}},
                                  token(seekers[i], "jobseeker"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto g = cl.http[(i + 1) % 2]->get("/api/v1/applications/" + r.json_body["id"].get<std::string>(), company_tok);
    EXPECT_EQ(g.status, 200) << g.body;
  }
}

// The coordinator paused (SIGSTOP: a frozen VM, a stalled process) keeps its
// PostgreSQL session open; its lock must not outlive its beats: another node takes
// over, declares it dead and takes its shards; woken up, it stops.
TEST(cluster, a_paused_coordinator_is_declared_dead_and_another_takes_over) {
  cluster_env env;
  auto a = env.start();  // first: it takes the coordinator's lock
  auto ida = env.id_of(a->port);
  auto b = env.start();
  auto idb = env.id_of(b->port);
  ASSERT_TRUE(eventually(std::chrono::seconds(15), [&] { return balanced(env.owners(b->port), {ida, idb}); }));
  ASSERT_TRUE(env.nodes(b->port)[ida]["coordinator"].get<bool>());
  a->signal(SIGSTOP);
  EXPECT_TRUE(eventually(std::chrono::seconds(20), [&] {
    auto n = env.nodes(b->port);
    return n[ida]["status"] == "dead" && n[idb]["coordinator"] == true && balanced(env.owners(b->port), {idb});
  }));
  a->signal(SIGCONT);
  EXPECT_TRUE(eventually(std::chrono::seconds(15), [&] { return !a->alive(); })) << "see " << a->log_path();
}
