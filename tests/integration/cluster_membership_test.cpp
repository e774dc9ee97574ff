// Membership and shard leases with real node processes sharing one PostgreSQL and
// one broker: nodes register and split the shards fairly with one coordinator; a
// dead node's shards move with a higher epoch; a paused node that wakes after it was
// declared dead stops; draining, joining and leaving; a rolling restart under load; a
// database outage longer than dead_after; a paused coordinator.
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
            auto r = c.post("/api/v1/applications", {{"job_id", job_id}, {"resume_id", resumes[t * per_client + i]}},
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
