// RAG query benchmark: `POST /api/v1/rag/query` latency over a node whose
// vector index holds --chunks resume chunks (default 100,000).
//
//   --phase load   fills PostgreSQL: generated resumes (the test corpus
//                  generator), masked, chunked and embedded as the pipeline
//                  does, stored as ready resumes with their chunks;
//   --phase query  (after the node was restarted, so it rebuilds its index from
//                  PostgreSQL) waits for the index, then drives queries over
//                  --connections keep-alive connections for --seconds and prints
//                  p50/p99 per class, and recall@10 of the admin queries against
//                  an exact scan of every stored vector.
// bench/rag_query.sh runs both around a node restart.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tools/corpus/corpus.hpp"
#include "actors/resume/embed.hpp"
#include "actors/resume/pii.hpp"
#include "bench/bench_support.hpp"
#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

using clock_type = std::chrono::steady_clock;
using hh_bench::pct;
using nlohmann::json;
namespace r = hirehub::resume;

namespace {

struct options {
  int port = 8080;
  std::string db_url;
  std::string secret = "dev-secret-change-me";
  std::string phase = "query";
  int chunks = 100000;
  int users = 2000;
  int dims = 384;
  int connections = 2;
  int seconds = 20;
};

/// A PostgreSQL array literal of text elements.
std::string array_literal(const std::vector<std::string>& v) {
  std::string out = "{";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i)
      out += ',';
    out += '"';
    for (char c : v[i]) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

struct resume_rows {
  std::string id, user;
  std::vector<r::chunk> chunks;
  std::vector<std::string> vectors;  ///< bytes
};

void load(const options& opt) {
  auto t0 = clock_type::now();
  pqxx::connection conn{opt.db_url};
  std::vector<std::string> users;
  {
    pqxx::work w{conn};
    for (int i = 0; i < opt.users; ++i)
      users.push_back(hirehub::ids::random_uuid());
    std::vector<std::string> emails;
    for (auto& u : users)
      emails.push_back("rag-bench-" + u.substr(0, 13) + "@example.com");
    w.exec_params(
        "INSERT INTO users (id, email, password_hash, user_type) SELECT unnest($1::uuid[]), unnest($2::text[]), "
        "'bench', 'jobseeker'",
        array_literal(users), array_literal(emails));
    w.commit();
  }
  // Resumes are generated, masked, chunked and embedded on every core.
  std::atomic<int> produced{0};
  std::mutex mtx;
  std::vector<resume_rows> batch;
  int64_t stored_resumes = 0;
  auto flush = [&](std::vector<resume_rows>& rows) {
    std::vector<std::string> rid, ruser, eid, eidx, etext, evec;
    for (auto& x : rows) {
      rid.push_back(x.id);
      ruser.push_back(x.user);
      for (size_t i = 0; i < x.chunks.size(); ++i) {
        eid.push_back(x.id);
        eidx.push_back(std::to_string(x.chunks[i].index));
        etext.push_back(x.chunks[i].text);
        evec.push_back(hex(x.vectors[i]));
      }
    }
    pqxx::work w{conn};
    w.exec_params(
        "INSERT INTO resumes (id, user_id, original_file_url, original_file_name, file_type, file_size, file_sha256, "
        "status, stage, progress, masked_content) SELECT id, u, 'bench', 'resume.txt', 'txt', 0, repeat('0', 64), "
        "'ready', 'summarise', 100, '' FROM unnest($1::uuid[], $2::uuid[]) AS t(id, u)",
        array_literal(rid), array_literal(ruser));
    w.exec_params(
        "INSERT INTO resume_embeddings (resume_id, chunk_index, chunk_text, model, embedding) SELECT id, i, t, $5, "
        "decode(v, 'hex') FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS x(id, i, t, v)",
        array_literal(eid), array_literal(eidx), array_literal(etext), array_literal(evec),
        r::hashing_embedder(opt.dims).model());
    w.commit();
    stored_resumes += static_cast<int64_t>(rows.size());
    rows.clear();
  };
  std::atomic<int> next_seed{1};
  std::vector<std::thread> workers;
  int nthreads = std::max(1u, std::thread::hardware_concurrency());
  for (int t = 0; t < nthreads; ++t)
    workers.emplace_back([&] {
      r::hashing_embedder emb(opt.dims);
      for (;;) {
        if (produced.load() >= opt.chunks)
          return;
        int seed = next_seed++;
        auto g = r::corpus::generate(static_cast<uint64_t>(seed), "", 1 + seed % 2);
        resume_rows x;
        x.id = hirehub::ids::random_uuid();
        x.user = users[static_cast<size_t>(seed) % users.size()];
        x.chunks = r::chunk_text(r::mask_pii(g.text()).masked);
        for (auto& c : x.chunks)
          x.vectors.push_back(r::to_bytes(emb.embed_one(c.text)));
        produced += static_cast<int>(x.chunks.size());
        std::lock_guard<std::mutex> g2{mtx};
        batch.push_back(std::move(x));
        if (batch.size() >= 200)
          flush(batch);
      }
    });
  for (auto& w : workers)
    w.join();
  if (!batch.empty())
    flush(batch);
  std::printf("loaded %d chunks of %lld resumes of %d users in %.1f s\n", produced.load(),
              static_cast<long long>(stored_resumes), opt.users,
              std::chrono::duration<double>(clock_type::now() - t0).count());
}

const std::vector<std::string> questions = {
    "Go 마이크로서비스와 Kubernetes 운영 경험",
    "데이터 엔지니어 Spark Airflow 파이프라인",
    "React TypeScript 프론트엔드 개발",
    "Java Spring 백엔드 개발자",
    "머신러닝 모델 서빙과 MLOps",
    "CI/CD 파이프라인과 Terraform 인프라 자동화",
    "PostgreSQL 성능 튜닝과 쿼리 최적화",
    "distributed systems with Kafka and event sourcing",
    "mobile iOS Swift developer",
    "product designer Figma user research",
    "AWS cloud infrastructure and monitoring",
    "Python data analysis and machine learning",
    "team lead who mentored engineers",
    "대학교 컴퓨터공학 전공 졸업",
    "정보처리기사 자격증",
    "payment system fintech backend",
};

struct query_class {
  std::string name, token, body;
  int question = -1;  ///< for recall: index into `questions` (admin, unfiltered)
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HireHub RAG query benchmark"};
  options opt;
  app.add_option("--port", opt.port)->required();
  app.add_option("--db-url", opt.db_url)->required();
  app.add_option("--secret", opt.secret);
  app.add_option("--phase", opt.phase)->check(CLI::IsMember({"load", "query"}));
  app.add_option("--chunks", opt.chunks)->capture_default_str();
  app.add_option("--users", opt.users)->capture_default_str();
  app.add_option("--dims", opt.dims)->capture_default_str();
  app.add_option("--connections", opt.connections)->capture_default_str();
  app.add_option("--seconds", opt.seconds)->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (opt.phase == "load") {
    load(opt);
    return 0;
  }

  auto sign = [&](const std::string& sub, const char* role) {
    hirehub::jwt::claims c{sub, role, "", "hirehub", std::time(nullptr), std::time(nullptr) + 7200, ""};
    return hirehub::jwt::sign(c, opt.secret);
  };
  auto admin = sign(hirehub::ids::random_uuid(), "admin");

  // The node was just restarted: time until its index answers.
  auto t0 = clock_type::now();
  {
    hh_bench::connection conn{opt.port};
    std::string body;
    for (;;) {
      int status = conn.post("/api/v1/rag/query", json{{"query", "Go"}}.dump(), admin, &body);
      if (status == 200)
        break;
      if (status != 503) {
        std::fprintf(stderr, "query failed: %d %s\n", status, body.c_str());
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  auto ready_s = std::chrono::duration<double>(clock_type::now() - t0).count();

  // Exact answers for the admin questions, from every stored vector.
  pqxx::connection conn{opt.db_url};
  std::vector<std::pair<std::string, int>> ids;
  std::vector<float> all;
  std::vector<std::string> sample_users;
  {
    pqxx::read_transaction rt{conn};
    for (auto row : rt.exec("SELECT resume_id::text, chunk_index, embedding FROM resume_embeddings")) {
      ids.emplace_back(row[0].as<std::string>(), row[1].as<int>());
      auto v = r::from_bytes(pqxx::binarystring(row[2]).str());
      all.insert(all.end(), v.begin(), v.end());
    }
    for (auto row : rt.exec("SELECT DISTINCT user_id::text FROM resumes LIMIT 200"))
      sample_users.push_back(row[0].as<std::string>());
  }
  r::hashing_embedder emb(opt.dims);
  // Recall counts a returned chunk when it is among the exact top 10 or scores
  // as high as the 10th (the generated corpus repeats lines: ties are common).
  std::vector<std::set<std::pair<std::string, int>>> exact(questions.size());
  std::vector<float> kth(questions.size(), 0.f);
  for (size_t q = 0; q < questions.size(); ++q) {
    auto qv = emb.embed_one(questions[q]);
    std::vector<std::pair<float, size_t>> scored;
    scored.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      const float* v = &all[i * static_cast<size_t>(opt.dims)];
      float s = 0;
      for (int d = 0; d < opt.dims; ++d)
        s += qv[static_cast<size_t>(d)] * v[d];
      scored.emplace_back(s, i);
    }
    std::partial_sort(scored.begin(), scored.begin() + std::min<size_t>(10, scored.size()), scored.end(),
                      [](auto& a, auto& b) { return a.first > b.first; });
    for (size_t i = 0; i < std::min<size_t>(10, scored.size()); ++i) {
      exact[q].insert(ids[scored[i].second]);
      kth[q] = scored[i].first;
    }
  }

  std::vector<query_class> mix;
  for (size_t q = 0; q < questions.size(); ++q) {
    mix.push_back({"admin_all", admin, json{{"query", questions[q]}, {"top_k", 10}}.dump(), static_cast<int>(q)});
    auto& u = sample_users[q % sample_users.size()];
    mix.push_back({"jobseeker_own", sign(u, "jobseeker"), json{{"query", questions[q]}, {"top_k", 10}}.dump()});
    mix.push_back({"admin_by_user", admin, json{{"query", questions[q]}, {"top_k", 10}, {"user_id", u}}.dump()});
  }

  std::mutex mtx;
  std::map<std::string, std::vector<double>> lat;
  std::atomic<size_t> errors{0};
  std::atomic<bool> stop{false};
  double recall_sum = 0;
  size_t recall_n = 0;
  std::vector<std::thread> threads;
  auto start = clock_type::now();
  for (int t = 0; t < opt.connections; ++t)
    threads.emplace_back([&, t] {
      hh_bench::connection c{opt.port};
      std::map<std::string, std::vector<double>> mine;
      double rs = 0;
      size_t rn = 0;
      std::string body;
      std::mt19937 rng{static_cast<unsigned>(t + 1)};
      while (!stop) {
        auto& m = mix[rng() % mix.size()];
        auto q0 = clock_type::now();
        int status = c.post("/api/v1/rag/query", m.body, m.token, &body);
        mine[m.name].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - q0).count());
        if (status != 200) {
          ++errors;
          continue;
        }
        if (m.question >= 0) {
          auto j = json::parse(body);
          size_t hit = 0;
          auto qi = static_cast<size_t>(m.question);
          for (auto& h : j["results"])
            hit += exact[qi].count({h["resume_id"], h["chunk_index"]}) > 0 ||
                   h["score"].get<double>() >= static_cast<double>(kth[qi]) - 1e-5;
          rs += static_cast<double>(hit) / static_cast<double>(std::max<size_t>(1, exact[m.question].size()));
          ++rn;
        }
      }
      std::lock_guard<std::mutex> g{mtx};
      for (auto& [k, v] : mine)
        lat[k].insert(lat[k].end(), v.begin(), v.end());
      recall_sum += rs;
      recall_n += rn;
    });
  std::this_thread::sleep_for(std::chrono::seconds(opt.seconds));
  stop = true;
  for (auto& th : threads)
    th.join();
  auto secs = std::chrono::duration<double>(clock_type::now() - start).count();
  std::printf("\nRAG query over %zu chunks (%d dims), %d connections, %d s; latency in ms, send to full response\n",
              ids.size(), opt.dims, opt.connections, opt.seconds);
  std::printf("index ready %.1f s after the node was ready (rebuilt from PostgreSQL)\n", ready_s);
  std::printf("%-14s %8s %8s %8s %8s\n", "class", "count", "p50", "p99", "max");
  std::vector<double> every;
  for (auto& [k, v] : lat) {
    std::printf("%-14s %8zu %8.2f %8.2f %8.2f\n", k.c_str(), v.size(), pct(v, 0.5), pct(v, 0.99), pct(v, 1.0));
    every.insert(every.end(), v.begin(), v.end());
  }
  std::printf("%-14s %8zu %8.2f %8.2f %8.2f\n", "all", every.size(), pct(every, 0.5), pct(every, 0.99),
              pct(every, 1.0));
  std::printf("throughput: %.0f queries/s, errors: %zu\n", static_cast<double>(every.size()) / secs, errors.load());
  std::printf("recall@10 of admin queries against an exact scan (ties count): %.4f (%zu queries)\n",
              recall_n ? recall_sum / static_cast<double>(recall_n) : 0.0, recall_n);
  return errors.load() == 0 ? 0 : 1;
}
