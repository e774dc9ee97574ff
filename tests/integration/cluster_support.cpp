#include "integration/cluster_support.hpp"

#include <cstdio>
#include <sys/wait.h>

#include <gtest/gtest.h>

namespace hh_test {

std::map<std::string, json> cluster_env::nodes(int port) {
  http_client c{port};
  auto r = c.get("/admin/api/nodes", admin);
  EXPECT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> out;
  for (auto& n : r.json_body["items"])
    out[n["node_id"]] = n;
  return out;
}

std::vector<json> cluster_env::shards(int port) {
  http_client c{port};
  auto r = c.get("/admin/api/shards", admin);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json_body["items"].get<std::vector<json>>();
}

std::string cluster_env::id_of(int port) {
  return db.scalar("SELECT node_id FROM cluster_nodes WHERE http_url LIKE '%:" + std::to_string(port) +
                   "' AND status <> 'left' AND status <> 'dead'");
}

std::map<std::string, int> cluster_env::owners(int port) {
  std::map<std::string, int> out;
  for (auto& s : shards(port))
    if (!s["owner"].is_null())
      ++out[s["owner"].get<std::string>()];
  return out;
}

std::pair<int, std::string> ctl(int port, const std::string& tok, const std::string& args) {
  return run(std::string(HIREHUBCTL_BIN) + " --url http://127.0.0.1:" + std::to_string(port) + " --token '" + tok +
             "' " + args);
}

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

const json* find_actor(const json& a, const std::string& name) {
  if (a.value("name", "") == name)
    return &a;
  if (a.contains("children"))
    for (auto& c : a["children"])
      if (auto* x = find_actor(c, name))
        return x;
  return nullptr;
}

double metric(int port, const std::string& series) {
  http_client c{port};
  auto body = c.get("/metrics", metrics_token).body;
  auto at = body.find("\n" + series + " ");
  if (at == std::string::npos)
    return 0;
  return std::stod(body.substr(at + series.size() + 2));
}

bool balanced(const std::map<std::string, int>& owners, const std::vector<std::string>& expect, int total) {
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

running_cluster start_cluster(cluster_env& env, int n) {
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

}  // namespace hh_test
