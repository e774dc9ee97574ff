#include "actors/resume/parse.hpp"
#include "actors/resume/parse_detail.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "domain/matching.hpp"
#include "domain/skill_taxonomy.hpp"
#include "runtime/text_util.hpp"

using namespace hirehub::domain;  // the skill taxonomy

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

const char* to_string(skill_source s) {
  switch (s) {
    case skill_source::experience: return "experience";
    case skill_source::skills: return "skills";
    case skill_source::interests: return "interests";
    case skill_source::text: break;
  }
  return "text";
}

skill_source skill_source_of(std::string_view s) {
  if (s == "experience")
    return skill_source::experience;
  if (s == "skills")
    return skill_source::skills;
  if (s == "interests")
    return skill_source::interests;
  return skill_source::text;
}

std::string year_month::iso() const {
  char buf[16];
  if (month > 0)
    std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  else
    std::snprintf(buf, sizeof buf, "%04d", year);
  return buf;
}

namespace {

using namespace detail;
using sp = re2::StringPiece;

std::string heading_key(std::string_view line) {
  // "■ 경력 사항", "[학력]", "## Work Experience", "SKILLS:" -> "경력사항", "학력", "workexperience", "skills"
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    char32_t c = decode_utf8(line, i);
    if (c < 128) {
      if (std::isalnum(static_cast<int>(c)))
        out += static_cast<char>(std::tolower(static_cast<int>(c)));
      else if (c == '&' || c == '/')
        continue;
    } else if (is_hangul_syllable(c)) {
      append_utf8(out, c);
    }
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t p = 0;
  while (p <= text.size()) {
    auto q = text.find_first_of("\n\f", p);
    if (q == std::string_view::npos)
      q = text.size();
    out.push_back(text.substr(p, q - p));
    p = q + 1;
  }
  return out;
}

double years_of(const std::vector<experience>& exps, const parse_options& o, std::string_view text) {
  std::vector<std::pair<int, int>> spans;
  for (const auto& e : exps)
    if (auto span = detail::span_of(e, o.now_year, o.now_month))
      spans.push_back(*span);
  if (spans.empty()) {
    static const RE2 stated(R"((?:경력\s*(\d{1,2})\s*년|(\d{1,2})\+?\s*years? of (?:professional )?experience))");
    int a = 0, b = 0;
    if (RE2::PartialMatch(sp(text.data(), text.size()), stated, &a, &b))
      return a ? a : b;
    return 0;
  }
  return std::round(detail::union_months(std::move(spans)) / 12.0 * 10) / 10;
}

std::string language_of(std::string_view text) {
  size_t hangul = 0, latin = 0, i = 0;
  while (i < text.size()) {
    char32_t c = decode_utf8(text, i);
    if (is_hangul_syllable(c))
      ++hangul;
    else if (c < 128 && std::isalpha(static_cast<int>(c)))
      ++latin;
  }
  // A Hangul syllable carries about as much as three Latin letters.
  return hangul * 3 >= latin ? "ko" : "en";
}

}  // namespace

namespace detail {

section section_of(std::string_view line) {
  auto t = trim(line);
  if (t.empty() || t.size() > 60)
    return section::none;
  static const std::map<std::string, section> keys = {{"경력", section::experience},
                                                      {"경력사항", section::experience},
                                                      {"경력기술", section::experience},
                                                      {"경력기술서", section::experience},
                                                      {"직장경력", section::experience},
                                                      {"업무경력", section::experience},
                                                      {"근무경력", section::experience},
                                                      {"경력및프로젝트", section::experience},
                                                      {"experience", section::experience},
                                                      {"workexperience", section::experience},
                                                      {"professionalexperience", section::experience},
                                                      {"employmenthistory", section::experience},
                                                      {"employment", section::experience},
                                                      {"workhistory", section::experience},
                                                      {"careerhistory", section::experience},
                                                      {"career", section::experience},
                                                      {"학력", section::education},
                                                      {"학력사항", section::education},
                                                      {"education", section::education},
                                                      {"academicbackground", section::education},
                                                      {"educationalbackground", section::education},
                                                      {"기술", section::skills},
                                                      {"기술스택", section::skills},
                                                      {"보유기술", section::skills},
                                                      {"스킬", section::skills},
                                                      {"기술역량", section::skills},
                                                      {"사용기술", section::skills},
                                                      {"핵심역량", section::skills},
                                                      {"skills", section::skills},
                                                      {"technicalskills", section::skills},
                                                      {"techstack", section::skills},
                                                      {"technologies", section::skills},
                                                      {"coreskills", section::skills},
                                                      {"keyskills", section::skills},
                                                      {"skillset", section::skills},
                                                      {"competencies", section::skills},
                                                      {"skillsandtools", section::skills},
                                                      {"자격증", section::certifications},
                                                      {"자격사항", section::certifications},
                                                      {"자격", section::certifications},
                                                      {"자격어학", section::certifications},
                                                      {"자격증및어학", section::certifications},
                                                      {"certifications", section::certifications},
                                                      {"certificates", section::certifications},
                                                      {"licenses", section::certifications},
                                                      {"licensesandcertifications", section::certifications},
                                                      {"프로젝트", section::projects},
                                                      {"주요프로젝트", section::projects},
                                                      {"프로젝트경험", section::projects},
                                                      {"projects", section::projects},
                                                      {"keyprojects", section::projects},
                                                      {"자기소개", section::summary},
                                                      {"소개", section::summary},
                                                      {"요약", section::summary},
                                                      {"프로필", section::summary},
                                                      {"summary", section::summary},
                                                      {"profile", section::summary},
                                                      {"about", section::summary},
                                                      {"aboutme", section::summary},
                                                      {"objective", section::summary},
                                                      {"introduction", section::summary},
                                                      {"professionalsummary", section::summary},
                                                      {"관심분야", section::interests},
                                                      {"관심사", section::interests},
                                                      {"관심사항", section::interests},
                                                      {"관심기술", section::interests},
                                                      {"취미", section::interests},
                                                      {"특기", section::interests},
                                                      {"취미특기", section::interests},
                                                      {"취미및특기", section::interests},
                                                      {"취미관심사", section::interests},
                                                      {"interests", section::interests},
                                                      {"hobbies", section::interests},
                                                      {"hobbiesandinterests", section::interests},
                                                      {"interestsandhobbies", section::interests},
                                                      {"personalinterests", section::interests},
                                                      {"수상", section::other},
                                                      {"수상경력", section::other},
                                                      {"awards", section::other},
                                                      {"활동", section::other},
                                                      {"대외활동", section::other},
                                                      {"activities", section::other},
                                                      {"인적사항", section::other},
                                                      {"personalinformation", section::other},
                                                      {"contact", section::other},
                                                      {"연락처", section::other},
                                                      {"languages", section::other},
                                                      {"외국어", section::other},
                                                      {"어학", section::other},
                                                      {"references", section::other},
                                                      {"병역", section::other},
                                                      {"병역사항", section::other}};
  auto it = keys.find(heading_key(t));
  return it == keys.end() ? section::none : it->second;
}

}  // namespace detail

parsed_resume parse_resume(std::string_view text, const parse_options& options) {
  std::vector<line_info> lines;
  section cur = section::none;
  for (auto l : split_lines(text)) {
    auto s = section_of(l);
    if (s != section::none)
      cur = s;
    lines.push_back({l, cur});
  }
  parsed_resume p;
  p.experiences = parse_experiences(lines);
  p.educations = parse_educations(lines);
  p.skills = parse_skills(lines);
  add_experience_evidence(p.skills, p.experiences, options.now_year, options.now_month);
  for (const auto& li : lines) {
    if (li.sec != section::certifications || section_of(li.text) != section::none)
      continue;
    auto t = std::string(trim(li.text));
    static const RE2 lead(R"(^(?:[■□●○•◆◇▶▷\*\-]\s*)+)");
    RE2::Replace(&t, lead, "");
    if (auto r = find_range(t))
      t = without_dates(t, *r);
    static const RE2 date(R"(\s*[\(\[]?\d{4}(?:[.\-/]\d{1,2}){0,2}[\)\]]?\s*)");
    RE2::GlobalReplace(&t, date, " ");
    t = collapse_spaces(trim(t));
    while (!t.empty() && (t.back() == '|' || t.back() == ',' || t.back() == '-' || t.back() == ' '))
      t.pop_back();
    if (!t.empty())
      p.certifications.push_back(t);
  }
  p.years_experience = years_of(p.experiences, options, text);
  p.language = language_of(text);
  p.work_style = domain::matching::culture_names(domain::matching::culture_of(text));
  return p;
}

void to_json(nlohmann::json& j, const parsed_resume& p) {
  using nlohmann::json;
  auto ym = [](const std::optional<year_month>& y) { return y ? json(y->iso()) : json(nullptr); };
  json exps = json::array(), edus = json::array(), skills = json::array();
  for (const auto& e : p.experiences)
    exps.push_back({{"company", e.company},
                    {"position", e.position},
                    {"start", ym(e.start)},
                    {"end", ym(e.end)},
                    {"current", e.current},
                    {"description", e.description}});
  for (const auto& e : p.educations)
    edus.push_back({{"school", e.school},
                    {"degree", e.degree},
                    {"major", e.major},
                    {"start", ym(e.start)},
                    {"end", ym(e.end)},
                    {"current", e.current}});
  for (const auto& s : p.skills) {
    json o{{"name", s.name}, {"category", s.category}};
    o["proficiency"] = s.proficiency.empty() ? json(nullptr) : json(s.proficiency);
    o["years"] = s.years > 0 ? json(s.years) : json(nullptr);
    o["source"] = to_string(s.source);
    o["years_from_experience"] = s.years_from_experience;
    skills.push_back(std::move(o));
  }
  j = json{{"experiences", exps},
           {"educations", edus},
           {"skills", skills},
           {"certifications", p.certifications},
           {"years_experience", p.years_experience},
           {"language", p.language},
           {"work_style", p.work_style}};
}

void from_json(const nlohmann::json& j, parsed_resume& p) {
  auto ym = [](const nlohmann::json& v) -> std::optional<year_month> {
    if (!v.is_string())
      return std::nullopt;
    auto s = v.get<std::string>();
    year_month y;
    y.year = std::atoi(s.substr(0, 4).c_str());
    y.month = s.size() >= 7 ? std::atoi(s.substr(5, 2).c_str()) : 0;
    return y;
  };
  p = {};
  for (const auto& e : j.at("experiences"))
    p.experiences.push_back({e.value("company", ""), e.value("position", ""), ym(e.at("start")), ym(e.at("end")),
                             e.value("current", false), e.value("description", "")});
  for (const auto& e : j.at("educations"))
    p.educations.push_back({e.value("school", ""), e.value("degree", ""), e.value("major", ""), ym(e.at("start")),
                            ym(e.at("end")), e.value("current", false)});
  for (const auto& s : j.at("skills")) {
    // Rows parsed before skills had a source read as mentioned in the text.
    auto src = s.value("source", std::string{"text"});
    p.skills.push_back({s.at("name").get<std::string>(), s.value("category", ""),
                        s.at("proficiency").is_string() ? s.at("proficiency").get<std::string>() : "",
                        s.at("years").is_number() ? s.at("years").get<int>() : 0, skill_source_of(src),
                        s.value("years_from_experience", 0.0)});
  }
  p.certifications = j.value("certifications", std::vector<std::string>{});
  p.years_experience = j.value("years_experience", 0.0);
  p.language = j.value("language", "");
  p.work_style = j.value("work_style", std::vector<std::string>{});
}

}  // namespace hirehub::resume
