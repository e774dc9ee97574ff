#pragma once
// What the cluster tests share: a cluster environment (one PostgreSQL database, one
// broker, node processes), its admin views, hirehubctl, and a started cluster.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/harness.hpp"

namespace hh_test {

struct cluster_env {
  database db;
  broker kafka;
  std::map<std::string, std::string> node_env{{"HIREHUB_KAFKA_GROUP_PREFIX", "cluster-" + uuid().substr(0, 8)},
                                              {"HIREHUB_KAFKA_SESSION_TIMEOUT_MS", "3000"}};
  std::string admin = token(uuid(), "admin");

  std::unique_ptr<node> start() { return std::make_unique<node>(db, kafka, node_env); }

  /// node id -> {status, shards, coordinator} as one node's admin API reports them.
  std::map<std::string, json> nodes(int port);
  std::vector<json> shards(int port);
  /// The node id of the node serving on `port` (its advertised URL names the port).
  std::string id_of(int port);
  /// owner -> shards owned (only owners with a valid lease appear).
  std::map<std::string, int> owners(int port);
};

/// Runs a shell command; returns its exit code and its output (stdout + stderr).
std::pair<int, std::string> run(const std::string& cmd);

/// Runs hirehubctl against the node on `port`; returns its exit code and output.
std::pair<int, std::string> ctl(int port, const std::string& tok, const std::string& args);

/// The actor named `name` in a tree (depth first), or null.
const json* find_actor(const json& a, const std::string& name);

/// The value of one series in a node's /metrics (0 when absent).
double metric(int port, const std::string& series);

/// Whether `owners` are exactly `expect`, each with a fair share of `total` shards.
bool balanced(const std::map<std::string, int>& owners, const std::vector<std::string>& expect, int total = 64);

/// Three (or `n`) nodes sharing the shards fairly, with an HTTP client each.
struct running_cluster {
  std::vector<std::unique_ptr<node>> nodes;
  std::vector<std::string> ids;
  std::vector<std::unique_ptr<http_client>> http;
};

running_cluster start_cluster(cluster_env& env, int n = 3);

}  // namespace hh_test
