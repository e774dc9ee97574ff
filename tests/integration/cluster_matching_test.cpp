// Matching across nodes: a job's match actor lives on the node that holds its shard;
// any node answers its list, and when that node is killed (-9) the actor starts
// again on another node from the matches table and answers the same list.
#include <gtest/gtest.h>

#include "cluster/shard.hpp"
#include "integration/cluster_support.hpp"

using namespace hh_test;

TEST(cluster, a_jobs_match_actor_answers_from_another_node_when_its_node_is_killed) {
  cluster_env env;
  auto cl = start_cluster(env, 2);
  ASSERT_FALSE(HasFailure());
  auto& http = cl.http;
  auto hr = sign_up_with(*http[0], json{{"role", "company"}, {"name", "HR"}, {"company", {{"name", "Both Nodes Co"}}}});
  // Two candidates in the pool (resumes as the pipeline stores them), then the job (the scorer
  // reads the pool's changes before it scores).
  auto parsed = [](std::vector<std::pair<std::string, double>> skills, double years) {
    json sk = json::array();
    for (const auto& [name, y] : skills)
      sk.push_back({{"name", name},
                    {"category", ""},
                    {"proficiency", nullptr},
                    {"years", nullptr},
                    {"source", "experience"},
                    {"years_from_experience", y}});
    return json{{"experiences", json::array()},    {"educations", json::array()}, {"skills", sk},
                {"certifications", json::array()}, {"years_experience", years},   {"language", "en"}};
  };
  auto strong = env.db.resume_of(uuid(), parsed({{"Go", 5}, {"Kafka", 4}}, 6));
  auto weak = env.db.resume_of(uuid(), parsed({{"Go", 1}}, 1));
  auto job =
      http[0]->post("/api/v1/jobs",
                    {{"title", "Backend Engineer"},
                     {"experience_min", 3},
                     {"experience_max", 8},
                     {"skills", {{{"name", "Go"}, {"required", true}}, {{"name", "Kafka"}, {"required", true}}}}},
                    hr.tok);
  ASSERT_EQ(job.status, 201) << job.body;
  auto job_id = job.json_body["id"].get<std::string>();
  auto list = [&](size_t i) {
    auto r = http[i]->get("/api/v1/jobs/" + job_id + "/matches", hr.tok);
    std::vector<std::string> ids;
    if (r.status == 200)
      for (const auto& it : r.json_body["items"])
        ids.push_back(it["resume_id"]);
    return std::make_pair(r.status, ids);
  };
  const std::vector<std::string> expected{strong, weak};
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return list(0).second == expected; }))
      << list(0).first << " " << json(list(0).second).dump();
  EXPECT_EQ(list(1).second, expected) << "the other node forwards to the actor's node";

  // Kill the node holding the job's shard; the other answers the same list.
  std::map<int, std::string> owner;
  for (auto& s : env.shards(cl.nodes[0]->port))
    owner[s["shard"].get<int>()] = s["owner"].get<std::string>();
  auto holder = owner[hirehub::cluster::shard_of(job_id, 64)];
  size_t dead = holder == cl.ids[0] ? 0 : 1, alive = 1 - dead;
  cl.nodes[dead]->kill9();
  ASSERT_TRUE(eventually(std::chrono::seconds(30), [&] { return list(alive).second == expected; }))
      << "after the kill: " << list(alive).first;
  auto r = http[alive]->get("/api/v1/jobs/" + job_id + "/matches", hr.tok);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.json_body["items"][0]["candidate"].is_object());
  EXPECT_NE(r.json_body["items"][0]["reasoning"].get<std::string>().find("2 of 2 required"), std::string::npos);
}
