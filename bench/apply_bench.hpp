#pragma once
// The apply benchmark's parts (bench/apply_e2e.cpp drives the node; apply_floors.cpp
// measures what no design of HireHub can skip): its options, and the floors.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

namespace hh_bench::apply {

struct options {
  int port = 8080;
  std::vector<int> ports;  ///< --ports: connections spread over these nodes (the WebSocket on the first)
  std::string db_url;
  std::string kafka_bootstrap;  ///< for the Kafka floor (skipped when empty)
  long node_pid = 0;            ///< for the CPU split by process (0: not split)
  long broker_pid = 0;
  std::string secret = "dev-secret-change-me";
  int connections = 64;
  int seconds = 10;
  int jobs = 200000;
  int hot_jobs = 0;  ///< > 0: every application goes to one of the first hot_jobs jobs (popular postings)
  double load_factor = 0.7;
};

std::string token(const std::string& sub, const std::string& role, const std::string& secret);

/// The node a benchmark thread `t` connects to (round robin over --ports).
int port_of(const options& o, int t);

/// The raw PostgreSQL ceiling: the three rows of `apps` applications with batched
/// multi-row INSERTs, applications per second.
double raw_pg_ceiling(const options& opt, const std::string& company, int apps);

/// The box's processes by role, with the CPU each had used so far: the node, the
/// broker, this load generator and every PostgreSQL process, named by its
/// connection's application_name (the node names each connection by its role) or
/// its kind (walwriter, autovacuum worker, ...).
struct cpu_snapshot {
  std::map<long, std::pair<std::string, double>> by_pid;  ///< pid -> role, CPU seconds
  double box = 0;
};
cpu_snapshot take_cpu_snapshot(pqxx::connection& conn, long node_pid, long broker_pid);

/// "node 256 us; PostgreSQL 310 us (hirehub-journal 135, ...); ...": the CPU each role
/// used between the snapshots, per application.
std::string cpu_split(const cpu_snapshot& a, const cpu_snapshot& b, size_t apps);

struct floor_result {
  double rate = 0;    ///< per second
  double cpu_us = 0;  ///< busy CPU of the box per unit, microseconds
};
floor_result http_floor(const options& opt, int seconds);
floor_result pg_floor(const options& opt, const std::vector<std::string>& jobs, const std::string& company, int apps);
floor_result kafka_floor(const options& opt, int messages);

}  // namespace hh_bench::apply
