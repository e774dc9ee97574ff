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
//      (applications, application_events, outbox) with batched multi-row INSERTs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
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
#include <pqxx/pqxx>

#include "bench/bench_support.hpp"
#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

using hh_bench::connection;
using hh_bench::pct;

struct options {
  int port = 8080;
  std::vector<int> ports;  ///< --ports: connections spread over these nodes (the WebSocket on the first)
  std::string db_url;
  std::string secret = "dev-secret-change-me";
  int connections = 64;
  int seconds = 10;
  int jobs = 200000;
  int hot_jobs = 0;  ///< > 0: every application goes to one of the first hot_jobs jobs (popular postings)
  double load_factor = 0.7;
};

int port_of(const options& o, int t) {
  return o.ports.empty() ? o.port : o.ports[static_cast<size_t>(t) % o.ports.size()];
}

std::string token(const std::string& sub, const std::string& role, const std::string& secret) {
  hirehub::jwt::claims c{
      sub, role, role == "company" ? sub : "", "hirehub", std::time(nullptr), std::time(nullptr) + 7200};
  return hirehub::jwt::sign(c, secret);
}

struct shared {
  options opt;
  std::vector<std::string> jobs;
  std::vector<std::string> seeker_tokens;
  std::vector<std::string> seeker_ids;
  std::atomic<size_t> next_job{0};
  /// How many distinct (job, jobseeker) pairs there are to apply with.
  size_t capacity() const {
    return opt.hot_jobs > 0 ? static_cast<size_t>(opt.hot_jobs) * seeker_ids.size() : jobs.size();
  }
  std::mutex mtx;
  std::unordered_map<std::string, clock_type::time_point> submitted_at;  // application id -> reply time
  std::vector<std::pair<std::string, clock_type::time_point>> arrivals;  // company frames: application id, when
  std::atomic<bool> measuring_ws{false};
};

/// One submit; returns the application id ("" on failure).
std::string submit(shared& sh, connection& c, size_t i, int* status) {
  // Each application its own job; or, with --hot-jobs K, K jobs taking every jobseeker in turn.
  auto k = static_cast<size_t>(sh.opt.hot_jobs);
  auto job = k > 0 ? sh.jobs[i % k] : sh.jobs[i % sh.jobs.size()];
  auto u = (k > 0 ? i / k : i) % sh.seeker_tokens.size();
  nlohmann::json body = {{"job_id", job}, {"resume_id", sh.seeker_ids[u]}};
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
        auto id = submit(sh, c, i, &status);
        auto done = clock_type::now();
        lat.push_back(std::chrono::duration<double, std::milli>(done - scheduled).count());
        (status == 201 ? ok : err)++;
        if (!id.empty())
          ids.emplace_back(id, clock_type::now());
      }
      std::lock_guard<std::mutex> g{mtx};
      r.ok += ok;
      r.errors += err;
      r.latency_ms.insert(r.latency_ms.end(), lat.begin(), lat.end());
      std::lock_guard<std::mutex> g2{sh.mtx};
      for (auto& [id, at] : ids)
        sh.submitted_at.emplace(id, at);
    });
  for (auto& t : threads)
    t.join();
  r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return r;
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HireHub apply benchmark (run through bench/apply_e2e.sh)"};
  options opt;
  app.add_option("--port", opt.port);
  app.add_option("--ports", opt.ports, "Nodes of one cluster: connections round-robin over them")->delimiter(',');
  app.add_option("--db-url", opt.db_url)->required();
  app.add_option("--secret", opt.secret);
  app.add_option("--connections", opt.connections);
  app.add_option("--seconds", opt.seconds);
  app.add_option("--jobs", opt.jobs);
  app.add_option("--hot-jobs", opt.hot_jobs, "Apply to the first K jobs only (K x 256 applications at most)");
  app.add_option("--load-factor", opt.load_factor);
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (!opt.ports.empty())
    opt.port = opt.ports.front();

  shared sh;
  sh.opt = opt;
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
  for (int i = 0; i < 256; ++i) {
    sh.seeker_ids.push_back(hirehub::ids::random_uuid());
    sh.seeker_tokens.push_back(token(sh.seeker_ids.back(), "jobseeker", opt.secret));
  }

  // The company's WebSocket: every submit ends as a notification frame here.
  std::atomic<bool> ws_stop{false};
  std::thread ws_thread([&] {
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
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));

  // Warm-up, then peak.
  run_closed(sh, 2);
  auto peak = run_closed(sh, opt.seconds);
  double peak_rate = peak.ok / peak.seconds;
  std::printf(
      "peak: %zu applications in %.1f s = %.0f applications/s (%zu errors), p50 %.1f ms, p99 %.1f ms, "
      "%d connections\n",
      peak.ok, peak.seconds, peak_rate, peak.errors, pct(peak.latency_ms, 0.5), pct(peak.latency_ms, 0.99),
      opt.connections);
  // Let the relay and the notification pipeline drain before the latency phase.
  std::this_thread::sleep_for(std::chrono::seconds(5));
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
  auto ceiling = raw_pg_ceiling(opt, company, 20000);
  std::printf(
      "raw PostgreSQL ceiling (3 rows per application, 500 per transaction): %.0f applications/s; "
      "HireHub peak = %.0f%% of it\n",
      ceiling, 100.0 * peak_rate / ceiling);
  ws_thread.detach();
  return 0;
}
