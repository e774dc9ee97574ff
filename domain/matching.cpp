#include "domain/matching.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "domain/skill_taxonomy.hpp"
#include "runtime/text_util.hpp"

namespace hirehub::domain::matching {

namespace {

struct interner {
  std::mutex mu;
  std::map<std::string, uint32_t, std::less<>> ids;
  std::vector<std::string> names;
  interner() {
    for (const auto& s : all_skills()) {
      ids.emplace(s.name, static_cast<uint32_t>(names.size()));
      names.push_back(s.name);
    }
  }
};

interner& skills_table() {
  static interner t;
  return t;
}

/// Lower-case ASCII, every other ASCII character but letters and digits a space,
/// padded with spaces, so " qa " finds the word and not "aqua". Hangul kept.
std::string words_of(std::string_view text) {
  std::string out = " ";
  out.reserve(text.size() + 2);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80)
      out += ch;
    else if (std::isalnum(c) || c == '+' || c == '#')
      out += static_cast<char>(std::tolower(c));
    else
      out += ' ';
  }
  out += ' ';
  return out;
}

bool any_of_words(const std::string& words, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (words.find(k) != std::string::npos)
      return true;
  return false;
}

const std::pair<uint16_t, const char*> signal_names[] = {
    {remote, "remote"},       {agile, "agile"},         {startup, "startup"},         {global, "global"},
    {ownership, "ownership"}, {mentoring, "mentoring"}, {data_driven, "data_driven"}, {collaboration, "collaboration"}};

double credit(const held_skill& h) {
  switch (h.source) {
    case evidence::experience: return 0.9 + 0.1 * std::min(h.years, 5.0f) / 5.0;
    case evidence::skills: return h.years >= 3 ? 0.85 : 0.8;
    case evidence::text: return 0.5;
    case evidence::interests: break;
  }
  return 0;
}

const held_skill* find_held(const candidate& c, uint32_t skill) {
  auto it = std::lower_bound(c.skills.begin(), c.skills.end(), skill,
                             [](const held_skill& h, uint32_t s) { return h.skill < s; });
  return it != c.skills.end() && it->skill == skill ? &*it : nullptr;
}

double years_fit(const job_profile& job, float years) {
  if (years < job.min_years) {
    double d = job.min_years - years;
    return std::exp(-(d * d) / (2 * 1.2 * 1.2));
  }
  if (years > job.max_years) {
    double d = years - job.max_years;
    return std::max(0.5, std::exp(-(d * d) / (2 * 4.0 * 4.0)));
  }
  return 1;
}

bool related(role_family a, role_family b) {
  using f = role_family;
  auto pair = [&](f x, f y) { return (a == x && b == y) || (a == y && b == x); };
  return pair(f::backend, f::fullstack) || pair(f::frontend, f::fullstack) || pair(f::data, f::ml) ||
         pair(f::backend, f::devops) || pair(f::mobile, f::frontend) || pair(f::backend, f::data) ||
         pair(f::security, f::devops) || pair(f::product, f::design) || pair(f::marketing, f::sales);
}

double family_fit(role_family job, role_family c) {
  if (job == role_family::unknown || c == role_family::unknown)
    return 0.6;
  if (job == c)
    return 1;
  return related(job, c) ? 0.7 : 0.2;
}

double culture_fit(uint16_t job, uint16_t c) {
  if (job == 0)
    return 0.5;
  auto bits = [](uint16_t v) { return static_cast<double>(__builtin_popcount(v)); };
  return 0.4 + 0.6 * bits(job & c) / bits(job);
}

float round2(double v) {
  return static_cast<float>(std::round(v * 100) / 100);
}

struct skill_tally {
  double got = 0, total = 0;
  int required = 0, missing_required = 0;
};

skill_tally tally(const job_profile& job, const candidate& c) {
  skill_tally t;
  for (const auto& s : job.skills) {
    double w = s.required ? 2 : 1;
    const auto* h = find_held(c, s.skill);
    double cr = h ? credit(*h) : 0;
    t.total += w;
    t.got += w * cr;
    if (s.required) {
      ++t.required;
      if (cr == 0)
        ++t.missing_required;
    }
  }
  return t;
}

double cap_of(const skill_tally& t, const weights& w) {
  if (t.required == 0)
    return 100;
  return 100 - (100 - w.missing_cap_floor) * t.missing_required / t.required;
}

std::string years_text(double y) {
  std::ostringstream o;
  o << std::round(y * 10) / 10;
  return o.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

uint32_t skill_id(std::string_view canonical_name) {
  auto& t = skills_table();
  std::lock_guard lock(t.mu);
  if (auto it = t.ids.find(canonical_name); it != t.ids.end())
    return it->second;
  auto id = static_cast<uint32_t>(t.names.size());
  t.ids.emplace(std::string(canonical_name), id);
  t.names.emplace_back(canonical_name);
  return id;
}

std::string skill_name(uint32_t id) {
  auto& t = skills_table();
  std::lock_guard lock(t.mu);
  return id < t.names.size() ? t.names[id] : std::string{};
}

evidence evidence_of(std::string_view s) {
  if (s == "experience")
    return evidence::experience;
  if (s == "skills")
    return evidence::skills;
  if (s == "interests")
    return evidence::interests;
  return evidence::text;
}

const char* to_string(evidence e) {
  switch (e) {
    case evidence::experience: return "experience";
    case evidence::skills: return "skills";
    case evidence::interests: return "interests";
    case evidence::text: break;
  }
  return "text";
}

role_family family_of(std::string_view title) {
  auto w = words_of(title);
  using f = role_family;
  if (any_of_words(w, {"machine learning", " ml ", " ai ", "머신러닝", "딥러닝", "인공지능", "mlops"}))
    return f::ml;
  if (any_of_words(w, {"full stack", "fullstack", "full-stack", "풀스택"}))
    return f::fullstack;
  if (any_of_words(w, {"devops", " sre ", "site reliability", "infra", "인프라", "platform engineer", "cloud engineer",
                       "클라우드", "데브옵스", "시스템 엔지니어", "system engineer"}))
    return f::devops;
  if (any_of_words(w, {"security", "보안", "penetration"}))
    return f::security;
  if (any_of_words(w, {" qa ", " test", "테스트", "품질", "quality"}))
    return f::qa;
  if (any_of_words(w, {" ios ", "android", "mobile", "모바일", "안드로이드", "flutter", " 앱 "}))
    return f::mobile;
  if (any_of_words(w, {"frontend", "front end", "프론트엔드", "프런트엔드", "웹 퍼블리셔", "ui developer"}))
    return f::frontend;
  if (any_of_words(w, {"backend", "back end", "백엔드", "서버", "server", " api "}))
    return f::backend;
  if (any_of_words(w, {" data ", "데이터", "analyst", "분석", " bi ", "analytics"}))
    return f::data;
  if (any_of_words(w, {"design", "디자이너", "디자인", " ux ", " ui "}))
    return f::design;
  if (any_of_words(w, {"product", " pm ", " po ", "기획", "프로덕트"}))
    return f::product;
  if (any_of_words(w, {"marketing", "마케팅", "마케터", "growth", "그로스", " seo "}))
    return f::marketing;
  if (any_of_words(w, {"sales", "영업", "account executive", "business development"}))
    return f::sales;
  if (any_of_words(w, {" hr ", "recruit", "인사", "채용", "talent"}))
    return f::hr;
  if (any_of_words(w, {"finance", "재무", "회계", "accounting", "accountant"}))
    return f::finance;
  return f::unknown;
}

const char* to_string(role_family f) {
  static const char* names[] = {"unknown", "backend",  "frontend", "fullstack", "mobile",    "data",  "ml", "devops",
                                "qa",      "security", "design",   "product",   "marketing", "sales", "hr", "finance"};
  return names[static_cast<int>(f)];
}

uint16_t culture_of(std::string_view text, std::string_view remote_type) {
  auto w = words_of(text);
  uint16_t bits = 0;
  auto mark = [&](uint16_t bit, std::initializer_list<const char*> keys) {
    if (any_of_words(w, keys))
      bits |= bit;
  };
  mark(remote, {"원격", "재택", "remote", "work from home", " wfh ", "리모트", "distributed team"});
  mark(agile, {"agile", "scrum", "애자일", "스크럼", "sprint", "스프린트", "kanban", "칸반"});
  mark(startup, {"startup", "start up", "스타트업", "fast paced", "early stage", "초기 멤버", "빠르게 성장"});
  mark(global, {"global", "글로벌", "english", "영어", "international", "해외"});
  mark(ownership, {"ownership", "오너십", "주도적", "주도하", "autonomy", "autonomous", "자율", "self directed"});
  mark(mentoring, {"mentor", "멘토", "coaching", "코칭", "code review", "코드 리뷰", "코드리뷰"});
  mark(data_driven, {"data driven", "데이터 기반", "데이터 중심", "a b test", "ab test", "metrics", "지표"});
  mark(collaboration, {"collaborat", "협업", "teamwork", "팀워크", "cross functional", "소통", "communication"});
  if (remote_type == "remote" || remote_type == "hybrid")
    bits |= remote;
  return bits;
}

std::vector<std::string> culture_names(uint16_t signals) {
  std::vector<std::string> out;
  for (auto [bit, name] : signal_names)
    if (signals & bit)
      out.emplace_back(name);
  return out;
}

uint16_t culture_from_names(const std::vector<std::string>& names) {
  uint16_t bits = 0;
  for (const auto& n : names)
    for (auto [bit, name] : signal_names)
      if (n == name)
        bits |= bit;
  return bits;
}

candidate compact(const candidate_input& in) {
  candidate c;
  for (const auto& s : in.skills) {
    if (s.source == evidence::interests)
      continue;
    float years = s.source == evidence::experience ? static_cast<float>(s.years_from_experience)
                                                   : static_cast<float>(s.stated_years);
    c.skills.push_back({skill_id(s.name), s.source, years});
  }
  std::sort(c.skills.begin(), c.skills.end(),
            [](const held_skill& a, const held_skill& b) { return a.skill < b.skill; });
  c.skills.erase(std::unique(c.skills.begin(), c.skills.end(),
                             [](const held_skill& a, const held_skill& b) { return a.skill == b.skill; }),
                 c.skills.end());
  c.skills.shrink_to_fit();
  c.years = static_cast<float>(in.years);
  for (const auto& t : in.titles)
    if (auto f = family_of(t); f != role_family::unknown) {
      c.family = f;
      break;
    }
  c.culture = in.culture | (in.text.empty() ? 0 : culture_of(in.text));
  return c;
}

job_profile compact(const job_input& in) {
  job_profile j;
  for (const auto& [name, required] : in.skills)
    j.skills.push_back({skill_id(name), required});
  std::sort(j.skills.begin(), j.skills.end(), [](const job_skill& a, const job_skill& b) { return a.skill < b.skill; });
  if (in.experience_min >= 0 || in.experience_max >= 0) {
    j.min_years = static_cast<float>(std::max(in.experience_min, 0));
    j.max_years = in.experience_max >= 0 ? static_cast<float>(in.experience_max) : 60.0f;
  } else {
    static const std::map<std::string, std::pair<float, float>> levels = {
        {"entry", {0, 1}}, {"junior", {1, 3}}, {"mid", {3, 6}}, {"senior", {6, 10}}, {"lead", {8, 15}}};
    if (auto it = levels.find(in.experience_level); it != levels.end())
      std::tie(j.min_years, j.max_years) = it->second;
  }
  j.family = family_of(in.title);
  j.culture = culture_of(in.text, in.remote_type);
  size_t hangul = 0, latin = 0, i = 0;
  auto all = in.title + "\n" + in.text;
  while (i < all.size()) {
    char32_t c = text::decode_utf8(all, i);
    if (text::is_hangul_syllable(c))
      ++hangul;
    else if (c < 128 && std::isalpha(static_cast<int>(c)))
      ++latin;
  }
  j.korean = hangul * 3 >= latin;
  return j;
}

scores score(const job_profile& job, const candidate& c, const weights& w) {
  auto t = tally(job, c);
  double skill = t.total > 0 ? 100 * t.got / t.total : 50;
  double experience = 100 * (0.75 * years_fit(job, c.years) + 0.25 * family_fit(job.family, c.family));
  double culture = 100 * culture_fit(job.culture, c.culture);
  double sum = w.skill + w.experience + w.culture;
  double overall = sum > 0 ? (w.skill * skill + w.experience * experience + w.culture * culture) / sum : 0;
  overall = std::min(overall, cap_of(t, w));
  return {round2(overall), round2(skill), round2(experience), round2(culture)};
}

nlohmann::json breakdown(const job_profile& job, const candidate& c, const weights& w) {
  using nlohmann::json;
  auto s = score(job, c, w);
  json matched_req = json::array(), matched_pref = json::array(), missing_req = json::array(),
       missing_pref = json::array();
  for (const auto& js : job.skills) {
    const auto* h = find_held(c, js.skill);
    auto name = skill_name(js.skill);
    if (h && credit(*h) > 0) {
      json m{{"skill", name}, {"found_in", to_string(h->source)}};
      m["years"] = h->years > 0 ? json(std::round(static_cast<double>(h->years) * 10) / 10) : json(nullptr);
      (js.required ? matched_req : matched_pref).push_back(std::move(m));
    } else {
      (js.required ? missing_req : missing_pref).push_back(name);
    }
  }
  auto t = tally(job, c);
  json shared = json::array(), wanted = json::array();
  for (auto [bit, name] : signal_names) {
    if (job.culture & bit)
      wanted.push_back(name);
    if (job.culture & c.culture & bit)
      shared.push_back(name);
  }
  json range{{"min", job.min_years}};
  range["max"] = job.max_years >= 60 ? json(nullptr) : json(job.max_years);
  double cap = cap_of(t, w);
  return json{
      {"skills",
       {{"matched_required", matched_req},
        {"matched_preferred", matched_pref},
        {"missing_required", missing_req},
        {"missing_preferred", missing_pref}}},
      {"experience",
       {{"years", std::round(static_cast<double>(c.years) * 10) / 10},
        {"range", range},
        {"fit", round2(100 * years_fit(job, c.years))}}},
      {"role_family", {{"resume", to_string(c.family)}, {"job", to_string(job.family)}}},
      {"culture", {{"job", wanted}, {"shared", shared}}},
      {"weights", {{"skill", w.skill}, {"experience", w.experience}, {"culture", w.culture}}},
      {"cap", cap < 100 ? json(round2(cap)) : json(nullptr)},
      {"scores", {{"overall", s.overall}, {"skill", s.skill}, {"experience", s.experience}, {"culture", s.culture}}},
  };
}

namespace {

std::string family_ko(const std::string& name) {
  static const char* names[] = {"",   "백엔드", "프론트엔드", "풀스택", "모바일", "데이터", "머신러닝", "인프라",
                                "QA", "보안",   "디자인",     "기획",   "마케팅", "영업",   "인사",     "재무"};
  for (int i = 1; i < 16; ++i)
    if (name == to_string(static_cast<role_family>(i)))
      return names[i];
  return name;
}

}  // namespace

std::string reasoning(const nlohmann::json& b, bool korean) {
  const auto& sk = b.at("skills");
  std::vector<std::string> held, missing;
  for (const auto& m : sk.at("matched_required")) {
    auto name = m.at("skill").get<std::string>();
    if (m.at("found_in") == "experience" && m.at("years").is_number())
      name += korean ? " " + years_text(m.at("years").get<double>()) + "년"
                     : " " + years_text(m.at("years").get<double>()) + "y";
    held.push_back(name);
  }
  for (const auto& m : sk.at("missing_required"))
    missing.push_back(m.get<std::string>());
  size_t required = held.size() + missing.size();
  size_t preferred = sk.at("matched_preferred").size();
  const auto& ex = b.at("experience");
  double years = ex.at("years").get<double>();
  double lo = ex.at("range").at("min").get<double>();
  bool has_max = ex.at("range").at("max").is_number();
  double hi = has_max ? ex.at("range").at("max").get<double>() : 0;
  std::string range = has_max ? years_text(lo) + "~" + years_text(hi) : years_text(lo) + "+";
  bool ranged = lo > 0 || has_max;
  std::string out;
  if (korean) {
    if (required > 0)
      out += "필수 기술 " + std::to_string(required) + "개 중 " + std::to_string(held.size()) + "개를 갖추었습니다" +
             (held.empty() ? "" : "(" + joined(held) + ")") + ".";
    else
      out += "공고에 필수 기술이 없어 보유 기술 전반으로 평가했습니다.";
    if (preferred > 0)
      out += " 우대 기술 " + std::to_string(preferred) + "개도 확인됩니다.";
    if (!missing.empty())
      out += " 부족한 필수 기술: " + joined(missing) + ".";
    out += " 총 경력 " + years_text(years) + "년" +
           (!ranged                 ? "입니다."
            : years < lo            ? "으로 요구 경력(" + range + "년)보다 짧습니다."
            : has_max && years > hi ? "으로 요구 경력(" + range + "년)보다 깁니다."
                                    : "으로 요구 경력(" + range + "년)에 맞습니다.");
    auto rf = b.at("role_family");
    if (rf.at("job") != "unknown" && rf.at("job") == rf.at("resume"))
      out += " 직무 계열(" + family_ko(rf.at("job").get<std::string>()) + ")이 같습니다.";
  } else {
    if (required > 0)
      out += "Has " + std::to_string(held.size()) + " of " + std::to_string(required) + " required skills" +
             (held.empty() ? "" : " (" + joined(held) + ")") + ".";
    else
      out += "The job names no required skills; scored on the skills it lists.";
    if (preferred > 0)
      out += " Also " + std::to_string(preferred) + " preferred skill" + (preferred > 1 ? "s" : "") + ".";
    if (!missing.empty())
      out += " Missing required: " + joined(missing) + ".";
    out += " " + years_text(years) + " years of experience" +
           (!ranged                 ? "."
            : years < lo            ? ", below the " + range + " asked."
            : has_max && years > hi ? ", above the " + range + " asked."
                                    : ", within the " + range + " asked.");
    auto rf = b.at("role_family");
    if (rf.at("job") != "unknown" && rf.at("job") == rf.at("resume"))
      out += " Same role family (" + rf.at("job").get<std::string>() + ").";
  }
  return out;
}

}  // namespace hirehub::domain::matching
