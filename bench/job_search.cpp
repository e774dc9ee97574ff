// bench/job_search: job search latency over a large read model, through HTTP
// against a running node (bench/job_search.sh starts PostgreSQL, the broker and
// the node).
//
//   1. setup (timed, not part of the result): N jobs of 300 companies with
//      realistic Korean and English titles, descriptions, skills, salaries and
//      locations go into the write model with multi-row INSERTs, then through
//      the same projection the projector runs (persistence::jobs::project);
//   2. C keep-alive connections run a mix of searches for T seconds, closed
//      loop: newest, English and Korean free text, filters, text + filters,
//      relevance, and a second page (keyset cursor). Latency per class and
//      overall, measured from send to the full response.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "bench/bench_support.hpp"
#include "gateway/jwt.hpp"
#include "persistence/jobs.hpp"
#include "runtime/ids.hpp"

using clock_type = std::chrono::steady_clock;
using hh_bench::pct;

namespace {

struct options {
  int port = 8080;
  std::string db_url;
  std::string secret = "dev-secret-change-me";
  int jobs = 200000;
  int connections = 4;
  int seconds = 20;
  bool load_only = false;
};

const std::vector<std::string> en_roles = {"Backend Engineer",
                                           "Frontend Developer",
                                           "Data Engineer",
                                           "Machine Learning Engineer",
                                           "DevOps Engineer",
                                           "iOS Developer",
                                           "Android Developer",
                                           "QA Engineer",
                                           "Product Manager",
                                           "Product Designer",
                                           "Security Engineer",
                                           "Platform Engineer",
                                           "Site Reliability Engineer",
                                           "Embedded Software Engineer",
                                           "Game Client Programmer"};
const std::vector<std::string> ko_roles = {"백엔드 개발자",         "프론트엔드 개발자",
                                           "데이터 엔지니어",       "머신러닝 엔지니어",
                                           "데브옵스 엔지니어",     "서버 개발자",
                                           "안드로이드 개발자",     "iOS 개발자",
                                           "서비스 기획자",         "UI/UX 디자이너",
                                           "보안 엔지니어",         "플랫폼 엔지니어",
                                           "QA 엔지니어",           "임베디드 소프트웨어 개발자",
                                           "게임 클라이언트 개발자"};
const std::vector<std::string> en_levels = {"", "Junior ", "Senior ", "Lead ", "Staff "};
const std::vector<std::string> ko_levels = {"", "신입 ", "경력 ", "시니어 ", "리드 "};
const std::vector<std::string> en_sentences = {"You will design and operate services used by millions of people.",
                                               "Our stack runs on Kubernetes in AWS with PostgreSQL and Kafka.",
                                               "You care about latency, correctness and observability.",
                                               "We value code review, testing and clear written communication.",
                                               "The team ships small changes daily behind feature flags.",
                                               "You will mentor engineers and shape our architecture.",
                                               "Experience with distributed systems and event sourcing is a plus.",
                                               "We build data pipelines that feed our recommendation models.",
                                               "You will work closely with designers and product managers.",
                                               "Flexible hours, remote-friendly, and a learning budget."};
const std::vector<std::string> ko_sentences = {"수백만 명이 사용하는 서비스를 설계하고 운영합니다.",
                                               "AWS 위의 쿠버네티스와 PostgreSQL, Kafka를 사용합니다.",
                                               "지연 시간과 정확성, 관측 가능성을 중요하게 생각합니다.",
                                               "코드 리뷰와 테스트, 명확한 문서화를 중시합니다.",
                                               "팀은 매일 작은 변경을 안전하게 배포합니다.",
                                               "주니어 개발자를 멘토링하고 아키텍처를 함께 만듭니다.",
                                               "분산 시스템과 이벤트 소싱 경험이 있으면 우대합니다.",
                                               "추천 모델을 위한 데이터 파이프라인을 구축합니다.",
                                               "디자이너, 기획자와 긴밀하게 협업합니다.",
                                               "유연 근무제와 재택 근무, 교육비를 지원합니다."};
const std::vector<std::string> locations = {
    "Seoul Gangnam-gu", "Seoul Mapo-gu", "Seoul Jongno-gu", "Pangyo",      "Busan Haeundae-gu",
    "Daejeon",          "Incheon",       "서울 강남구",     "서울 마포구", "경기 성남시 분당구",
    "부산 해운대구",    "대전 유성구",   "Remote"};
const std::vector<std::string> company_names = {"Acme",       "네오테크", "Blue Whale", "한빛소프트", "Pixel Forge",
                                                "데이터랩스", "Cloudy",   "스마트물류", "Northwind",  "코리아핀테크"};
const std::vector<std::string> job_types = {"full-time", "full-time", "full-time", "contract", "intern", "part-time"};
const std::vector<std::string> levels = {"entry", "junior", "mid", "senior", "lead"};
const std::vector<std::string> remote_types = {"onsite", "hybrid", "remote"};

template <class T>
const T& pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

void load(const options& opt) {
  pqxx::connection conn{opt.db_url};
  {
    pqxx::work t{conn};
    auto have = t.exec("SELECT count(*) FROM job_search")[0][0].as<int64_t>();
    if (have >= opt.jobs) {
      std::printf("setup: %lld jobs already in the read model\n", static_cast<long long>(have));
      return;
    }
  }
  auto t0 = clock_type::now();
  std::mt19937 rng{42};
  std::vector<std::string> companies;
  std::vector<std::string> skill_ids;
  {
    pqxx::work t{conn};
    for (auto row : t.exec("SELECT id::text FROM skill_tags"))
      skill_ids.push_back(row[0].as<std::string>());
    std::string values;
    for (int i = 0; i < 300; ++i) {
      companies.push_back(hirehub::ids::random_uuid());
      values += (i ? ",(" : "(") + t.quote(companies.back()) + "::uuid, " +
                t.quote(pick(rng, company_names) + " " + std::to_string(i)) + ")";
    }
    t.exec("INSERT INTO companies (id, name) VALUES " + values);
    t.commit();
  }
  const int batch = 1000;
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(opt.jobs));
  for (int done = 0; done < opt.jobs; done += batch) {
    pqxx::work t{conn};
    std::string jobs_sql, skills_sql;
    for (int k = 0; k < batch && done + k < opt.jobs; ++k) {
      auto id = hirehub::ids::random_uuid();
      ids.push_back(id);
      bool ko = rng() % 2 == 0;
      auto title = ko ? pick(rng, ko_levels) + pick(rng, ko_roles) : pick(rng, en_levels) + pick(rng, en_roles);
      std::string desc;
      for (int s = 0; s < 4; ++s)
        desc += (s ? " " : "") + (ko ? pick(rng, ko_sentences) : pick(rng, en_sentences));
      int emin = static_cast<int>(rng() % 8);
      int smin = 30 + static_cast<int>(rng() % 90);
      int age_days = static_cast<int>(rng() % 180);
      auto r = rng() % 100;
      std::string status = r < 85 ? "open" : r < 95 ? "closed" : "draft";
      jobs_sql += std::string{jobs_sql.empty() ? "(" : ",("} + t.quote(id) + "::uuid, " +
                  t.quote(pick(rng, companies)) + "::uuid, gen_random_uuid(), " + t.quote(title) + ", " +
                  t.quote(desc) + ", " + t.quote(pick(rng, en_sentences)) + ", " + t.quote(pick(rng, job_types)) +
                  ", " + t.quote(pick(rng, levels)) + ", " + std::to_string(emin) + ", " +
                  std::to_string(emin + 2 + static_cast<int>(rng() % 6)) + ", " + std::to_string(smin * 1000000) +
                  ", " + std::to_string((smin + 10 + static_cast<int>(rng() % 40)) * 1000000) + ", " +
                  t.quote(pick(rng, locations)) + ", " + t.quote(pick(rng, remote_types)) + ", " + t.quote(status) +
                  ", " + (status == "draft" ? "NULL" : "now() - interval '" + std::to_string(age_days) + " days'") +
                  ", now() - interval '" + std::to_string(age_days) + " days')";
      int nskills = 2 + static_cast<int>(rng() % 5);
      std::vector<size_t> chosen;
      while (chosen.size() < static_cast<size_t>(nskills)) {
        auto s = rng() % skill_ids.size();
        if (std::find(chosen.begin(), chosen.end(), s) == chosen.end())
          chosen.push_back(s);
      }
      for (auto s : chosen)
        skills_sql += std::string{skills_sql.empty() ? "(" : ",("} + t.quote(id) + "::uuid, " + t.quote(skill_ids[s]) +
                      "::uuid, " + (rng() % 3 ? "true" : "false") + ")";
    }
    t.exec(
        "INSERT INTO jobs (id, company_id, created_by, title, description, requirements, job_type, experience_level, "
        "experience_min, experience_max, salary_min, salary_max, location, remote_type, status, posted_at, "
        "created_at) VALUES " +
        jobs_sql);
    t.exec("INSERT INTO job_skills (job_id, skill_id, is_required) VALUES " + skills_sql);
    t.commit();
  }
  auto t1 = clock_type::now();
  for (size_t i = 0; i < ids.size(); i += static_cast<size_t>(batch)) {
    pqxx::work t{conn};
    std::vector<std::string> part(ids.begin() + static_cast<long>(i),
                                  ids.begin() + static_cast<long>(std::min(ids.size(), i + batch)));
    hirehub::persistence::jobs::project(t, part);
    t.commit();
  }
  {
    pqxx::nontransaction t{conn};
    t.exec("VACUUM ANALYZE job_search");
  }
  auto t2 = clock_type::now();
  std::printf("setup: %d jobs written in %.1f s, projected into the read model in %.1f s (%.0f jobs/s)\n", opt.jobs,
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count(),
              opt.jobs / std::chrono::duration<double>(t2 - t1).count());
}

std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '=' || c == '&' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"HireHub job search benchmark"};
  options opt;
  app.add_option("--port", opt.port)->required();
  app.add_option("--db-url", opt.db_url)->required();
  app.add_option("--secret", opt.secret);
  app.add_option("--jobs", opt.jobs)->capture_default_str();
  app.add_option("--connections", opt.connections)->capture_default_str();
  app.add_option("--seconds", opt.seconds)->capture_default_str();
  app.add_flag("--load-only", opt.load_only, "Fill the database and exit (for EXPLAIN sessions)");
  CLI11_PARSE(app, argc, argv);

  load(opt);
  if (opt.load_only)
    return 0;
  auto sub = hirehub::ids::random_uuid();
  hirehub::jwt::claims c{sub, "jobseeker", "", "hirehub", std::time(nullptr), std::time(nullptr) + 7200, ""};
  auto tok = hirehub::jwt::sign(c, opt.secret);

  // Query classes, each a list of concrete queries.
  std::map<std::string, std::vector<std::string>> classes = {
      {"newest", {""}},
      {"text_en", {"q=engineer", "q=backend", "q=platform engineer", "q=kubernetes", "q=designer", "q=senior data"}},
      {"text_ko", {"q=개발자", "q=서울", "q=데이터 엔지니어", "q=백엔드", "q=시니어 서버", "q=기획자"}},
      {"filters",
       {"skills=kafka", "location=seoul", "remote_type=remote&experience=3",
        "salary_min=70000000&salary_max=90000000&job_type=full-time", "skills=python,aws&experience_level=senior"}},
      {"text_filters",
       {"q=engineer&skills=python&remote_type=hybrid", "q=개발자&location=서울", "q=backend&experience=5"}},
      {"relevance",
       {"q=backend engineer&sort=relevance", "q=개발자&sort=relevance", "q=machine learning&sort=relevance"}},
  };
  // Second pages: the cursor of each newest / text query's first page.
  {
    hh_bench::connection conn{opt.port};
    for (auto& q : std::vector<std::string>{"", "q=engineer", "q=개발자", "skills=kafka"}) {
      std::string body;
      conn.get("/api/v1/jobs?" + enc(q) + "&limit=20", tok, &body);
      auto j = nlohmann::json::parse(body, nullptr, false);
      if (j.is_object() && j["next_cursor"].is_string())
        classes["page2"].push_back(q + (q.empty() ? "" : "&") + "cursor=" + j["next_cursor"].get<std::string>());
    }
  }
  std::vector<std::pair<std::string, std::string>> mix;
  for (auto& [name, qs] : classes)
    for (auto& q : qs)
      mix.emplace_back(name, "/api/v1/jobs?" + enc(q) + (q.empty() ? "" : "&") + "limit=20");

  std::mutex mtx;
  std::map<std::string, std::vector<double>> lat;
  std::atomic<size_t> errors{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  auto start = clock_type::now();
  for (int t = 0; t < opt.connections; ++t)
    threads.emplace_back([&, t] {
      hh_bench::connection conn{opt.port};
      std::map<std::string, std::vector<double>> mine;
      std::string body;
      std::mt19937 rng{static_cast<unsigned>(t + 1)};
      while (!stop) {
        auto& [name, target] = mix[rng() % mix.size()];
        auto t0 = clock_type::now();
        int status = conn.get(target, tok, &body);
        mine[name].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        if (status != 200)
          ++errors;
      }
      std::lock_guard<std::mutex> g{mtx};
      for (auto& [k, v] : mine)
        lat[k].insert(lat[k].end(), v.begin(), v.end());
    });
  std::this_thread::sleep_for(std::chrono::seconds(opt.seconds));
  stop = true;
  for (auto& th : threads)
    th.join();
  auto secs = std::chrono::duration<double>(clock_type::now() - start).count();
  std::vector<double> all;
  std::printf("\njob search over %d jobs, %d connections, %d s (latency in ms, send to full response)\n", opt.jobs,
              opt.connections, opt.seconds);
  std::printf("%-14s %8s %8s %8s %8s\n", "class", "count", "p50", "p99", "max");
  for (auto& [k, v] : lat) {
    std::printf("%-14s %8zu %8.2f %8.2f %8.2f\n", k.c_str(), v.size(), pct(v, 0.5), pct(v, 0.99), pct(v, 1.0));
    all.insert(all.end(), v.begin(), v.end());
  }
  std::printf("%-14s %8zu %8.2f %8.2f %8.2f\n", "all", all.size(), pct(all, 0.5), pct(all, 0.99), pct(all, 1.0));
  std::printf("throughput: %.0f searches/s, errors: %zu\n", static_cast<double>(all.size()) / secs, errors.load());
  std::printf("target: p99 <= 20 ms over 200,000 jobs -> %s\n", pct(all, 0.99) <= 20.0 ? "met" : "NOT met");
  return errors > 0 ? 1 : 0;
}
