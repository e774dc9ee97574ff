// bench/match: matching at the sizes issue 22 names.
//
//   --pure: in memory only (no node): a pool of N candidates and M open jobs in
//     compact form; a new job against the pool (its top-k with breakdowns), a new resume against every job, a page of a
//     job's top-k; memory per candidate (compact form and ids) and per job actor (its top-k rows as the actor holds
//     them, JSON).
//   --load: writes N jobseekers with parsed resumes and M open jobs into PostgreSQL
//     (bench/match.sh then restarts the node so its match index loads them);
//   --measure: against the running node: how long the index takes to be ready, a new
//     job scored against the pool, stored and published (from its POST to the
//     matching group's confirmation of job.created, which commits with the rows), a
//     new resume scored against every open job, stored and published (from its
//     resume.processed to the confirmation), and top-20 of a job's matches and of a
//     jobseeker's recommendations through HTTP (closed loop, C connections, T seconds).
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "actors/match_core.hpp"
#include "bench/bench_support.hpp"
#include "domain/skill_taxonomy.hpp"
#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

using clock_type = std::chrono::steady_clock;
using hh_bench::pct;
using nlohmann::json;
namespace dm = hirehub::domain::matching;
namespace mc = hirehub::matching;

namespace {

struct options {
  bool pure = false, load = false, measure = false;
  int port = 8080;
  std::string db_url;
  std::string secret = "dev-secret-change-me";
  int candidates = 100000;
  int jobs = 10000;
  int connections = 4;
  int seconds = 10;
  int top_k = 200;
  int samples = 10;  ///< new jobs, new resumes
  bool skip_cold = false;
};

double secs(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return 0;
}

/// Families of skills people hold together (canonical names of the taxonomy).
const std::vector<std::pair<std::string, std::vector<std::string>>>& families() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> f = {
      {"Backend Engineer", {"Go", "Java", "Spring Boot", "Kotlin", "Python", "PostgreSQL", "MySQL", "Redis", "Kafka"}},
      {"Frontend Engineer", {"JavaScript", "TypeScript", "React", "Vue.js", "Next.js", "HTML", "CSS", "GraphQL"}},
      {"Data Engineer", {"Python", "SQL", "Spark", "Airflow", "Hadoop", "Tableau", "Pandas", "Kafka"}},
      {"ML Engineer", {"Python", "PyTorch", "TensorFlow", "Machine Learning", "Deep Learning", "NLP", "NumPy"}},
      {"DevOps Engineer", {"Kubernetes", "Docker", "Terraform", "AWS", "GCP", "Linux", "Jenkins", "Nginx"}},
      {"iOS Developer", {"Swift", "iOS", "Kotlin", "Android", "Flutter", "React Native"}},
  };
  return f;
}

/// A parsed resume as the pipeline stores it (parsed_content).
json parsed_resume(std::mt19937_64& rng) {
  const auto& [title, skills] = families()[rng() % families().size()];
  double years = static_cast<double>(rng() % 150) / 10.0;
  json sk = json::array();
  for (const auto& s : skills) {
    auto r = rng() % 10;
    if (r < 4)
      continue;
    const char* source = r < 7 ? "experience" : r < 9 ? "skills" : "interests";
    sk.push_back({{"name", s},
                  {"category", ""},
                  {"proficiency", nullptr},
                  {"years", nullptr},
                  {"source", source},
                  {"years_from_experience", std::string{source} == "experience" ? years * 0.7 : 0.0}});
  }
  return {{"experiences",
           {{{"company", "회사"},
             {"position", title},
             {"start", "2015-01"},
             {"end", nullptr},
             {"current", true},
             {"description", ""}}}},
          {"educations", json::array()},
          {"skills", sk},
          {"certifications", json::array()},
          {"years_experience", years},
          {"language", "ko"},
          {"work_style", rng() % 3 ? json::array() : json::array({"agile"})}};
}

json job_row(std::mt19937_64& rng, const std::string& id) {
  const auto& [title, skills] = families()[rng() % families().size()];
  json sk = json::array();
  std::vector<std::string> pool = skills;
  std::shuffle(pool.begin(), pool.end(), rng);
  for (size_t i = 0; i < 4 && i < pool.size(); ++i)
    sk.push_back({{"name", pool[i]}, {"required", i < 2}});
  int lo = static_cast<int>(rng() % 8);
  return {{"job_id", id},           {"company_id", id},
          {"version", 1},           {"title", title},
          {"text", "agile team"},   {"skills", sk},
          {"experience_min", lo},   {"experience_max", lo + 4},
          {"experience_level", ""}, {"remote_type", "hybrid"},
          {"expires_at_ms", 0}};
}

void pure(const options& o) {
  std::mt19937_64 rng(7);
  long before = rss_kib();
  std::vector<std::shared_ptr<const mc::pool_candidate>> cands;
  cands.reserve(static_cast<size_t>(o.candidates));
  auto t0 = clock_type::now();
  for (int i = 0; i < o.candidates; ++i)
    cands.push_back(
        mc::candidate_from(hirehub::ids::random_uuid(), hirehub::ids::random_uuid(), 1, parsed_resume(rng)));
  std::vector<std::shared_ptr<const mc::pool_job>> jobs;
  for (int i = 0; i < o.jobs; ++i)
    jobs.push_back(mc::job_from(job_row(rng, hirehub::ids::random_uuid())));
  auto p = mc::rebuild(mc::pool{}, {}, cands, {}, jobs, 0);
  cands.clear();
  jobs.clear();
  auto t1 = clock_type::now();
  long after = rss_kib();
  std::printf("pool: %d candidates, %d open jobs built from parsed JSON in %.2f s\n", o.candidates, o.jobs,
              secs(t0, t1));
  std::printf(
      "memory: %.0f bytes per candidate counted (compact form, ids, index maps); RSS grew %.0f bytes per "
      "candidate (with the jobs)\n",
      static_cast<double>(p->candidate_bytes()) / o.candidates,
      static_cast<double>(after - before) * 1024 / o.candidates);
  dm::weights w;
  std::vector<double> job_ms, resume_ms;
  for (int r = 0; r < 20; ++r) {
    const auto& j = *p->jobs()[rng() % p->jobs().size()];
    auto a = clock_type::now();
    auto top = mc::top_candidates(*p, j.profile, static_cast<size_t>(o.top_k), w);
    json rows = json::array();
    for (const auto& t : top)
      rows.push_back(dm::breakdown(j.profile, p->candidates()[t.index]->form, w));
    auto b = clock_type::now();
    job_ms.push_back(secs(a, b) * 1000);
    const auto& c = *p->candidates()[rng() % p->candidates().size()];
    auto all = mc::score_jobs(*p, c.form, 0, w);
    auto e = clock_type::now();
    resume_ms.push_back(secs(b, e) * 1000);
  }
  std::printf("a new job against %d candidates (top-%d with breakdowns): p50 %.1f ms, max %.1f ms\n", o.candidates,
              o.top_k, pct(job_ms, 0.5), pct(job_ms, 1));
  std::printf("a new resume against %d open jobs (every score, ranked): p50 %.2f ms, max %.2f ms\n", o.jobs,
              pct(resume_ms, 0.5), pct(resume_ms, 1));
  // The index's new snapshot after one jobseeker's resume changed, or one job.
  std::vector<double> user_change_ms, job_change_ms;
  for (int r = 0; r < 10; ++r) {
    const auto& c = *p->candidates()[rng() % p->candidates().size()];
    auto replaced = mc::candidate_from(hirehub::ids::random_uuid(), c.user_id, 2, parsed_resume(rng));
    const auto& j = *p->jobs()[rng() % p->jobs().size()];
    auto edited = mc::job_from(job_row(rng, j.job_id));
    auto a = clock_type::now();
    auto p2 = mc::rebuild(*p, {c.user_id}, {replaced}, {}, {}, 0);
    auto b = clock_type::now();
    auto p3 = mc::rebuild(*p2, {}, {}, {j.job_id}, {edited}, 0);
    auto e = clock_type::now();
    user_change_ms.push_back(secs(a, b) * 1000);
    job_change_ms.push_back(secs(b, e) * 1000);
    p = p3;
  }
  std::printf("the index's next snapshot after one resume changed: p50 %.1f ms; after one job changed: p50 %.1f ms\n",
              pct(user_change_ms, 0.5), pct(job_change_ms, 0.5));
  // A job actor's state: its top-k rows, each its item serialised once, as the actor holds them.
  long s0 = rss_kib();
  std::vector<std::vector<std::string>> states(1000);
  for (auto& st : states) {
    const auto& j = *p->jobs()[rng() % p->jobs().size()];
    for (const auto& t : mc::top_candidates(*p, j.profile, static_cast<size_t>(o.top_k), w)) {
      auto b = dm::breakdown(j.profile, p->candidates()[t.index]->form, w);
      st.push_back(json{
          {"match_id", hirehub::ids::random_uuid()},
          {"resume_id", p->candidates()[t.index]->resume_id},
          {"overall_score", t.s.overall},
          {"breakdown", b},
          {"reasoning", dm::reasoning(b, true)},
          {"seq", 1}}.dump());
    }
  }
  long s1 = rss_kib();
  std::printf("memory: a job actor holding its top-%d: %.0f KiB\n", o.top_k, static_cast<double>(s1 - s0) / 1000);
}

// ---------------------------------------------------------------- against a node

void load(const options& o) {
  pqxx::connection conn{o.db_url};
  std::mt19937_64 rng(11);
  // Kept to give every job its k-th best score below (what its list would hold).
  std::vector<std::shared_ptr<const mc::pool_candidate>> forms;
  std::vector<std::shared_ptr<const mc::pool_job>> job_forms;
  auto t0 = clock_type::now();
  const int batch = 1000;
  for (int done = 0; done < o.candidates; done += batch) {
    pqxx::work t{conn};
    std::string users, resumes;
    for (int k = 0; k < batch && done + k < o.candidates; ++k) {
      auto u = hirehub::ids::random_uuid();
      auto r = hirehub::ids::random_uuid();
      users += std::string{users.empty() ? "(" : ",("} + t.quote(u) + "::uuid, " + t.quote(u + "@bench.test") +
               ", '-', 'jobseeker')";
      auto parsed = parsed_resume(rng);
      forms.push_back(mc::candidate_from(r, u, 1, parsed));
      resumes += std::string{resumes.empty() ? "(" : ",("} + t.quote(r) + "::uuid, " + t.quote(u) +
                 "::uuid, 'CV', 'x', 'cv.txt', 'txt', 1, repeat('0', 64), 'ready', 100, " + t.quote(parsed.dump()) +
                 "::jsonb, true)";
    }
    t.exec("INSERT INTO users (id, email, password_hash, user_type) VALUES " + users);
    t.exec(
        "INSERT INTO resumes (id, user_id, title, original_file_url, original_file_name, file_type, file_size, "
        "file_sha256, status, progress, parsed_content, is_primary) VALUES " +
        resumes);
    t.commit();
  }
  auto t1 = clock_type::now();
  {
    pqxx::work t{conn};
    t.exec("INSERT INTO companies (id, name) SELECT gen_random_uuid(), 'Bench ' || g FROM generate_series(1, 300) g");
    t.commit();
  }
  for (int done = 0; done < o.jobs; done += batch) {
    pqxx::work t{conn};
    std::string jobs, skills;
    for (int k = 0; k < batch && done + k < o.jobs; ++k) {
      auto id = hirehub::ids::random_uuid();
      auto row = job_row(rng, id);
      job_forms.push_back(mc::job_from(row));
      jobs += std::string{jobs.empty() ? "(" : ",("} + t.quote(id) +
              "::uuid, (SELECT id FROM companies WHERE name LIKE 'Bench %' ORDER BY random() LIMIT 1), "
              "gen_random_uuid(), " +
              t.quote(row["title"].get<std::string>()) + ", 'agile team', " +
              std::to_string(row["experience_min"].get<int>()) + ", " +
              std::to_string(row["experience_max"].get<int>()) + ", 'hybrid', 'open', now())";
      for (const auto& s : row["skills"])
        skills += std::string{skills.empty() ? "(" : ",("} + t.quote(id) +
                  "::uuid, (SELECT id FROM skill_tags WHERE name = " + t.quote(s["name"].get<std::string>()) + "), " +
                  (s["required"].get<bool>() ? "true" : "false") + ")";
    }
    t.exec(
        "INSERT INTO jobs (id, company_id, created_by, title, description, experience_min, experience_max, "
        "remote_type, status, posted_at) VALUES " +
        jobs);
    t.exec("INSERT INTO job_skills (job_id, skill_id, is_required) VALUES " + skills);
    t.commit();
  }
  auto t2 = clock_type::now();
  // Steady state: every job's list is full, so a new resume enters a job only above its
  // k-th best score (match_floors, as the scorer keeps it). The floors are the real k-th
  // scores over this pool; the k rows themselves are not written.
  auto p = mc::rebuild(mc::pool{}, {}, forms, {}, job_forms, 0);
  std::vector<double> floors(p->jobs().size());
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 2; ++w)
    workers.emplace_back([&, w] {
      for (size_t j = w; j < p->jobs().size(); j += 2) {
        auto top = mc::top_candidates(*p, p->jobs()[j]->profile, static_cast<size_t>(o.top_k), dm::weights{});
        floors[j] = top.size() == static_cast<size_t>(o.top_k) ? top.back().s.overall : 0;
      }
    });
  for (auto& w : workers)
    w.join();
  {
    pqxx::work t{conn};
    json rows = json::array();
    for (size_t j = 0; j < p->jobs().size(); ++j)
      rows.push_back({{"job_id", p->jobs()[j]->job_id}, {"floor", floors[j]}});
    t.exec_params(
        "INSERT INTO match_floors (job_id, floor, rows) SELECT job_id, floor, $2::int FROM "
        "jsonb_to_recordset($1::jsonb) AS x(job_id uuid, floor numeric)",
        rows.dump(), o.top_k);
    t.commit();
  }
  {
    pqxx::nontransaction t{conn};
    t.exec("VACUUM ANALYZE");
  }
  auto t3 = clock_type::now();
  std::printf(
      "setup: %d jobseekers with parsed resumes in %.1f s, %d open jobs in %.1f s, their top-%d floors in "
      "%.1f s\n",
      o.candidates, secs(t0, t1), o.jobs, secs(t1, t2), o.top_k, secs(t2, t3));
}

std::string token(const options& o, const std::string& sub, const std::string& role, const std::string& company) {
  hirehub::jwt::claims c{sub, role, company, "hirehub", std::time(nullptr), std::time(nullptr) + 7200, ""};
  return hirehub::jwt::sign(c, o.secret);
}

/// Waits until the matching group confirmed outbox row `id` (it commits with the rows).
double until_confirmed(pqxx::connection& conn, int64_t id, clock_type::time_point from) {
  for (;;) {
    pqxx::work t{conn};
    auto r = t.exec_params(
        "SELECT 1 FROM outbox_acks WHERE group_id LIKE '%-matching' AND $1::bigint = ANY(ids) LIMIT 1", id);
    t.commit();
    if (!r.empty())
      return secs(from, clock_type::now());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/// Each sample in the order taken, in seconds.
void print_samples(const std::vector<double>& s) {
  std::printf("  (in order:");
  for (double x : s)
    std::printf(" %.2f", x);
  std::printf(")\n");
}

/// Top-20 through HTTP, closed loop, `connections` for `seconds`: the latencies in ms.
std::vector<double> drive(const options& o, const std::vector<std::pair<std::string, std::string>>& targets) {
  std::vector<std::vector<double>> per(static_cast<size_t>(o.connections));
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c)
    threads.emplace_back([&, c] {
      hh_bench::connection conn{o.port};
      size_t i = static_cast<size_t>(c);
      while (!stop) {
        const auto& [target, tok] = targets[i++ % targets.size()];
        auto a = clock_type::now();
        if (conn.get(target, tok, nullptr) != 200)
          ++errors;
        per[static_cast<size_t>(c)].push_back(secs(a, clock_type::now()) * 1000);
      }
    });
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  stop = true;
  for (auto& t : threads)
    t.join();
  std::vector<double> all;
  for (auto& v : per)
    all.insert(all.end(), v.begin(), v.end());
  if (errors)
    std::printf("  (%d requests not answered 200)\n", errors.load());
  return all;
}

void measure(const options& o) {
  pqxx::connection conn{o.db_url};
  std::mt19937_64 rng(13);
  std::vector<std::string> seekers;
  {
    pqxx::work t{conn};
    for (const auto& r : t.exec("SELECT user_id::text FROM resumes ORDER BY random() LIMIT 200"))
      seekers.push_back(r[0].as<std::string>());
    t.commit();
  }
  // The index loads the pool when the node starts: the first recommendation waits for it.
  auto t0 = clock_type::now();
  {
    hh_bench::connection c{o.port};
    c.get("/api/v1/me/recommendations?limit=20", token(o, seekers[0], "jobseeker", ""), nullptr);
  }
  std::printf("match index ready %.2f s after the node answered /health\n", secs(t0, clock_type::now()));
  // Its consumers join their groups meanwhile (seconds: the broker waits for members):
  // what follows measures a node at work, the wait is printed apart.
  for (;;) {
    hh_bench::connection c{o.port};
    std::string text;
    c.get("/metrics", token(o, hirehub::ids::random_uuid(), "admin", ""), &text);
    auto at = text.find("hirehub_kafka_assigned_partitions{group=\"");
    bool all = at != std::string::npos;
    for (; at != std::string::npos; at = text.find("hirehub_kafka_assigned_partitions{group=\"", at + 1)) {
      auto value = text.substr(text.find("} ", at) + 2, 8);
      all = all && std::atoi(value.c_str()) > 0;
    }
    if (all)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("every consumer group joined %.2f s after the node answered /health\n", secs(t0, clock_type::now()));

  // New jobs against the pool: POST, then the matching group's confirmation of job.created.
  std::string company, creator;
  {
    pqxx::work t{conn};
    company = t.exec("SELECT id::text FROM companies WHERE name LIKE 'Bench %' LIMIT 1")[0][0].as<std::string>();
    creator = hirehub::ids::random_uuid();
    t.exec_params(
        "INSERT INTO users (id, email, password_hash, user_type) VALUES ($1::uuid, $1 || '@hr.test', '-', "
        "'company')",
        creator);
    t.exec_params(
        "INSERT INTO company_members (company_id, user_id, name, is_primary) VALUES ($1::uuid, $2::uuid, "
        "'HR', true)",
        company, creator);
    t.commit();
  }
  auto hr = token(o, creator, "company", company);
  std::vector<double> job_s;
  std::vector<std::string> new_jobs;
  hh_bench::connection http{o.port};
  for (int i = 0; i < o.samples; ++i) {
    const auto& [title, skills] = families()[static_cast<size_t>(i) % families().size()];
    json body{{"title", title},
              {"description", "agile team"},
              {"experience_min", 2},
              {"experience_max", 8},
              {"skills",
               {{{"name", skills[0]}, {"required", true}},
                {{"name", skills[1]}, {"required", true}},
                {{"name", skills[2]}, {"required", false}}}}};
    auto a = clock_type::now();
    std::string out;
    if (http.post("/api/v1/jobs", body.dump(), hr, &out) != 201) {
      std::printf("job not created: %s\n", out.c_str());
      return;
    }
    auto id = json::parse(out)["id"].get<std::string>();
    new_jobs.push_back(id);
    int64_t outbox_id = 0;
    while (outbox_id == 0) {
      pqxx::work t{conn};
      auto r = t.exec_params("SELECT id FROM outbox WHERE topic = 'job.created' AND key = $1", id);
      t.commit();
      if (!r.empty())
        outbox_id = r[0][0].as<int64_t>();
    }
    job_s.push_back(until_confirmed(conn, outbox_id, a));
  }
  std::printf("a new job against %d candidates, top-%d stored and published: p50 %.2f s, max %.2f s (from its POST)\n",
              o.candidates, o.top_k, pct(job_s, 0.5), pct(job_s, 1));
  print_samples(job_s);

  // New resumes against every open job: a ready resume and its resume.processed, as the pipeline commits them.
  std::vector<double> resume_s;
  auto new_resume = [&]() {
    auto u = hirehub::ids::random_uuid(), r = hirehub::ids::random_uuid();
    auto a = clock_type::now();
    pqxx::work t{conn};
    t.exec_params(
        "INSERT INTO users (id, email, password_hash, user_type) VALUES ($1::uuid, $1 || '@new.test', '-', "
        "'jobseeker')",
        u);
    t.exec_params(
        "INSERT INTO resumes (id, user_id, title, original_file_url, original_file_name, file_type, "
        "file_size, file_sha256, status, progress, parsed_content) VALUES ($1::uuid, $2::uuid, 'CV', 'x', "
        "'cv.txt', 'txt', 1, repeat('0', 64), 'ready', 100, $3::jsonb)",
        r, u, parsed_resume(rng).dump());
    json ev{{"event_id", hirehub::ids::random_uuid()}, {"resume_id", r}, {"user_id", u}, {"status", "ready"}};
    auto id = t.exec_params(
                   "INSERT INTO outbox (topic, key, payload) VALUES ('resume.processed', $1, $2::jsonb) "
                   "RETURNING id",
                   r, ev.dump())[0][0]
                  .as<int64_t>();
    t.commit();
    return until_confirmed(conn, id, a);
  };
  for (int i = 0; i < o.samples; ++i)
    resume_s.push_back(new_resume());
  std::printf(
      "a new resume against %d open jobs whose lists are full, scored, stored and published: p50 %.2f s, max "
      "%.2f s\n",
      o.jobs, pct(resume_s, 0.5), pct(resume_s, 1));
  print_samples(resume_s);
  int64_t stored = 0;
  {
    pqxx::work t{conn};
    stored = t.exec(
                  "SELECT count(*) FROM matches m JOIN resumes r ON r.id = m.resume_id WHERE r.user_id IN "
                  "(SELECT id FROM users WHERE email LIKE '%@new.test')")[0][0]
                 .as<int64_t>();
    t.commit();
  }
  std::printf("  (%.0f pairs stored per new resume)\n", static_cast<double>(stored) / o.samples);

  // Where the scorer's time went (its histograms since the node started).
  {
    hh_bench::connection c{o.port};
    std::string text;
    c.get("/metrics", token(o, hirehub::ids::random_uuid(), "admin", ""), &text);
    for (const char* phase : {"index", "score_and_store"}) {
      auto value = [&](const char* suffix) {
        auto key = std::string{"hirehub_match_batch_seconds_"} + suffix + "{phase=\"" + phase + "\"} ";
        auto at = text.find(key);
        return at == std::string::npos ? 0.0 : std::atof(text.c_str() + at + key.size());
      };
      auto n = value("count");
      std::printf("  the scorer's batches, %s: %.0f, mean %.3f s\n", phase, n, n > 0 ? value("sum") / n : 0.0);
    }
  }

  // Cold: lists not yet full (a new deployment, jobs nobody scored): every pair is stored.
  if (!o.skip_cold) {
    {
      pqxx::work t{conn};
      t.exec("DELETE FROM match_floors");
      t.commit();
    }
    std::printf("a new resume against %d open jobs with empty lists (every pair stored and published): %.2f s\n",
                o.jobs, new_resume());
  }

  // Top-20 through HTTP.
  std::vector<std::pair<std::string, std::string>> job_targets, rec_targets;
  for (const auto& id : new_jobs)
    job_targets.emplace_back("/api/v1/jobs/" + id + "/matches?limit=20", hr);
  for (const auto& s : seekers)
    rec_targets.emplace_back("/api/v1/me/recommendations?limit=20", token(o, s, "jobseeker", ""));
  for (auto [name, targets] : {std::pair{"a job's top-20 matches", &job_targets},
                               std::pair{"a jobseeker's top-20 recommendations", &rec_targets}}) {
    drive(o, {(*targets)[0]});  // warm: actors active
    for (const auto& t : *targets) {
      hh_bench::connection c{o.port};
      c.get(t.first, t.second, nullptr);
    }
    auto ms = drive(o, *targets);
    std::printf("%s through HTTP (%d connections, %zu requests): p50 %.2f ms, p99 %.2f ms, %.0f req/s\n", name,
                o.connections, ms.size(), pct(ms, 0.5), pct(ms, 0.99), static_cast<double>(ms.size()) / o.seconds);
  }
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"HireHub matching benchmark"};
  app.add_flag("--pure", o.pure, "in memory only");
  app.add_flag("--load", o.load, "write the pool and the jobs into PostgreSQL");
  app.add_flag("--measure", o.measure, "measure against the running node");
  app.add_option("--port", o.port);
  app.add_option("--db-url", o.db_url);
  app.add_option("--candidates", o.candidates);
  app.add_option("--jobs", o.jobs);
  app.add_option("--connections", o.connections);
  app.add_option("--seconds", o.seconds);
  app.add_option("--samples", o.samples, "new jobs and new resumes measured");
  app.add_flag("--skip-cold", o.skip_cold, "leave match_floors as they are (measure again on the same data)");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (o.pure)
    pure(o);
  if (o.load)
    load(o);
  if (o.measure)
    measure(o);
  return 0;
}
