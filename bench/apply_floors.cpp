// The floors of the apply benchmark: what the box's CPU spends, per application, on
// the parts of the flow no design of HireHub can skip, each measured alone, and the
// raw PostgreSQL ceiling (see bench/apply_e2e.cpp).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>
#include <librdkafka/rdkafkacpp.h>
#include <pqxx/pqxx>

#include "bench/bench_support.hpp"
#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

#include <unistd.h>

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

#include "bench/apply_bench.hpp"

namespace hh_bench::apply {

using hh_bench::connection;

namespace {

double box_busy_seconds() {
  std::ifstream f{"/proc/stat"};
  std::string cpu;
  long long v[8] = {};
  f >> cpu;
  for (auto& x : v)
    f >> x;
  return static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// CPU seconds a process has used so far (utime + stime), 0 when it is gone.
double process_cpu_seconds(long pid) {
  std::ifstream f{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (pid <= 0 || !std::getline(f, line))
    return 0;
  // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
  std::istringstream rest{line.substr(line.rfind(')') + 2)};
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14)
      ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

std::string token(const std::string& sub, const std::string& role, const std::string& secret) {
  hirehub::jwt::claims c{
      sub, role, role == "company" ? sub : "", "hirehub", std::time(nullptr), std::time(nullptr) + 7200, ""};
  return hirehub::jwt::sign(c, secret);
}

int port_of(const options& o, int t) {
  return o.ports.empty() ? o.port : o.ports[static_cast<size_t>(t) % o.ports.size()];
}

double raw_pg_ceiling(const options& opt, const std::string& company, int apps) {
  pqxx::connection conn{opt.db_url};
  {
    // Jobs the raw inserts can reference.
    pqxx::work w{conn};
    w.exec("CREATE TEMP TABLE IF NOT EXISTS bench_ids (n int)");
    w.commit();
  }
  std::vector<std::string> jobs;
  {
    pqxx::work w{conn};
    auto r = w.exec("SELECT id::text FROM jobs ORDER BY created_at DESC LIMIT 1");
    jobs.push_back(r[0][0].as<std::string>());
    w.commit();
  }
  const int batch = 500;
  auto start = clock_type::now();
  for (int done = 0; done < apps; done += batch) {
    pqxx::work w{conn};
    std::string a, e, o;
    for (int k = 0; k < batch; ++k) {
      auto id = hirehub::ids::random_uuid();
      auto user = hirehub::ids::random_uuid();
      auto ev = hirehub::ids::random_uuid();
      a += (a.empty() ? "" : ",") +
           ("('" + id + "','" + jobs[0] + "','" + user + "','" + company + "','" + user + "',NULL,'submitted')");
      e += (e.empty() ? "" : ",") + ("('" + ev + "','" + id + "',1,'submitted',NULL,'submitted','" + user +
                                     "','jobseeker',NULL,'{\"job_id\":\"" + jobs[0] + "\"}'::jsonb, now())");
      o += (o.empty() ? "" : ",") +
           ("('application.submitted','" + id + "','{\"event_id\":\"" + ev + "\"}'::jsonb, now())");
    }
    w.exec("INSERT INTO applications (id, job_id, user_id, company_id, resume_id, cover_letter, status) VALUES " + a);
    w.exec(
        "INSERT INTO application_events (id, application_id, seq, event_type, from_status, to_status, actor_id, "
        "actor_type, reason, payload, created_at) VALUES " +
        e);
    w.exec("INSERT INTO outbox (topic, key, payload, published_at) VALUES " + o);
    w.commit();
  }
  auto secs = std::chrono::duration<double>(clock_type::now() - start).count();
  return apps / secs;
}

/// Busy CPU seconds of the whole box so far, all cores (/proc/stat: user, nice,
/// system, irq, softirq, steal).

cpu_snapshot take_cpu_snapshot(pqxx::connection& conn, long node_pid, long broker_pid) {
  cpu_snapshot snap;
  snap.box = box_busy_seconds();
  pqxx::nontransaction q{conn};
  for (auto row : q.exec("SELECT pid, CASE WHEN backend_type = 'client backend' THEN COALESCE(NULLIF("
                         "application_name, ''), 'other connections') ELSE backend_type END FROM pg_stat_activity"))
    snap.by_pid[row[0].as<long>()] = {"PostgreSQL:" + row[1].as<std::string>(), process_cpu_seconds(row[0].as<long>())};
  snap.by_pid[node_pid] = {"node", process_cpu_seconds(node_pid)};
  snap.by_pid[broker_pid] = {"broker", process_cpu_seconds(broker_pid)};
  snap.by_pid[getpid()] = {"load generator", process_cpu_seconds(getpid())};
  return snap;
}

/// "node 256 us; PostgreSQL 310 us (hirehub-journal 135, ...); ...": the CPU each role
/// used between the snapshots, per application (a process that started in between
/// counts from 0; one that ended in between is missed, and falls in the rest).
std::string cpu_split(const cpu_snapshot& a, const cpu_snapshot& b, size_t apps) {
  std::map<std::string, double> role;
  double named = 0;
  for (auto& [pid, entry] : b.by_pid) {
    if (pid <= 0)
      continue;
    auto before = a.by_pid.find(pid);
    double d = entry.second - (before == a.by_pid.end() ? 0.0 : before->second.second);
    role[entry.first] += d;
    named += d;
  }
  auto us = [&](double secs) { return 1e6 * secs / static_cast<double>(std::max<size_t>(apps, 1)); };
  std::string parts;
  double pg = 0;
  std::vector<std::pair<double, std::string>> pg_roles;
  for (auto& [name, secs] : role)
    if (name.rfind("PostgreSQL:", 0) == 0) {
      pg += secs;
      pg_roles.emplace_back(secs, name.substr(11));
    }
  std::sort(pg_roles.rbegin(), pg_roles.rend());
  for (auto& [secs, name] : pg_roles)
    if (us(secs) >= 0.5)
      parts += (parts.empty() ? "" : ", ") + name + " " + std::to_string(std::lround(us(secs)));
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "node %.0f us; PostgreSQL %.0f us (%s); broker %.0f us; load generator %.0f us; rest of the box %.0f us",
      us(role["node"]), us(pg), parts.c_str(), us(role["broker"]), us(role["load generator"]),
      us(b.box - a.box - named));
  return buf;
}

/// The gateway's floor: GET /health over the benchmark's connections for `seconds`
/// (each request parsed by Beast and answered by a request actor of its own).
floor_result http_floor(const options& opt, int seconds) {
  std::atomic<bool> stop{false};
  std::atomic<size_t> done{0};
  auto busy0 = box_busy_seconds();
  auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < opt.connections; ++t)
    threads.emplace_back([&, t] {
      connection c{port_of(opt, t)};
      size_t n = 0;
      while (!stop)
        n += c.get("/health", "", nullptr) == 200 ? 1 : 0;
      done += n;
    });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  auto n = static_cast<double>(std::max<size_t>(done, 1));
  return {n / secs, 1e6 * (box_busy_seconds() - busy0) / n};
}

/// PostgreSQL's floor: the rows one application must leave behind, written the
/// cheapest way (COPY, 500 applications a transaction, one connection): the
/// application, its event, its outbox row (then marked published), and the
/// company's in-app notification numbered in its inbox.
floor_result pg_floor(const options& opt, const std::vector<std::string>& jobs, const std::string& company, int apps) {
  pqxx::connection conn{opt.db_url};
  const int batch = 500;
  int64_t inbox = 0;
  {
    pqxx::work w{conn};
    auto r = w.exec_params(
        "INSERT INTO notification_inbox_counters AS c (user_id, last_seq) VALUES ($1::uuid, 0) ON CONFLICT "
        "(user_id) DO UPDATE SET last_seq = c.last_seq RETURNING last_seq",
        company);
    inbox = r[0][0].as<int64_t>();
    w.commit();
  }
  auto busy0 = box_busy_seconds();
  auto start = clock_type::now();
  for (int done = 0; done < apps; done += batch) {
    pqxx::work w{conn};
    auto last = w.exec("SELECT COALESCE(max(id), 0) FROM outbox")[0][0].as<int64_t>();
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> ids;  // application, user, event, job
    for (int k = 0; k < batch; ++k)
      ids.emplace_back(hirehub::ids::random_uuid(), hirehub::ids::random_uuid(), hirehub::ids::random_uuid(),
                       jobs[static_cast<size_t>(done + k) % jobs.size()]);
    // One stream at a time (libpqxx 6).
    {
      pqxx::stream_to a{w, "applications",
                        std::vector<std::string>{"id", "job_id", "user_id", "company_id", "resume_id", "status"}};
      for (auto& [id, user, ev, job] : ids)
        a << std::make_tuple(id, job, user, company, user, std::string{"submitted"});
      a.complete();
    }
    {
      pqxx::stream_to e{w, "application_events",
                        std::vector<std::string>{"id", "application_id", "seq", "event_type", "to_status", "actor_id",
                                                 "actor_type", "payload"}};
      for (auto& [id, user, ev, job] : ids)
        e << std::make_tuple(ev, id, 1, std::string{"submitted"}, std::string{"submitted"}, user,
                             std::string{"jobseeker"}, "{\"job_id\":\"" + job + "\"}");
      e.complete();
    }
    {
      pqxx::stream_to o{w, "outbox", std::vector<std::string>{"topic", "key", "payload"}};
      for (auto& [id, user, ev, job] : ids)
        o << std::make_tuple(
            std::string{"application.submitted"}, id,
            "{\"event_id\":\"" + ev + "\",\"application_id\":\"" + id + "\",\"user_id\":\"" + user + "\"}");
      o.complete();
    }
    {
      pqxx::stream_to n{w, "notifications",
                        std::vector<std::string>{"event_id", "event_type", "user_id", "channel", "title", "content",
                                                 "data", "status", "sent_at", "delivered_at", "inbox_seq"}};
      for (auto& [id, user, ev, job] : ids)
        n << std::make_tuple(ev, std::string{"application.submitted"}, company, std::string{"in_app"},
                             std::string{"New applicant"}, std::string{"A jobseeker applied to Bench job"},
                             "{\"application_id\":\"" + id + "\"}", std::string{"delivered"}, std::string{"now"},
                             std::string{"now"}, ++inbox);
      n.complete();
    }
    w.exec_params("UPDATE outbox SET published_at = now() WHERE id > $1 AND published_at IS NULL", last);
    w.exec_params("UPDATE notification_inbox_counters SET last_seq = $2 WHERE user_id = $1::uuid", company, inbox);
    w.commit();
  }
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  return {apps / secs, 1e6 * (box_busy_seconds() - busy0) / apps};
}

std::unique_ptr<RdKafka::Conf> kafka_conf(const std::map<std::string, std::string>& kv) {
  std::unique_ptr<RdKafka::Conf> conf{RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL)};
  std::string err;
  for (auto& [k, v] : kv)
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK)
      throw std::runtime_error(k + ": " + err);
  return conf;
}

/// Kafka's floor: `messages` application-sized messages on application.submitted,
/// produced as the outbox relay does (idempotent, linger 1 ms) and read by two
/// consumers (each application is read by the company's notification and by the
/// job counters). The consumers read assigned partitions from their end, so no
/// group join is waited for.
floor_result kafka_floor(const options& opt, int messages) {
  const std::string topic = "application.submitted";
  std::string err;
  auto pconf = kafka_conf({{"bootstrap.servers", opt.kafka_bootstrap},
                           {"client.id", "bench-floor"},
                           {"enable.idempotence", "true"},
                           {"linger.ms", "1"}});
  std::unique_ptr<RdKafka::Producer> producer{RdKafka::Producer::create(pconf.get(), err)};
  if (!producer)
    throw std::runtime_error("kafka floor: " + err);
  RdKafka::Metadata* md = nullptr;
  std::unique_ptr<RdKafka::Topic> t{RdKafka::Topic::create(producer.get(), topic, nullptr, err)};
  if (producer->metadata(false, t.get(), &md, 10000) != RdKafka::ERR_NO_ERROR || md->topics()->empty())
    throw std::runtime_error("kafka floor: no metadata for " + topic);
  auto partitions = static_cast<int>(md->topics()->front()->partitions()->size());
  delete md;
  std::atomic<int> ready{0};
  std::atomic<bool> give_up{false};
  auto consume = [&](const std::string& group, size_t* seen) {
    auto conf = kafka_conf({{"bootstrap.servers", opt.kafka_bootstrap},
                            {"group.id", group},
                            {"enable.auto.commit", "false"},
                            {"fetch.wait.max.ms", "5"},
                            {"enable.partition.eof", "false"}});
    std::string e;
    std::unique_ptr<RdKafka::KafkaConsumer> c{RdKafka::KafkaConsumer::create(conf.get(), e)};
    if (!c)
      throw std::runtime_error("kafka floor: " + e);
    std::vector<RdKafka::TopicPartition*> tps;
    for (int p = 0; p < partitions; ++p)
      tps.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_END));
    c->assign(tps);
    RdKafka::TopicPartition::destroy(tps);
    // Reading from the end starts once the consumer has looked the end up.
    for (int i = 0; i < 20; ++i)
      delete c->consume(50);
    ++ready;
    while (*seen < static_cast<size_t>(messages) && !give_up) {
      std::unique_ptr<RdKafka::Message> m{c->consume(100)};
      if (m->err() == RdKafka::ERR_NO_ERROR)
        ++*seen;
    }
    c->close();
  };
  size_t seen_a = 0, seen_b = 0;
  std::thread ca{consume, "bench-floor-a", &seen_a};
  std::thread cb{consume, "bench-floor-b", &seen_b};
  while (ready < 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto busy0 = box_busy_seconds();
  auto start = clock_type::now();
  for (int i = 0; i < messages; ++i) {
    auto key = hirehub::ids::random_uuid();
    auto payload = "{\"event_id\":\"" + hirehub::ids::random_uuid() + "\",\"application_id\":\"" + key +
                   "\",\"job_id\":\"" + hirehub::ids::random_uuid() + "\",\"user_id\":\"" +
                   hirehub::ids::random_uuid() + "\",\"company_id\":\"" + hirehub::ids::random_uuid() +
                   "\",\"status\":\"submitted\",\"seq\":1}";
    while (producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY, payload.data(),
                             payload.size(), key.data(), key.size(), 0, nullptr) == RdKafka::ERR__QUEUE_FULL)
      producer->poll(10);
    producer->poll(0);
  }
  producer->flush(30000);
  auto deadline = clock_type::now() + std::chrono::seconds(60);
  while ((seen_a < static_cast<size_t>(messages) || seen_b < static_cast<size_t>(messages)) &&
         clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  double busy = box_busy_seconds() - busy0;
  give_up = true;
  ca.join();
  cb.join();
  if (seen_a < static_cast<size_t>(messages) || seen_b < static_cast<size_t>(messages))
    std::printf("kafka floor: only %zu and %zu of %d messages read\n", seen_a, seen_b, messages);
  return {messages / secs, 1e6 * busy / messages};
}

}  // namespace hh_bench::apply
