// The cluster admin API and console: it refuses non-admins and unknown or finished
// nodes; admins see every node's actors, stop one and inspect an entity from any
// node; the console drains a node by a click (headless Chromium).
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
