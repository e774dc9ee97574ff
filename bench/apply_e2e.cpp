// bench/apply_e2e: end-to-end apply throughput and latency against a running
// node (bench/apply_e2e.sh starts PostgreSQL, the broker and the node).
//
//   1. setup (not measured): N open jobs of one company, inserted with COPY (each
//      application goes to its own job; --hot-jobs K: all go to K popular ones);
//   2. peak: C keep-alive connections submit as fast as they can for T seconds;
//   3. at 70% of peak: an open-loop schedule (latency counted from the scheduled
//      send time, so queueing is not hidden) for T seconds, while the company's
//      WebSocket measures submit -> notification frame;
//   4. the raw PostgreSQL ceiling for the same three rows per application
//      (applications, application_events, outbox) with batched multi-row INSERTs;
//   5. floors: what the box's CPU spends, per application, on the parts of the flow
//      that no design of HireHub can skip, each measured alone on this box: an HTTP
//      request through the gateway (64 connections of GET /health: the load
//      generator, the kernel's loopback, Beast, a request actor) and every row the
//      flow must write (application, event, outbox row marked published, the
//      company's in-app notification with its inbox number) with COPY in batches
//      of 500; and the Kafka traffic of one application (one message produced the
//      way the relay does, read by two consumers: the flow's two subscriptions to
//      application.submitted). Their sum against the busy CPU per application of
//      the peak phase, and against the cores / target rate budget.
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
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <librdkafka/rdkafkacpp.h>
#include <pqxx/pqxx>

#include "bench/apply_bench.hpp"
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

namespace {

using hh_bench::connection;
using hh_bench::pct;
using namespace hh_bench::apply;

struct shared {
  options opt;
  std::vector<std::string> jobs;
  std::vector<std::string> seeker_tokens;
  std::vector<std::string> seeker_ids;
  std::vector<std::string> seeker_resumes;  ///< one resume of each jobseeker: an application names it
  std::atomic<size_t> next_job{0};
  /// How many distinct (job, jobseeker) pairs there are to apply with.
  size_t capacity() const {
    return opt.hot_jobs > 0 ? static_cast<size_t>(opt.hot_jobs) * seeker_ids.size() : jobs.size();
  }
  std::mutex mtx;
  std::unordered_map<std::string, clock_type::time_point> submitted_at;  // application id -> reply time
  /// Of the 70% phase's submits, on the box's wall clock (the rows' timestamps use it):
  /// application id -> when it was due, sent, answered (microseconds since the epoch).
  std::unordered_map<std::string, std::array<int64_t, 3>> submit_times;
  std::vector<std::pair<std::string, clock_type::time_point>> arrivals;  // company frames: application id, when
  std::atomic<bool> measuring_ws{false};
};

/// Microseconds since the epoch, by the wall clock.
int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// One submit; returns the application id ("" on failure).
std::string submit(shared& sh, connection& c, size_t i, int* status) {
  // Each application its own job; or, with --hot-jobs K, K jobs taking every jobseeker in turn.
  auto k = static_cast<size_t>(sh.opt.hot_jobs);
  auto job = k > 0 ? sh.jobs[i % k] : sh.jobs[i % sh.jobs.size()];
  auto u = (k > 0 ? i / k : i) % sh.seeker_tokens.size();
  nlohmann::json body = {{"job_id", job}, {"resume_id", sh.seeker_resumes[u]}};
  std::string out;
  *status = c.post("/api/v1/applications", body.dump(), sh.seeker_tokens[u], &out);
  if (*status != 201)
    return {};
  auto pos = out.find("\"id\":\"");
  return pos == std::string::npos ? std::string{} : out.substr(pos + 6, 36);
}

struct phase_result {
  size_t ok = 0;
  size_t errors = 0;
  double seconds = 0;
  std::vector<double> latency_ms;
};

phase_result run_closed(shared& sh, int seconds) {
  phase_result r;
  std::mutex mtx;
  std::atomic<bool> stop{false};
  auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < sh.opt.connections; ++t)
    threads.emplace_back([&, t] {
      connection c{port_of(sh.opt, t)};
      std::vector<double> lat;
      size_t ok = 0, err = 0;
      while (!stop) {
        auto i = sh.next_job++;
        if (i >= sh.capacity())
          break;
        auto t0 = clock_type::now();
        int status = 0;
        submit(sh, c, i, &status);
        lat.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        (status == 201 ? ok : err)++;
      }
      std::lock_guard<std::mutex> g{mtx};
      r.ok += ok;
      r.errors += err;
      r.latency_ms.insert(r.latency_ms.end(), lat.begin(), lat.end());
    });
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
}

phase_result run_open(shared& sh, double rate, int seconds, int conns) {
  phase_result r;
  std::mutex mtx;
  std::atomic<size_t> ticket{0};
  auto total = static_cast<size_t>(rate * seconds);
  auto start = clock_type::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < conns; ++t)
    threads.emplace_back([&, t] {
      connection c{port_of(sh.opt, t)};
      std::vector<double> lat;
      size_t ok = 0, err = 0;
      std::vector<std::pair<std::string, clock_type::time_point>> ids;
      std::vector<std::array<int64_t, 3>> times;
      for (;;) {
        auto k = ticket++;
        if (k >= total)
          break;
        auto scheduled = start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(k) / rate));
        std::this_thread::sleep_until(scheduled);
        auto i = sh.next_job++;
        if (i >= sh.capacity())
          break;
        int status = 0;
        auto sent = clock_type::now();
        auto id = submit(sh, c, i, &status);
        auto done = clock_type::now();
        // The wall clock at `done`, and the steady clock's points moved onto it.
        auto wall_us = [wall = wall_clock_us(), done](clock_type::time_point t) {
          return wall - std::chrono::duration_cast<std::chrono::microseconds>(done - t).count();
        };
        lat.push_back(std::chrono::duration<double, std::milli>(done - scheduled).count());
        (status == 201 ? ok : err)++;
        if (!id.empty()) {
          ids.emplace_back(id, clock_type::now());
          times.push_back({wall_us(scheduled), wall_us(sent), wall_us(done)});
        }
      }
      std::lock_guard<std::mutex> g{mtx};
      r.ok += ok;
      r.errors += err;
      r.latency_ms.insert(r.latency_ms.end(), lat.begin(), lat.end());
      std::lock_guard<std::mutex> g2{sh.mtx};
      for (size_t n = 0; n < ids.size(); ++n) {
        sh.submitted_at.emplace(ids[n].first, ids[n].second);
        sh.submit_times.emplace(ids[n].first, times[n]);
      }
    });
  for (auto& t : threads)
    t.join();
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
}

/// Setup, not measured: the open jobs of one company (COPY) and 256 jobseekers with a
/// resume each. Returns the company's id.
std::string setup(shared& sh) {
  auto& opt = sh.opt;
  auto company = hirehub::ids::random_uuid();
  std::printf("setup: inserting %d open jobs ...\n", opt.jobs);
  {
    pqxx::connection conn{opt.db_url};
    pqxx::work w{conn};
    pqxx::stream_to copy{w, "jobs", std::vector<std::string>{"id", "company_id", "created_by", "title", "status"}};
    for (int i = 0; i < opt.jobs; ++i) {
      auto id = hirehub::ids::random_uuid();
      sh.jobs.push_back(id);
      copy << std::make_tuple(id, company, company, "Bench job " + std::to_string(i), std::string{"open"});
    }
    copy.complete();
    w.commit();
  }
  {
    pqxx::connection conn{opt.db_url};
    pqxx::work w{conn};
    for (int i = 0; i < 256; ++i) {
      sh.seeker_ids.push_back(hirehub::ids::random_uuid());
      sh.seeker_resumes.push_back(hirehub::ids::random_uuid());
      sh.seeker_tokens.push_back(token(sh.seeker_ids.back(), "jobseeker", opt.secret));
      w.exec_params(
          "INSERT INTO users (id, email, password_hash, user_type) VALUES ($1::uuid, $1 || '@bench.test', "
          "'-', 'jobseeker')",
          sh.seeker_ids.back());
      w.exec_params(
          "INSERT INTO resumes (id, user_id, original_file_url, original_file_name, file_type, file_size, "
          "file_sha256, status) VALUES ($1::uuid, $2::uuid, 'bench', 'cv.txt', 'txt', 1, repeat('0', 64), "
          "'ready')",
          sh.seeker_resumes.back(), sh.seeker_ids.back());
    }
    w.commit();
  }
  return company;
}

/// The company's WebSocket: every submit ends as a notification frame here; each
/// frame's arrival is recorded (while measuring) until `stop`.
void watch_company_frames(shared& sh, const std::string& company, std::atomic<bool>& ws_stop) {
  auto& opt = sh.opt;
  asio::io_context ioc;
  bws::stream<tcp::socket> ws{ioc};
  ws.next_layer().connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(opt.port)});
  auto tok = token(company, "company", opt.secret);
  ws.set_option(bws::stream_base::decorator(
      [tok](bws::request_type& r) { r.set(bhttp::field::authorization, "Bearer " + tok); }));
  ws.handshake("127.0.0.1", "/ws");
  ws.write(asio::buffer(std::string{R"({"op":"subscribe","topic":"notifications"})"}));
  beast::flat_buffer buf;
  while (!ws_stop) {
    boost::system::error_code ec;
    ws.read(buf, ec);
    if (ec) {
      if (!ws_stop)
        std::printf("company WebSocket ended early: %s (close reason: %s)\n", ec.message().c_str(),
                    std::string{ws.reason().reason.c_str()}.c_str());
      break;
    }
    auto now = clock_type::now();
    auto text = beast::buffers_to_string(buf.data());
    buf.consume(buf.size());
    auto pos = text.find("\"application_id\":");
    if (pos == std::string::npos || !sh.measuring_ws)
      continue;
    auto q = text.find('"', pos + 17);
    // Only recorded here (the reader must keep up with the node, or the node
    // closes it as a slow consumer); matched with the submits at the end.
    std::lock_guard<std::mutex> g{sh.mtx};
    sh.arrivals.emplace_back(text.substr(q + 1, 36), now);
  }
}

/// Where the time to the frame goes, and the submit's own time in four parts.
void report_stages(shared& sh) {
  auto& opt = sh.opt;
  // Where the time to the frame goes, from the rows' own timestamps (one clock: the
  // box's): the entity's event time, the journal transaction's start, the relay's
  // mark after Kafka acknowledged, the notification transaction's start.
  std::string ids = "{";
  {
    std::lock_guard<std::mutex> g{sh.mtx};
    for (auto& [id, at] : sh.submitted_at)
      ids += (ids.size() > 1 ? "," : "") + id;
  }
  pqxx::connection conn{opt.db_url};
  pqxx::work w{conn};
  auto r = w.exec_params(
      "WITH e AS (SELECT e.id AS ev, e.application_id, e.created_at AS t0 FROM application_events e "
      "WHERE e.application_id = ANY($1::uuid[]) AND e.seq = 1), "
      "o AS (SELECT e.*, o.created_at AS tc, o.published_at AS t1 FROM e JOIN outbox o ON o.key = "
      "e.application_id::text AND o.topic = 'application.submitted'), "
      "n AS (SELECT o.*, x.created_at AS t2 FROM o JOIN notifications x ON x.event_id = o.ev AND x.channel = "
      "'in_app'), "
      "ms AS (SELECT 1000 * extract(epoch FROM tc - t0) AS q, 1000 * extract(epoch FROM t1 - tc) AS p, "
      "1000 * extract(epoch FROM t2 - tc) AS s FROM n) "
      "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY q), percentile_cont(0.99) WITHIN GROUP "
      "(ORDER BY q), percentile_cont(0.5) WITHIN GROUP (ORDER BY p), percentile_cont(0.99) WITHIN GROUP (ORDER BY "
      "p), percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.99) WITHIN GROUP (ORDER BY s) FROM ms",
      ids + "}");
  auto v = [&](int i) { return r[0][i].is_null() ? 0.0 : r[0][i].as<double>(); };
  std::printf(
      "  its stages (p50 / p99, %lld applications, from the rows' timestamps): submit to the journal's "
      "transaction %.1f / %.1f ms; from there to the relay's mark (Kafka acknowledged) %.1f / %.1f ms, to the "
      "notification's transaction %.1f / %.1f ms\n",
      r[0][0].as<long long>(), v(1), v(2), v(3), v(4), v(5), v(6));
  // The submit's own time in four parts: the load generator late for its schedule;
  // from sending to the event's time (the gateway, the request actor, the entity);
  // from there to the journal's transaction; from that to the answer read here (the
  // commit, the replies back, the write). Event times are in whole milliseconds.
  auto rows = w.exec_params(
      "SELECT e.application_id::text, (extract(epoch FROM e.created_at) * 1e6)::bigint, "
      "(extract(epoch FROM o.created_at) * 1e6)::bigint FROM application_events e JOIN outbox o ON o.key = "
      "e.application_id::text AND o.topic = 'application.submitted' WHERE e.application_id = ANY($1::uuid[]) "
      "AND e.seq = 1",
      ids + "}");
  std::vector<double> late, to_event, to_txn, to_answer;
  {
    std::lock_guard<std::mutex> g{sh.mtx};
    for (auto row : rows) {
      auto t = sh.submit_times.find(row[0].as<std::string>());
      if (t == sh.submit_times.end())
        continue;
      auto [due, sent, done] = t->second;
      auto event = row[1].as<int64_t>(), txn = row[2].as<int64_t>();
      late.push_back(static_cast<double>(sent - due) / 1000);
      to_event.push_back(static_cast<double>(event - sent) / 1000);
      to_txn.push_back(static_cast<double>(txn - event) / 1000);
      to_answer.push_back(static_cast<double>(done - txn) / 1000);
    }
  }
  std::printf(
      "  the submit's parts (p50 / p99, %zu applications): the load generator late %.1f / %.1f ms; sent to the "
      "event's time %.1f / %.1f ms; to the journal's transaction %.1f / %.1f ms; to the answer %.1f / %.1f ms\n",
      late.size(), pct(late, 0.5), pct(late, 0.99), pct(to_event, 0.5), pct(to_event, 0.99), pct(to_txn, 0.5),
      pct(to_txn, 0.99), pct(to_answer, 0.5), pct(to_answer, 0.99));
}

/// The raw PostgreSQL ceiling and the floors against the peak's CPU per application.
void report_floors(shared& sh, const std::string& company, double peak_rate, double peak_cpu_us,
                   const cpu_snapshot& split0, const cpu_snapshot& split1, size_t peak_ok) {
  auto& opt = sh.opt;
  auto ceiling = raw_pg_ceiling(opt, company, 20000);
  std::printf(
      "raw PostgreSQL ceiling (3 rows per application, 500 per transaction): %.0f applications/s; "
      "HireHub peak = %.0f%% of it\n",
      ceiling, 100.0 * peak_rate / ceiling);
  auto http = http_floor(opt, 3);
  auto pg = pg_floor(opt, sh.jobs, company, 20000);
  floor_result kafka;
  if (!opt.kafka_bootstrap.empty())
    kafka = kafka_floor(opt, 20000);
  const double target_rate = 5000;
  std::printf(
      "floors, each alone on this box: an HTTP request (GET /health, %d connections) %.0f/s, %.0f us of CPU; "
      "the rows of one application (COPY) %.0f/s, %.0f us of CPU; its Kafka message (produced, read twice) "
      "%.0f/s, %.0f us of CPU\n",
      opt.connections, http.rate, http.cpu_us, pg.rate, pg.cpu_us, kafka.rate, kafka.cpu_us);
  std::printf(
      "box CPU per application: HireHub at the peak %.0f us (incl. the drain after it), floors %.0f us; "
      "%.0f/s on %ld cores allows %.0f us\n",
      peak_cpu_us, http.cpu_us + pg.cpu_us + kafka.cpu_us, target_rate, sysconf(_SC_NPROCESSORS_ONLN),
      1e6 * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN)) / target_rate);
  if (opt.node_pid > 0)
    std::printf("  by process (the peak and its drain): %s\n", cpu_split(split0, split1, peak_ok).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HireHub apply benchmark (run through bench/apply_e2e.sh)"};
  options opt;
  app.add_option("--port", opt.port);
  app.add_option("--ports", opt.ports, "Nodes of one cluster: connections round-robin over them")->delimiter(',');
  app.add_option("--db-url", opt.db_url)->required();
  app.add_option("--secret", opt.secret);
  app.add_option("--kafka-bootstrap", opt.kafka_bootstrap, "The broker, for the Kafka floor");
  app.add_option("--connections", opt.connections);
  app.add_option("--seconds", opt.seconds);
  app.add_option("--jobs", opt.jobs);
  app.add_option("--hot-jobs", opt.hot_jobs, "Apply to the first K jobs only (K x 256 applications at most)");
  app.add_option("--load-factor", opt.load_factor);
  app.add_option("--node-pid", opt.node_pid, "The node's process, for the CPU split of the peak");
  app.add_option("--broker-pid", opt.broker_pid, "The broker's process, for the CPU split of the peak");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (!opt.ports.empty())
    opt.port = opt.ports.front();

  shared sh;
  sh.opt = opt;
  auto company = setup(sh);
  std::atomic<bool> ws_stop{false};
  std::thread ws_thread([&] { watch_company_frames(sh, company, ws_stop); });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  // Warm-up, then peak.
  run_closed(sh, 2);
  pqxx::connection split_conn{opt.db_url};
  split_conn.set_variable("application_name", "'hirehub-bench'");
  auto split0 = take_cpu_snapshot(split_conn, opt.node_pid, opt.broker_pid);
  auto peak_busy0 = split0.box;
  auto peak = run_closed(sh, opt.seconds);
  double peak_rate = peak.ok / peak.seconds;
  std::printf(
      "peak: %zu applications in %.1f s = %.0f applications/s (%zu errors), p50 %.1f ms, p99 %.1f ms, "
      "%d connections\n",
      peak.ok, peak.seconds, peak_rate, peak.errors, pct(peak.latency_ms, 0.5), pct(peak.latency_ms, 0.99),
      opt.connections);
  // Let the relay and the notification pipeline drain before the latency phase.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  // The box's busy CPU over the peak and the drain after it, per application.
  auto split1 = take_cpu_snapshot(split_conn, opt.node_pid, opt.broker_pid);
  double peak_cpu_us = 1e6 * (split1.box - peak_busy0) / static_cast<double>(std::max<size_t>(peak.ok, 1));
  double target = peak_rate * opt.load_factor;
  sh.measuring_ws = true;
  auto steady = run_open(sh, target, opt.seconds, std::max(opt.connections, 128));
  // Frames still on their way are waited for (up to 60 s, until none came for 5 s), so
  // a late frame is told apart from a lost one.
  auto frames_now = [&] {
    std::lock_guard<std::mutex> g{sh.mtx};
    return sh.arrivals.size();
  };
  std::this_thread::sleep_for(std::chrono::seconds(5));
  size_t in_5s = frames_now();
  auto waited_until = clock_type::now() + std::chrono::seconds(60);
  auto last_growth = clock_type::now();
  for (size_t seen = in_5s; seen < steady.ok && clock_type::now() < waited_until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    if (auto n = frames_now(); n != seen) {
      seen = n;
      last_growth = clock_type::now();
    } else if (clock_type::now() - last_growth > std::chrono::seconds(5)) {
      break;
    }
  }
  sh.measuring_ws = false;
  ws_stop = true;
  double steady_rate = steady.ok / steady.seconds;
  size_t ws_frames;
  double ws_p50, ws_p99, ws_max;
  {
    // A frame can arrive before the client has read its 201: that counts as 0 ms.
    std::lock_guard<std::mutex> g{sh.mtx};
    std::vector<double> ws_latency;
    for (auto& [id, at] : sh.arrivals)
      if (auto f = sh.submitted_at.find(id); f != sh.submitted_at.end())
        ws_latency.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(at - f->second).count()));
    ws_frames = ws_latency.size();
    ws_p50 = pct(ws_latency, 0.5);
    ws_p99 = pct(ws_latency, 0.99);
    ws_max = pct(ws_latency, 1.0);
  }
  std::printf(
      "at %.0f%% of peak (%.0f/s offered): %.0f applications/s sustained (%zu errors), submit p50 %.1f ms, "
      "p99 %.1f ms\n",
      opt.load_factor * 100, target, steady_rate, steady.errors, pct(steady.latency_ms, 0.5),
      pct(steady.latency_ms, 0.99));
  std::printf(
      "submit -> company WebSocket frame: %zu of %zu frames (%zu within 5 s of the last submit, %zu missing), "
      "p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
      ws_frames, steady.ok, in_5s, steady.ok > ws_frames ? steady.ok - ws_frames : 0, ws_p50, ws_p99, ws_max);
  report_stages(sh);
  report_floors(sh, company, peak_rate, peak_cpu_us, split0, split1, peak.ok);
  ws_thread.detach();
  return 0;
}
