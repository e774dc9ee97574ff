#include "tests/support/match_eval_corpus.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace hirehub::match_eval {

namespace {

// Each family: its core skills (a job asks for some of these) and neighbours.
const std::map<std::string, std::vector<std::string>>& family_skills() {
  static const std::map<std::string, std::vector<std::string>> f = {
      {"backend",
       {"Go", "Java", "Spring Boot", "Kotlin", "Python", "Django", "PostgreSQL", "MySQL", "Redis", "Kafka", "gRPC",
        "Node.js"}},
      {"frontend", {"JavaScript", "TypeScript", "React", "Vue.js", "Next.js", "HTML", "CSS", "GraphQL"}},
      {"data", {"Python", "SQL", "Spark", "Airflow", "Hadoop", "Tableau", "Pandas", "Kafka"}},
      {"ml", {"Python", "PyTorch", "TensorFlow", "Machine Learning", "Deep Learning", "NLP", "LLM", "NumPy"}},
      {"devops", {"Kubernetes", "Docker", "Terraform", "AWS", "GCP", "Linux", "Jenkins", "Nginx"}},
      {"mobile", {"Swift", "iOS", "Kotlin", "Android", "Flutter", "React Native"}},
  };
  return f;
}

// How people write each skill (this corpus's own list, not the taxonomy's).
const std::map<std::string, std::vector<std::string>>& spellings() {
  static const std::map<std::string, std::vector<std::string>> s = {
      {"Go", {"Go", "Golang", "golang", "Go 1.21"}},
      {"Java", {"Java", "자바", "Java 17", "JAVA"}},
      {"Spring Boot", {"Spring Boot", "스프링부트", "SpringBoot"}},
      {"Kotlin", {"Kotlin", "코틀린"}},
      {"Python", {"Python", "파이썬", "Python3", "python"}},
      {"Django", {"Django", "장고"}},
      {"PostgreSQL", {"PostgreSQL", "Postgres", "postgres", "포스트그레스"}},
      {"MySQL", {"MySQL", "mysql"}},
      {"Redis", {"Redis", "레디스"}},
      {"Kafka", {"Kafka", "Apache Kafka", "카프카"}},
      {"gRPC", {"gRPC", "grpc"}},
      {"Node.js", {"Node.js", "NodeJS", "node.js"}},
      {"JavaScript", {"JavaScript", "JS", "자바스크립트", "javascript"}},
      {"TypeScript", {"TypeScript", "TS", "타입스크립트"}},
      {"React", {"React", "React.js", "리액트", "ReactJS"}},
      {"Vue.js", {"Vue.js", "Vue", "VueJS"}},
      {"Next.js", {"Next.js", "NextJS"}},
      {"HTML", {"HTML5", "HTML"}},
      {"CSS", {"CSS3", "CSS"}},
      {"GraphQL", {"GraphQL", "graphql"}},
      {"SQL", {"SQL"}},
      {"Spark", {"Spark", "Apache Spark", "PySpark", "스파크"}},
      {"Airflow", {"Airflow", "Apache Airflow", "에어플로우"}},
      {"Hadoop", {"Hadoop", "하둡"}},
      {"Tableau", {"Tableau", "태블로"}},
      {"Pandas", {"pandas", "Pandas", "판다스"}},
      {"PyTorch", {"PyTorch", "파이토치", "pytorch"}},
      {"TensorFlow", {"TensorFlow", "텐서플로우", "tensorflow"}},
      {"Machine Learning", {"Machine Learning", "머신러닝", "ML"}},
      {"Deep Learning", {"Deep Learning", "딥러닝"}},
      {"NLP", {"NLP", "자연어처리"}},
      {"LLM", {"LLM", "LLMs"}},
      {"NumPy", {"NumPy", "numpy", "넘파이"}},
      {"Kubernetes", {"Kubernetes", "k8s", "K8s", "쿠버네티스"}},
      {"Docker", {"Docker", "도커"}},
      {"Terraform", {"Terraform", "테라폼"}},
      {"AWS", {"AWS", "Amazon Web Services"}},
      {"GCP", {"GCP", "Google Cloud Platform"}},
      {"Linux", {"Linux", "리눅스"}},
      {"Jenkins", {"Jenkins", "젠킨스"}},
      {"Nginx", {"Nginx", "nginx", "엔진엑스"}},
      {"Swift", {"Swift", "스위프트"}},
      {"iOS", {"iOS"}},
      {"Android", {"Android", "안드로이드"}},
      {"Flutter", {"Flutter", "플러터"}},
      {"React Native", {"React Native"}},
  };
  return s;
}

const std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>>& titles() {
  // Korean and English titles per family.
  static const std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> t = {
      {"backend", {{"백엔드 개발자", "서버 개발자", "백엔드 엔지니어"}, {"Backend Engineer", "Server Developer"}}},
      {"frontend", {{"프론트엔드 개발자", "프론트엔드 엔지니어"}, {"Frontend Engineer", "Front-end Developer"}}},
      {"data", {{"데이터 엔지니어", "데이터 분석가"}, {"Data Engineer", "Data Analyst"}}},
      {"ml", {{"머신러닝 엔지니어", "AI 엔지니어"}, {"ML Engineer", "Machine Learning Engineer"}}},
      {"devops", {{"DevOps 엔지니어", "인프라 엔지니어"}, {"DevOps Engineer", "Site Reliability Engineer"}}},
      {"mobile", {{"iOS 개발자", "안드로이드 개발자", "모바일 앱 개발자"}, {"iOS Developer", "Mobile Engineer"}}},
  };
  return t;
}

const std::vector<std::string> companies_ko = {"한빛소프트웨어", "누리테크",   "바다커머스", "초록모빌리티",
                                               "별빛게임즈",     "가람핀테크", "하늘물류",   "새솔헬스케어"};
const std::vector<std::string> companies_en = {"Northwind Labs", "Bluefin Systems", "Quarry Commerce",
                                               "Lumen Pay",      "Harbor Health",   "Atlas Mobility"};

struct rng {
  std::mt19937_64 g;
  explicit rng(uint64_t seed) : g(seed) {}
  double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(g); }
  size_t index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(g); }
  bool chance(double p) { return uniform(0, 1) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[index(v.size())];
  }
  template <class T>
  std::vector<T> sample(std::vector<T> v, size_t n) {
    std::shuffle(v.begin(), v.end(), g);
    v.resize(std::min(n, v.size()));
    return v;
  }
};

std::string spelled(rng& r, const std::string& skill) {
  return r.pick(spellings().at(skill));
}

std::vector<std::string> family_names() {
  std::vector<std::string> out;
  for (const auto& [f, _] : family_skills())
    out.push_back(f);
  return out;
}

std::string period(rng& r, int start_year, int start_month, int end_year, int end_month, bool current, bool korean) {
  static const char* mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto two = [](int m) { return (m < 10 ? "0" : "") + std::to_string(m); };
  if (korean) {
    std::string a = std::to_string(start_year) + "." + two(start_month);
    std::string b = current ? "현재" : std::to_string(end_year) + "." + two(end_month);
    return r.chance(0.5) ? a + " ~ " + b : a + " - " + b;
  }
  std::string a = std::string(mon[start_month - 1]) + " " + std::to_string(start_year);
  std::string b = current ? "Present" : std::string(mon[end_month - 1]) + " " + std::to_string(end_year);
  return a + " – " + b;
}

// A person: a family, 3-7 core skills of it with years, a neighbour skill or two,
// total years 0-15 split over 1-3 jobs (newest first, ending now).
person make_person(rng& r) {
  person p;
  auto fams = family_names();
  p.family = r.pick(fams);
  const auto& core = family_skills().at(p.family);
  p.years = std::round(r.uniform(0.5, 15) * 10) / 10;
  bool korean = r.chance(0.6);
  auto skills = r.sample(core, 3 + r.index(5));
  if (r.chance(0.5)) {
    const auto& other = family_skills().at(r.pick(fams));
    auto extra = r.pick(other);
    if (std::find(skills.begin(), skills.end(), extra) == skills.end())
      skills.push_back(extra);
  }
  // Jobs: split the years (months) into 1-3 consecutive jobs ending 2026-11.
  int total = std::max(6, static_cast<int>(p.years * 12));
  size_t jobs = std::min<size_t>(1 + r.index(3), static_cast<size_t>(total / 6));
  std::vector<int> lengths(jobs, total / static_cast<int>(jobs));
  lengths[0] += total - lengths[0] * static_cast<int>(jobs);
  int end = 2026 * 12 + 10;  // months from year 0: 2026-11
  std::map<std::string, double> used;
  std::string exp;
  for (size_t k = 0; k < jobs; ++k) {
    int start = end - lengths[k] + 1;
    auto t = korean ? r.pick(titles().at(p.family).first) : r.pick(titles().at(p.family).second);
    auto company = korean ? r.pick(companies_ko) : r.pick(companies_en);
    // Each job names a few of the person's skills.
    auto named = r.sample(skills, 2 + r.index(3));
    if (k == 0)
      named = skills;  // the newest job uses them all
    for (const auto& s : named)
      used[s] += lengths[k] / 12.0;
    std::string dates = period(r, start / 12, start % 12 + 1, end / 12, end % 12 + 1, k == 0, korean);
    switch (r.index(3)) {
      case 0: exp += company + " | " + t + " | " + dates + "\n"; break;
      case 1: exp += t + (korean ? " / " : " at ") + company + "\n" + dates + "\n"; break;
      default: exp += company + "  " + t + "  (" + dates + ")\n";
    }
    std::string list;
    for (size_t i = 0; i < named.size(); ++i)
      list += (i ? ", " : "") + spelled(r, named[i]);
    exp += korean ? "- " + list + (r.chance(0.5) ? "를 사용한 서비스 개발 및 운영\n" : " 기반 시스템 설계와 개선\n")
                  : "- Built and ran services with " + list + "\n";
    end = start - 1 - static_cast<int>(r.index(3));  // a gap of up to two months
  }
  for (const auto& [s, y] : used)
    p.held.emplace_back(s, std::round(y * 10) / 10);
  // The skills section: the held skills, sometimes with a skill used once on a
  // side project (listed, held, no years).
  std::string skills_line;
  for (const auto& s : r.sample(skills, skills.size()))
    skills_line += (skills_line.empty() ? "" : ", ") + spelled(r, s);
  // Interests: skills not held, often those of a neighbouring family.
  std::string interests;
  for (const auto& s : r.sample(family_skills().at(r.pick(fams)), 1 + r.index(3)))
    if (std::find(skills.begin(), skills.end(), s) == skills.end())
      interests += (interests.empty() ? "" : ", ") + spelled(r, s);
  std::string summary = korean ? "총 " + std::to_string(static_cast<int>(p.years)) + "년차 " +
                                     r.pick(titles().at(p.family).first) +
                                     "입니다. 문제를 끝까지 해결하는 것을 좋아합니다."
                               : "A " + r.pick(titles().at(p.family).second) + " who likes shipping things.";
  if (korean)
    p.text = "자기소개\n" + summary + "\n\n경력사항\n" + exp + "\n보유 기술\n" + skills_line + "\n" +
             (interests.empty() ? "" : "\n관심 분야\n요즘 공부 중: " + interests + "\n");
  else
    p.text = "Summary\n" + summary + "\n\nWork Experience\n" + exp + "\nSkills\n" + skills_line + "\n" +
             (interests.empty() ? "" : "\nInterests\nLearning " + interests + " on weekends\n");
  return p;
}

opening make_job(rng& r) {
  opening j;
  auto fams = family_names();
  j.family = r.pick(fams);
  bool korean = r.chance(0.6);
  j.title = korean ? r.pick(titles().at(j.family).first) : r.pick(titles().at(j.family).second);
  auto core = r.sample(family_skills().at(j.family), 4 + r.index(2));
  size_t required = 2 + r.index(2);
  for (size_t i = 0; i < core.size(); ++i)
    j.skills.emplace_back(core[i], i < required);
  static const std::vector<std::pair<int, int>> ranges = {{0, 2}, {1, 3}, {3, 6}, {5, 10}, {8, 15}, {2, 5}};
  std::tie(j.min_years, j.max_years) = r.pick(ranges);
  std::string req, pref;
  for (const auto& [s, required_skill] : j.skills)
    (required_skill ? req : pref) += ((required_skill ? req : pref).empty() ? "" : ", ") + spelled(r, s);
  if (korean)
    j.text = j.title + " 채용\n\n자격 요건\n- " + req + " 실무 경험\n- 경력 " + std::to_string(j.min_years) + "~" +
             std::to_string(j.max_years) + "년\n\n우대 사항\n- " + pref + " 경험\n";
  else
    j.text = j.title + "\n\nRequirements\n- Hands-on experience with " + req + "\n- " + std::to_string(j.min_years) +
             "-" + std::to_string(j.max_years) + " years of experience\n\nNice to have\n- " + pref + "\n";
  return j;
}

}  // namespace

corpus generate(uint64_t seed, size_t people, size_t jobs) {
  rng r(seed);
  corpus c;
  for (size_t i = 0; i < people; ++i)
    c.people.push_back(make_person(r));
  for (size_t i = 0; i < jobs; ++i)
    c.jobs.push_back(make_job(r));
  return c;
}

int grade(const opening& job, const person& p) {
  std::set<std::string> held;
  for (const auto& [s, _] : p.held)
    held.insert(s);
  int required = 0, have = 0;
  for (const auto& [s, req] : job.skills)
    if (req) {
      ++required;
      have += held.count(s) ? 1 : 0;
    }
  double cover = required ? static_cast<double>(have) / required : 1;
  double fit = p.years >= job.min_years && p.years <= job.max_years             ? 1
               : (p.years >= job.min_years - 1 && p.years <= job.max_years + 2) ? 0.5
                                                                                : 0;
  bool family = p.family == job.family;
  if (cover == 1 && fit == 1 && family)
    return 3;
  if (cover >= 0.6 && fit >= 0.5)
    return 2;
  if (cover > 0 || family)
    return 1;
  return 0;
}

}  // namespace hirehub::match_eval
