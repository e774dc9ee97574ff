// Resumes per second through a running node: `POST /api/v1/resumes` with
// generated two-page PDFs (Korean and English) over --connections keep-alive
// connections, as fast as the node accepts them, until --resumes were
// accepted; then waits until every one is `ready` (all five stages committed:
// extract, mask, parse, embed, summarise, each with its ai_tasks row, the
// files, the outbox). Prints accepted/s, completed/s (first upload to last
// `ready`), upload latency and upload-to-ready time percentiles, read from the
// rows. Asserts nothing. bench/resume_node.sh starts the stack around it.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include "bench/bench_support.hpp"
#include "bench/resume_pdfs.hpp"
#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

using clk = std::chrono::steady_clock;
using hh_bench::pct;

int main(int argc, char** argv) {
  CLI::App app{"Resume pipeline throughput through a node"};
  int port = 0, resumes = 300, connections = 2, files = 32, users = 50, pages = 2;
  std::string db_url, secret = "dev-secret-change-me";
  app.add_option("--port", port)->required();
  app.add_option("--db-url", db_url)->required();
  app.add_option("--secret", secret);
  app.add_option("--resumes", resumes)->capture_default_str();
  app.add_option("--connections", connections)->capture_default_str();
  app.add_option("--files", files, "Distinct PDFs generated")->capture_default_str();
  app.add_option("--users", users)->capture_default_str();
  app.add_option("--pages", pages, "Pages per resume (about)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto pdfs = hh_bench::resume_pdfs(files, pages);

  // Jobseekers (the rows the resumes belong to) and their tokens.
  pqxx::connection conn{db_url};
  std::vector<std::string> tokens;
  {
    pqxx::work w{conn};
    for (int i = 0; i < users; ++i) {
      auto id = hirehub::ids::random_uuid();
      w.exec_params(
          "INSERT INTO users (id, email, password_hash, user_type) VALUES ($1::uuid, $2, 'bench', "
          "'jobseeker')",
          id, "resume-bench-" + id.substr(0, 13) + "@example.com");
      hirehub::jwt::claims c{id, "jobseeker", "", "hirehub", std::time(nullptr), std::time(nullptr) + 7200, ""};
      tokens.push_back(hirehub::jwt::sign(c, secret));
    }
    w.commit();
  }
  const std::string boundary = "----hirehub-bench-7f3a";
  std::vector<std::string> bodies;
  for (auto& pdf : pdfs)
    bodies.push_back("--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"resume.pdf\"\r\n"
                     "Content-Type: application/pdf\r\n\r\n" +
                     pdf + "\r\n--" + boundary + "--\r\n");

  std::atomic<int> next{0};
  std::atomic<int> errors{0};
  std::vector<std::vector<double>> upload_ms(static_cast<size_t>(connections));
  auto start = clk::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t)
    threads.emplace_back([&, t] {
      hh_bench::connection c{port};
      std::string out;
      for (int i; (i = next++) < resumes;) {
        auto t0 = clk::now();
        int status = c.post_as("/api/v1/resumes", "multipart/form-data; boundary=" + boundary,
                               bodies[static_cast<size_t>(i) % bodies.size()],
                               tokens[static_cast<size_t>(i) % tokens.size()], &out);
        upload_ms[static_cast<size_t>(t)].push_back(std::chrono::duration<double, std::milli>(clk::now() - t0).count());
        if (status != 202) {
          ++errors;
          std::fprintf(stderr, "upload %d: %d %s\n", i, status, out.substr(0, 200).c_str());
        }
      }
    });
  for (auto& th : threads)
    th.join();
  auto accepted_s = std::chrono::duration<double>(clk::now() - start).count();
  int accepted = resumes - errors.load();

  // Until every accepted resume is ready (or ended in error).
  int64_t done = 0, failed = 0;
  auto deadline = clk::now() + std::chrono::minutes(10);
  while (clk::now() < deadline) {
    pqxx::read_transaction rt{conn};
    auto row = rt.exec1(
        "SELECT count(*) FILTER (WHERE status <> 'processing'), count(*) FILTER (WHERE status = "
        "'error') FROM resumes");
    done = row[0].as<int64_t>();
    failed = row[1].as<int64_t>();
    if (done >= accepted)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto total_s = std::chrono::duration<double>(clk::now() - start).count();
  std::vector<double> ready_ms;
  {
    pqxx::read_transaction rt{conn};
    for (auto row : rt.exec("SELECT extract(epoch FROM updated_at - created_at) * 1000 FROM resumes WHERE status = "
                            "'ready'"))
      ready_ms.push_back(row[0].as<double>());
  }
  std::vector<double> up;
  for (auto& v : upload_ms)
    up.insert(up.end(), v.begin(), v.end());
  std::printf("\n%d resumes (%d-page PDFs) over %d connections to one node\n", resumes, pages, connections);
  std::printf("accepted: %d in %.1f s = %.1f uploads/s (202), errors: %d\n", accepted, accepted_s,
              accepted / accepted_s, errors.load());
  std::printf("completed: %lld ready, %lld error, last one %.1f s after the first upload = %.1f resumes/s\n",
              static_cast<long long>(done - failed), static_cast<long long>(failed), total_s,
              static_cast<double>(done - failed) / total_s);
  std::printf("upload (send to 202) ms: p50 %.1f, p99 %.1f; upload to ready ms: p50 %.0f, p99 %.0f\n", pct(up, 0.5),
              pct(up, 0.99), pct(ready_ms, 0.5), pct(ready_ms, 0.99));
  return errors.load() == 0 && failed == 0 && done >= accepted ? 0 : 1;
}
