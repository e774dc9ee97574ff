#include "node/seed.hpp"

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "tools/corpus/corpus.hpp"
#include "gateway/api.hpp"
#include "gateway/jwt.hpp"
#include "persistence/accounts.hpp"
#include "persistence/migrations.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/crypto.hpp"

namespace hirehub::node {

namespace {

using nlohmann::json;

// ---- data ----------------------------------------------------------------------

const char* ko_surnames[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",
                             "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"};
const char* ko_given[] = {"민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "민서", "예준", "하은",
                          "준우", "지민", "현우", "수아", "건우", "지유", "우진", "채원", "선우", "다은",
                          "연우", "예린", "유준", "소율", "정우", "윤서", "승현", "가은", "시우", "나연"};
const char* en_first[] = {"James", "Emily", "Daniel", "Sophia", "Michael", "Olivia", "David", "Grace",
                          "Ryan",  "Chloe", "Ethan",  "Hannah", "Lucas",   "Mia",    "Noah",  "Ava"};
const char* en_last[] = {"Kim", "Lee", "Park", "Smith", "Johnson", "Brown", "Miller", "Wilson", "Taylor", "Anderson"};
const char* company_pre[] = {"한빛", "누리", "새솔", "다온", "블루오션", "하늘", "미래", "스마트", "온누리", "가람"};
const char* company_post[] = {"소프트", "랩스", "테크",     "시스템즈", "네트웍스",
                              "데이터", "페이", "헬스케어", "모빌리티", "게임즈"};
const char* en_companies[] = {"Nexa Labs", "Bluepeak Systems", "Cobalt Pay",   "Northwind Health",
                              "Lumen AI",  "Harbor Logistics", "Quanta Games", "Brightpath Mobility"};
const char* industries[] = {"IT/소프트웨어", "핀테크", "헬스케어", "게임", "모빌리티", "이커머스", "교육", "AI"};
const char* sizes[] = {"1-10", "11-50", "51-200", "201-500", "500+"};
const char* locations[] = {"서울 강남구",   "서울 서초구", "서울 마포구", "성남시 분당구 (판교)", "서울 영등포구",
                           "부산 해운대구", "대전 유성구", "인천 연수구", "Seoul, Gangnam",       "Remote (Korea)"};
struct role {
  const char* title;
  const char* position;
  std::vector<std::string> skills;
};
const role roles[] = {
    {"백엔드 개발자 (Java/Spring)", "백엔드 개발자", {"Java", "Spring", "MySQL", "Redis", "AWS"}},
    {"백엔드 개발자 (Go)", "백엔드 개발자", {"Go", "PostgreSQL", "Kubernetes", "gRPC", "Kafka"}},
    {"프론트엔드 개발자 (React)", "프론트엔드 개발자", {"React", "TypeScript", "JavaScript", "Next.js"}},
    {"데이터 엔지니어", "데이터 엔지니어", {"Python", "Spark", "Airflow", "Kafka", "SQL"}},
    {"머신러닝 엔지니어", "ML 엔지니어", {"Python", "PyTorch", "TensorFlow", "Kubernetes"}},
    {"DevOps 엔지니어", "DevOps 엔지니어", {"Kubernetes", "Docker", "Terraform", "AWS", "Linux"}},
    {"iOS 개발자", "iOS 개발자", {"Swift", "iOS"}},
    {"Android 개발자", "Android 개발자", {"Kotlin", "Android"}},
    {"Senior Backend Engineer (C++)", "Backend Engineer", {"C++", "Linux", "PostgreSQL", "Kafka"}},
    {"Site Reliability Engineer", "SRE", {"Go", "Kubernetes", "Prometheus", "Linux", "AWS"}},
    {"Data Scientist", "Data Scientist", {"Python", "SQL", "Pandas", "Machine Learning"}},
    {"Full-stack Engineer (Node.js)", "Full-stack Engineer", {"Node.js", "TypeScript", "React", "PostgreSQL"}},
};
const char* job_types[] = {"full-time", "full-time", "full-time", "contract", "intern"};
const char* remote_types[] = {"onsite", "hybrid", "remote"};
const char* rejections[] = {"not_qualified", "position_filled", "experience_mismatch", "salary_mismatch",
                            "culture_fit"};
const char* withdrawals[] = {"accepted_other_offer", "not_interested", "salary", "location", "personal"};

template <class T, size_t N>
const T& pick(std::mt19937_64& rng, const T (&xs)[N]) {
  return xs[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

int between(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// ---- HTTP ----------------------------------------------------------------------

size_t collect(char* p, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

struct response {
  long status = 0;
  json body;
};

/// One keep-alive connection to the node (libcurl easy handle).
class client {
 public:
  explicit client(std::string base) : base_(std::move(base)), h_(curl_easy_init()) {}
  ~client() { curl_easy_cleanup(h_); }
  client(const client&) = delete;

  /// Sends JSON; retries 503 (overload) and 429 (rate limit) with a pause.
  response send(const std::string& method, const std::string& path, const json& body, const std::string& tok) {
    return send_as(method, path, "application/json", body.is_null() ? std::string{} : body.dump(), !body.is_null(),
                   tok);
  }

  /// Sends a body of another type (a multipart upload), with the same retries.
  response send_as(const std::string& method, const std::string& path, const std::string& content_type,
                   const std::string& text, bool has_body, const std::string& tok) {
    for (int attempt = 0;; ++attempt) {
      auto r = once(method, path, content_type, text, has_body, tok);
      if ((r.status != 503 && r.status != 429 && r.status != 0) || attempt >= 8)
        return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(200 << std::min(attempt, 4)));
    }
  }

 private:
  response once(const std::string& method, const std::string& path, const std::string& content_type,
                const std::string& text, bool has_body, const std::string& tok) {
    std::string out;
    curl_slist* headers = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
    if (!tok.empty())
      headers = curl_slist_append(headers, ("Authorization: Bearer " + tok).c_str());
    curl_easy_reset(h_);
    curl_easy_setopt(h_, CURLOPT_URL, (base_ + path).c_str());
    curl_easy_setopt(h_, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, headers);
    if (has_body) {
      curl_easy_setopt(h_, CURLOPT_POSTFIELDS, text.c_str());
      curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE, static_cast<long>(text.size()));
    }
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_TIMEOUT_MS, 30000L);
    response r;
    if (curl_easy_perform(h_) == CURLE_OK)
      curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(headers);
    r.body = json::parse(out, nullptr, false);
    return r;
  }

  std::string base_;
  CURL* h_;
};

/// Runs fn(i, client) for i in [0, n) on `threads` threads; counts failures.
template <class F>
int parallel(size_t n, int threads, const std::string& base, F fn) {
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      client c{base};
      for (size_t i; (i = next++) < n;)
        if (!fn(i, c))
          ++failures;
    });
  for (auto& t : pool)
    t.join();
  return failures.load();
}

struct account {
  std::string id;
  std::string company_id;
  std::string token;
};

/// The pipeline moves that bring an application to `target` (each a request).
struct step {
  std::string method;
  std::string path;  ///< relative to the application; "{iv}" = the interview just scheduled
  json body;
  bool by_applicant = false;
};

std::vector<step> path_to(const std::string& target, std::mt19937_64& rng) {
  std::vector<step> s;
  auto interview = [&rng] {
    char when[32];
    std::snprintf(when, sizeof when, "2027-0%d-%02dT%02d:00", between(rng, 1, 9), between(rng, 1, 28),
                  between(rng, 10, 17));
    return step{"POST",
                "/interviews",
                {{"interview_type", between(rng, 0, 2) == 0 ? "onsite" : "video"},
                 {"scheduled_at", when},
                 {"time_zone", "Asia/Seoul"},
                 {"duration_minutes", 60},
                 {"location", "Zoom / 본사 3층 회의실"}},
                false};
  };
  auto to = [](const char* st, json extra = json::object()) {
    json b = {{"status", st}};
    b.update(extra);
    return step{"PATCH", "/status", b, false};
  };
  if (target == "submitted")
    return s;
  if (target == "withdrawn") {
    s.push_back({"PATCH", "/status", {{"status", "withdrawn"}, {"reason", pick(rng, withdrawals)}}, true});
    return s;
  }
  s.push_back(to("reviewing"));
  if (target == "rejected") {
    s.push_back(to("rejected", {{"reason", pick(rng, rejections)}}));
    return s;
  }
  if (target == "reviewing")
    return s;
  s.push_back(interview());
  if (target == "interview_scheduled")
    return s;
  s.push_back(
      {"POST", "/interviews/{iv}/complete", {{"feedback", "기술 역량 우수, 커뮤니케이션 원활"}, {"rating", 4}}, false});
  if (target == "interview_completed")
    return s;
  s.push_back(to("offered"));
  if (target == "offered")
    return s;
  s.push_back(to("accepted"));
  return s;
}

/// One seeding run: where it sends, what it made so far, the first failure.
struct seeding {
  const config& cfg;
  const seed_options& o;
  std::string base, db_url;
  std::mt19937_64 rng;
  std::mutex err_mtx;
  std::string first_error;
  std::vector<account> companies, seekers;
  std::vector<bool> seeker_korean;
  std::string a_company_email, a_seeker_email;
  struct job_plan {
    json body;
    size_t company;
  };
  std::vector<job_plan> plans;
  std::vector<std::string> job_ids, resume_ids;
  std::vector<size_t> open_jobs;

  seeding(const config& c, const seed_options& opts, std::string url)
      : cfg(c), o(opts), base(std::move(url)), db_url(c.get_string("db.url")), rng(opts.random_seed) {}

  /// Keeps the first failure; false (the item failed).
  bool note(const std::string& what, const response& r) {
    std::lock_guard<std::mutex> g{err_mtx};
    if (first_error.empty())
      first_error = what + ": HTTP " + std::to_string(r.status) + " " + r.body.dump().substr(0, 300);
    return false;
  }
};

persistence::accounts::signup_input company_input(seeding& s, size_t i, std::set<std::string>& names,
                                                  const std::string& hash, const std::string& tag) {
  auto& rng = s.rng;
  std::string name =
      i % 6 == 5 ? std::string{pick(rng, en_companies)} : std::string{pick(rng, company_pre)} + pick(rng, company_post);
  while (!names.insert(name).second)
    name += " " + std::to_string(i);
  persistence::accounts::signup_input in;
  in.email = "hr" + std::to_string(i) + "." + tag + "@company.hirehub.test";
  in.password_hash = hash;
  in.role = "company";
  in.name = std::string{pick(rng, ko_surnames)} + pick(rng, ko_given);
  in.position = "채용 담당자";
  in.company = {{"name", name},
                {"industry", pick(rng, industries)},
                {"company_size", pick(rng, sizes)},
                {"location", pick(rng, locations)},
                {"description", name + "는 " + pick(rng, industries) + " 분야의 성장하는 팀입니다."}};
  return in;
}

persistence::accounts::signup_input seeker_input(seeding& s, size_t i, const std::string& hash,
                                                 const std::string& tag) {
  auto& rng = s.rng;
  persistence::accounts::signup_input in;
  bool korean = between(rng, 0, 9) < 7;
  s.seeker_korean.push_back(korean);
  in.name = korean ? std::string{pick(rng, ko_surnames)} + pick(rng, ko_given)
                   : std::string{pick(rng, en_first)} + " " + pick(rng, en_last);
  in.email = "seeker" + std::to_string(i) + "." + tag + "@mail.hirehub.test";
  in.password_hash = hash;
  in.role = "jobseeker";
  auto& r = pick(rng, roles);
  char phone[24];
  std::snprintf(phone, sizeof phone, "+8210%04d%04d", between(rng, 1000, 9999), between(rng, 0, 9999));
  in.profile = {{"phone", phone},
                {"experience_years", between(rng, 0, 15)},
                {"desired_position", r.position},
                {"desired_salary_min", between(rng, 35, 80) * 1000000},
                {"skills", r.skills}};
  if (!korean)
    in.time_zone = "UTC";
  return in;
}

/// Accounts straight into the database (one password hash for all: it is demo data),
/// with tokens signed like the node it fills.
bool seed_accounts(seeding& s, size_t n_companies, size_t n_seekers) {
  auto hash =
      crypto::password_hash(s.o.password, {static_cast<uint64_t>(s.cfg.get_int("auth.password_opslimit")),
                                           static_cast<size_t>(s.cfg.get_int("auth.password_memlimit_kib")) * 1024});
  auto tag = std::to_string(now_ms() % 100000000);
  std::vector<persistence::accounts::signup_input> inputs;
  std::set<std::string> company_names;
  for (size_t i = 0; i < n_companies; ++i)
    inputs.push_back(company_input(s, i, company_names, hash, tag));
  for (size_t i = 0; i < n_seekers; ++i)
    inputs.push_back(seeker_input(s, i, hash, tag));
  std::vector<persistence::accounts::subject> subjects;
  try {
    subjects = persistence::accounts::signup_many(s.db_url, inputs);
  } catch (const std::exception& e) {
    std::cerr << "hirehub seed: cannot create accounts: " << e.what() << '\n';
    return false;
  }
  auto keys = gateway::load_keys(s.cfg, true);
  auto token_of = [&](const persistence::accounts::subject& who) {
    jwt::claims c;
    c.sub = who.user_id;
    c.role = who.role;
    c.company_id = who.company_id;
    c.issuer = s.cfg.get_string("auth.issuer");
    c.issued_at = now_ms() / 1000;
    c.expires_at = c.issued_at + 3600;
    return account{who.user_id, who.company_id, keys.sign(c)};
  };
  for (size_t i = 0; i < subjects.size(); ++i)
    (i < n_companies ? s.companies : s.seekers).push_back(token_of(subjects[i]));
  s.a_company_email = inputs.front().email;
  s.a_seeker_email = inputs[n_companies].email;
  std::cout << "accounts: " << s.companies.size() << " companies, " << s.seekers.size() << " jobseekers\n";
  return true;
}

/// Jobs through the API (job.created on Kafka, the search read model), with the
/// skills of the master list only. False when none could be created.
bool seed_jobs(seeding& s, client& probe, size_t n_jobs) {
  auto& rng = s.rng;
  std::set<std::string> known_skills;
  auto sk = probe.send("GET", "/api/v1/skills", nullptr, s.companies.front().token);
  if (sk.status == 200)
    for (auto& x : sk.body["skills"])
      known_skills.insert(x.value("name", ""));
  for (size_t i = 0; i < n_jobs; ++i) {
    auto& r = pick(rng, roles);
    int exp_min = between(rng, 0, 7);
    int sal_min = between(rng, 35, 90);
    json skills = json::array();
    for (size_t k = 0; k < r.skills.size(); ++k)
      if (known_skills.count(r.skills[k]))
        skills.push_back({{"name", r.skills[k]}, {"required", skills.size() < 2}});
    s.plans.push_back(
        {{{"title", r.title},
          {"description", std::string{"우리 팀의 "} + r.position +
                              "로서 서비스의 핵심 기능을 설계하고 운영합니다. We build and run the core of "
                              "our product with a small, senior team."},
          {"requirements", "관련 경력 " + std::to_string(exp_min) + "년 이상; " + r.skills[0] + " 실무 경험"},
          {"job_type", pick(rng, job_types)},
          {"experience_min", exp_min},
          {"experience_max", exp_min + between(rng, 2, 6)},
          {"salary_min", sal_min * 1000000},
          {"salary_max", (sal_min + between(rng, 10, 40)) * 1000000},
          {"location", pick(rng, locations)},
          {"remote_type", pick(rng, remote_types)},
          {"skills", skills},
          {"status", i % 10 == 9 ? "draft" : "open"}},
         i % s.companies.size()});
  }
  s.job_ids.assign(n_jobs, "");
  int failed = parallel(n_jobs, s.o.threads, s.base, [&](size_t i, client& c) {
    auto r = c.send("POST", "/api/v1/jobs", s.plans[i].body, s.companies[s.plans[i].company].token);
    if (r.status != 201)
      return s.note("POST /api/v1/jobs", r);
    s.job_ids[i] = r.body.value("id", "");
    return true;
  });
  for (size_t i = 0; i < n_jobs; ++i)
    if (!s.job_ids[i].empty() && s.plans[i].body["status"] == "open")
      s.open_jobs.push_back(i);
  std::cout << "jobs: " << n_jobs - failed << " (" << s.open_jobs.size() << " open)\n";
  if (s.open_jobs.empty()) {
    std::cerr << "hirehub seed: no job could be created: " << s.first_error << '\n';
    return false;
  }
  return true;
}

/// A resume per jobseeker through the upload API and the pipeline: generated PDF
/// and DOCX files in the seeker's language, with personal data to mask.
void seed_resumes(seeding& s) {
  s.resume_ids.assign(s.seekers.size(), "");
  const std::string boundary = "----hirehub-seed-5e1d";
  int failed = parallel(s.seekers.size(), s.o.threads, s.base, [&](size_t i, client& c) {
    auto g = resume::corpus::generate(s.o.random_seed * 1000003 + i, s.seeker_korean[i] ? "ko" : "en",
                                      1 + static_cast<int>(i % 2));
    bool pdf = i % 2 == 0;
    auto file = pdf ? resume::corpus::render_pdf(g) : resume::corpus::render_docx(g);
    auto form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n" + g.title + "\r\n--" +
                boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"resume." +
                (pdf ? "pdf" : "docx") + "\"\r\n\r\n" + file + "\r\n--" + boundary + "--\r\n";
    auto r = c.send_as("POST", "/api/v1/resumes", "multipart/form-data; boundary=" + boundary, form, true,
                       s.seekers[i].token);
    if (r.status != 202)
      return s.note("POST /api/v1/resumes", r);
    s.resume_ids[i] = r.body.value("id", "");
    return true;
  });
  std::cout << "resumes: " << s.seekers.size() - failed << " uploaded (PDF and DOCX)\n";
}

/// Applications, each moved to a target status along the pipeline, with the seeker's resume.
void seed_applications(seeding& s, size_t n_apps) {
  const std::pair<const char*, int> mix[] = {{"submitted", 30},          {"reviewing", 20}, {"interview_scheduled", 12},
                                             {"interview_completed", 8}, {"offered", 6},    {"accepted", 6},
                                             {"rejected", 12},           {"withdrawn", 6}};
  struct app_plan {
    size_t seeker, job;
    std::vector<step> steps;
  };
  std::vector<app_plan> apps;
  std::set<std::pair<size_t, size_t>> taken;
  auto& rng = s.rng;
  for (size_t i = 0; i < n_apps && taken.size() < s.seekers.size() * s.open_jobs.size(); ++i) {
    size_t seeker, job;
    do {
      seeker = static_cast<size_t>(between(rng, 0, static_cast<int>(s.seekers.size()) - 1));
      job = s.open_jobs[static_cast<size_t>(between(rng, 0, static_cast<int>(s.open_jobs.size()) - 1))];
    } while (!taken.insert({seeker, job}).second);
    int roll = between(rng, 0, 99);
    const char* target = "submitted";
    for (auto& [st, pct] : mix)
      if ((roll -= pct) < 0) {
        target = st;
        break;
      }
    apps.push_back({seeker, job, path_to(target, rng)});
  }
  int failed = parallel(apps.size(), s.o.threads, s.base, [&](size_t i, client& c) {
    auto& a = apps[i];
    auto& seeker = s.seekers[a.seeker];
    if (s.resume_ids[a.seeker].empty())
      return false;  // its upload failed (noted above)
    auto r = c.send("POST", "/api/v1/applications",
                    {{"job_id", s.job_ids[a.job]},
                     {"resume_id", s.resume_ids[a.seeker]},
                     {"cover_letter", "안녕하세요, 귀사의 포지션에 깊은 관심이 있어 지원합니다."}},
                    seeker.token);
    if (r.status != 201)
      return s.note("POST /api/v1/applications", r);
    auto id = r.body.value("id", "");
    auto& company = s.companies[s.plans[a.job].company];
    std::string iv;
    for (auto& st : a.steps) {
      auto path = st.path;
      if (auto k = path.find("{iv}"); k != std::string::npos)
        path.replace(k, 4, iv);
      auto res = c.send(st.method, "/api/v1/applications/" + id + path, st.body,
                        st.by_applicant ? seeker.token : company.token);
      if (res.status != 200 && res.status != 201)
        return s.note(st.method + " .../" + id + path, res);
      if (st.path == "/interviews")
        iv = res.body.value("id", "");
    }
    return true;
  });
  std::cout << "applications: " << apps.size() - failed << " of " << apps.size() << '\n';
}

/// The resumes finish in the background; waits for them (at most five minutes).
void wait_for_resumes(seeding& s) {
  auto wait_from = std::chrono::steady_clock::now();
  persistence::resume_progress progress;
  for (;;) {
    try {
      progress = persistence::resume_counts(s.db_url);
    } catch (const std::exception& e) {
      std::cerr << "hirehub seed: cannot read the resumes' progress: " << e.what() << '\n';
      break;
    }
    if (progress.processing == 0 || std::chrono::steady_clock::now() - wait_from > std::chrono::minutes(5))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  std::cout << "resumes: " << progress.ready << " ready, " << progress.error << " error, " << progress.processing
            << " still processing ("
            << static_cast<int>(std::chrono::duration<double>(std::chrono::steady_clock::now() - wait_from).count())
            << " s after the last application)\n";
}

}  // namespace

int run_seed(const config& cfg, const seed_options& o) {
  auto started = std::chrono::steady_clock::now();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto base = o.url.empty() ? "http://127.0.0.1:" + std::to_string(cfg.get_int("http.port")) : o.url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  seeding s{cfg, o, base};
  auto n_of = [&o](int n) { return std::max<size_t>(1, static_cast<size_t>(n * o.scale + 0.5)); };

  client probe{base};
  bool ready = false;
  for (int i = 0; i < 120 && !(ready = probe.send("GET", "/ready", nullptr, "").status == 200); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  if (!ready) {
    std::cerr << "hirehub seed: no ready node at " << base << " (start one with ./deploy/run.sh)\n";
    return 1;
  }
  if (o.reset) {
    persistence::reset_domain_data(s.db_url);
    std::cout << "reset: domain tables emptied\n";
  }
  if (!seed_accounts(s, n_of(50), n_of(500)) || !seed_jobs(s, probe, n_of(200)))
    return 1;
  seed_resumes(s);
  seed_applications(s, n_of(1000));
  wait_for_resumes(s);
  if (o.reset)
    std::cout << "note: a running node's vector index still holds the chunks of the resumes --reset removed; "
                 "restart the node to rebuild it\n";
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "seeded in " << static_cast<int>(secs) << " s. Every seeded account's password: " << o.password
            << "\n  a company: " << s.a_company_email << "\n  a jobseeker: " << s.a_seeker_email << '\n';
  if (!s.first_error.empty()) {
    std::cerr << "hirehub seed: some requests failed; the first: " << s.first_error << '\n';
    return 1;
  }
  return 0;
}

}  // namespace hirehub::node
