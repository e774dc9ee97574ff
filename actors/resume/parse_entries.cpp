// The dated entries of a resume (experiences, education) and its skills.
#include <algorithm>
#include <cmath>
#include <map>

#include <re2/re2.h>

#include "actors/resume/parse_detail.hpp"
#include "domain/skill_taxonomy.hpp"
#include "runtime/text_util.hpp"

using namespace hirehub::domain;  // the skill taxonomy

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume::detail {

namespace {

using sp = re2::StringPiece;

int month_of(std::string_view name) {
  static const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  auto l = ascii_lower(name.substr(0, 3));
  for (int i = 0; i < 12; ++i)
    if (l == months[i])
      return i + 1;
  return 0;
}

// A date range in one line: "2019.03 ~ 2023.02", "2019년 3월 - 현재", "Mar 2019 – Present", "2017 - 2021".
const RE2& range_re() {
  static const std::string month_name = "((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?)";
  static const std::string ym = R"((\d{4})\s*(?:[.\-/년]\s*(\d{1,2})\s*월?)?)";
  static const std::string sep = "\\s*(?:~|-|–|—|to|부터)\\s*";
  static const std::string present = "(현재|재직\\s?중|재학\\s?중|진행\\s?중|[Pp]resent|[Cc]urrent|[Nn]ow|PRESENT)";
  static const RE2 re("(?:" + ym + "|" + month_name + "\\s+(\\d{4}))" + sep + "(?:" + ym + "|" + month_name +
                      "\\s+(\\d{4})|" + present + ")");
  return re;
}

}  // namespace

std::optional<date_range> find_range(std::string_view line) {
  sp m[10];
  sp input(line.data(), line.size());
  if (!range_re().Match(input, 0, line.size(), RE2::UNANCHORED, m, 10))
    return std::nullopt;
  auto num = [](const sp& s) { return s.empty() ? 0 : std::atoi(std::string(s.data(), s.size()).c_str()); };
  date_range r;
  if (!m[1].empty())
    r.start = year_month{num(m[1]), num(m[2])};
  else
    r.start = year_month{num(m[4]), month_of(std::string_view(m[3].data(), m[3].size()))};
  if (!m[5].empty())
    r.end = year_month{num(m[5]), num(m[6])};
  else if (!m[8].empty())
    r.end = year_month{num(m[8]), month_of(std::string_view(m[7].data(), m[7].size()))};
  else
    r.current = true;
  auto sane = [](const year_month& y) { return y.year >= 1950 && y.year <= 2100 && y.month >= 0 && y.month <= 12; };
  if (!sane(*r.start) || (r.end && !sane(*r.end)))
    return std::nullopt;
  r.begin = static_cast<size_t>(m[0].data() - line.data());
  r.finish = r.begin + m[0].size();
  return r;
}

// The line without its date range and any "(3년 2개월)" / "(3 yrs)" duration.
std::string without_dates(std::string_view line, const date_range& r) {
  std::string s = std::string(line.substr(0, r.begin)) + " " + std::string(line.substr(r.finish));
  static const RE2 duration(R"(\(\s*(?:\d+\s*(?:년|개월|years?|yrs?|months?|mos?)\s*)+\))");
  RE2::GlobalReplace(&s, duration, "");
  return s;
}

std::vector<std::string> split_parts(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  auto flush = [&] {
    auto t = std::string(trim(cur));
    while (!t.empty() && (t.back() == ',' || t.back() == '|' || t.back() == '-' || t.back() == ':'))
      t = std::string(trim(std::string_view(t).substr(0, t.size() - 1)));
    while (!t.empty() && (t.front() == '-' || t.front() == '|' || t.front() == ','))
      t = std::string(trim(std::string_view(t).substr(1)));
    if (!t.empty())
      parts.push_back(t);
    cur.clear();
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool sep =
        c == '|' || c == '\t' || c == ',' || c == '@' || c == '/' || (c == ' ' && i + 1 < s.size() && s[i + 1] == ' ');
    if (!sep && s.compare(i, 3, " - ") == 0)
      sep = true;
    if (!sep && (s.compare(i, 5, " \xE2\x80\x93 ") == 0 || s.compare(i, 5, " \xE2\x80\x94 ") == 0)) {
      flush();
      i += 4;
      continue;
    }
    if (!sep && s.compare(i, 4, " at ") == 0) {
      flush();
      i += 3;
      continue;
    }
    if (sep) {
      flush();
      continue;
    }
    cur += c;
  }
  flush();
  // Bullets and brackets around a heading line: "■ 네이버" / "[네이버]".
  for (auto& p : parts) {
    static const RE2 deco(R"(^(?:[■□●○•◆◇▶▷\*\-\#\[\]【】]\s*)+|(?:\s*[\]】])+$)");
    RE2::GlobalReplace(&p, deco, "");
    p = std::string(trim(p));
  }
  parts.erase(std::remove_if(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); }), parts.end());
  return parts;
}

bool has_any(const std::string& s, const std::vector<std::string>& words) {
  auto l = ascii_lower(s);
  for (const auto& w : words)
    if (l.find(w) != std::string::npos)
      return true;
  return false;
}

const std::vector<std::string>& position_words() {
  static const std::vector<std::string> w = {
      "개발자",     "엔지니어",  "engineer",  "developer",     "manager",  "매니저",  "디자이너",   "designer",
      "기획자",     "planner",   "마케터",    "marketer",      "analyst",  "분석가",  "scientist",  "연구원",
      "researcher", "architect", "아키텍트",  "lead",          "리드",     "팀장",    "인턴",       "intern",
      "대리",       "과장",      "사원",      "주임",          "책임",     "선임",    "수석",       "부장",
      "차장",       "cto",       "ceo",       "vp ",           "director", "head of", "consultant", "컨설턴트",
      "specialist", "officer",   "associate", "administrator", "sre",      "devops",  "programmer", "프로그래머",
      "owner",      "담당",      "본부장",    "실장",          "이사"};
  return w;
}

const std::vector<std::string>& company_words() {
  static const std::vector<std::string> w = {
      "(주)",   "㈜",       "주식회사", "inc",          "corp",     "co.",   "ltd",    "llc",    "gmbh",
      "그룹",   "전자",     "은행",     "증권",         "랩스",     "labs",  "테크",   "tech",   "소프트",
      "soft",   "네트웍스", "컴퍼니",   "company",      "코리아",   "korea", "재단",   "연구소", "스튜디오",
      "studio", "시스템즈", "systems",  "엔터테인먼트", "모빌리티", "뱅크",  "커머스", "솔루션", "solutions",
      "건설",   "제약",     "바이오",   "병원",         "카드",     "보험",  "게임즈", "games"};
  return w;
}

void assign_company_position(experience& e, const std::vector<std::string>& parts, bool position_first) {
  if (parts.empty())
    return;
  if (parts.size() == 1) {
    (has_any(parts[0], position_words()) && !has_any(parts[0], company_words()) ? e.position : e.company) = parts[0];
    return;
  }
  const auto& a = parts[0];
  const auto& b = parts[1];
  bool a_pos = has_any(a, position_words()), b_pos = has_any(b, position_words());
  bool a_co = has_any(a, company_words()), b_co = has_any(b, company_words());
  bool swap = position_first;
  if (a_pos && !b_pos)
    swap = true;
  else if (b_pos && !a_pos)
    swap = false;
  else if (a_co && !b_co)
    swap = false;
  else if (b_co && !a_co)
    swap = true;
  e.company = swap ? b : a;
  e.position = swap ? a : b;
}

std::vector<experience> parse_experiences(const std::vector<line_info>& lines) {
  std::vector<experience> out;
  std::vector<size_t> idx;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].sec == section::experience)
      idx.push_back(i);
  std::vector<bool> used(lines.size(), false);
  experience* cur = nullptr;
  for (size_t k = 0; k < idx.size(); ++k) {
    size_t i = idx[k];
    auto line = lines[i].text;
    if (section_of(line) != section::none)
      continue;  // the heading itself
    auto r = find_range(line);
    if (!r) {
      if (cur && !trim(line).empty() && !used[i]) {
        if (!cur->description.empty())
          cur->description += '\n';
        cur->description += std::string(trim(line));
      }
      continue;
    }
    experience e;
    e.start = r->start;
    e.end = r->end;
    e.current = r->current;
    auto rest = without_dates(line, *r);
    auto parts = split_parts(rest);
    bool position_first = rest.find(" at ") != std::string::npos || rest.find('@') != std::string::npos;
    if (parts.empty() && k > 0) {
      // The date on its own line: the company/position line is the one above.
      size_t j = k;
      while (j > 0) {
        --j;
        auto prev = trim(lines[idx[j]].text);
        if (prev.empty())
          continue;
        if (section_of(prev) == section::none && !find_range(prev)) {
          std::string ps(prev);
          parts = split_parts(ps);
          position_first = ps.find(" at ") != std::string::npos || ps.find('@') != std::string::npos;
          used[idx[j]] = true;
          // It was taken as the previous entry's description: take it back.
          if (cur && !cur->description.empty()) {
            auto pos = cur->description.rfind(ps);
            if (pos != std::string::npos && pos + ps.size() == cur->description.size())
              cur->description = std::string(trim(cur->description.substr(0, pos)));
          }
        }
        break;
      }
    }
    assign_company_position(e, parts, position_first);
    out.push_back(std::move(e));
    cur = &out.back();
  }
  return out;
}

std::string degree_of(const std::string& s) {
  auto l = ascii_lower(s);
  static const std::vector<std::pair<std::string, std::vector<std::string>>> degrees = {
      {"doctorate", {"박사", "ph.d", "phd", "doctor"}},
      {"master", {"석사", "master", "m.s.", "m.sc", "mba", "m.a.", "m.eng"}},
      {"associate", {"전문학사", "associate"}},
      {"bachelor", {"학사", "bachelor", "b.s.", "b.sc", "b.a.", "b.eng", "bs ", "ba "}},
      {"high_school", {"고등학교", "high school"}},
  };
  for (const auto& [name, words] : degrees)
    for (const auto& w : words)
      if (l.find(w) != std::string::npos || (w.back() == ' ' && l == w.substr(0, w.size() - 1)))
        return name;
  return {};
}

bool is_school(const std::string& s) {
  return has_any(s, {"대학교", "대학원", "대학", "고등학교", "university", "college", "institute", "school", "academy",
                     "kaist", "postech", "unist", "dgist", "gist", "polytechnic"});
}

std::string strip_degree_words(std::string s) {
  static const RE2 re(
      R"((?i)\s*(?:전문학사|학사|석사|박사|졸업|재학|수료|중퇴|휴학|ph\.?d\.?|b\.?s\.?c?\.?|m\.?s\.?c?\.?|b\.?a\.?|m\.?a\.?|mba|bachelor(?:'s)?(?: of (?:science|arts|engineering))?|master(?:'s)?(?: of (?:science|arts|engineering))?|degree)\s*)");
  RE2::GlobalReplace(&s, re, " ");
  static const RE2 in(R"(^\s*(?:in|전공)\s+)");
  RE2::Replace(&s, in, "");
  static const RE2 suffix(R"(\s*전공\s*$)");
  RE2::Replace(&s, suffix, "");
  return std::string(trim(s));
}

std::vector<education> parse_educations(const std::vector<line_info>& lines) {
  std::vector<education> out;
  education* cur = nullptr;
  std::optional<date_range> pending;  // a date line before its school line
  for (const auto& li : lines) {
    if (li.sec != section::education || section_of(li.text) != section::none)
      continue;
    auto line = trim(li.text);
    if (line.empty())
      continue;
    auto r = find_range(line);
    std::string rest = r ? without_dates(line, *r) : std::string(line);
    auto parts = split_parts(rest);
    bool school_line = std::any_of(parts.begin(), parts.end(), is_school);
    if (school_line) {
      education e;
      for (const auto& p : parts) {
        if (e.school.empty() && is_school(p)) {
          // "서울대학교 컴퓨터공학과": the school and the major in one part.
          static const RE2 school_then(
              R"(^(.*?(?:대학교|대학원|대학|University|College|Institute|KAIST|POSTECH|UNIST))\s+(.+)$)");
          std::string sch, rest_part;
          if (RE2::FullMatch(p, school_then, &sch, &rest_part) && !is_school(rest_part)) {
            e.school = sch;
            auto d = degree_of(rest_part);
            if (!d.empty())
              e.degree = d;
            auto major = strip_degree_words(rest_part);
            if (!major.empty())
              e.major = major;
          } else {
            e.school = p;
          }
          if (e.degree.empty() && p.find("고등학교") != std::string::npos)
            e.degree = "high_school";
          continue;
        }
        auto d = degree_of(p);
        if (!d.empty() && e.degree.empty())
          e.degree = d;
        auto major = strip_degree_words(p);
        if (!major.empty() && e.major.empty())
          e.major = major;
      }
      auto dr = r ? r : pending;
      if (dr) {
        e.start = dr->start;
        e.end = dr->end;
        e.current = dr->current;
      }
      pending.reset();
      out.push_back(std::move(e));
      cur = &out.back();
      continue;
    }
    if (r) {
      if (cur && !cur->start) {
        cur->start = r->start;
        cur->end = r->end;
        cur->current = r->current;
      } else {
        pending = r;
      }
    }
    if (cur) {
      for (const auto& p : parts) {
        auto d = degree_of(p);
        if (!d.empty() && cur->degree.empty())
          cur->degree = d;
        auto major = strip_degree_words(p);
        if (!major.empty() && cur->major.empty() && !d.empty())
          cur->major = major;
      }
    }
  }
  return out;
}

std::string proficiency_in(std::string_view line) {
  auto l = ascii_lower(line);
  static const std::vector<std::pair<std::string, std::vector<std::string>>> levels = {
      {"expert", {"expert", "전문가", "최상", "native", "master"}},
      {"advanced", {"advanced", "proficient", "상급", "(상)", "상)", " 상", "능숙"}},
      {"intermediate", {"intermediate", "중급", "(중)", "중)", " 중", "보통"}},
      {"beginner", {"beginner", "basic", "초급", "(하)", "하)", " 하", "기초"}},
  };
  for (const auto& [name, words] : levels)
    for (const auto& w : words)
      if (l.find(w) != std::string::npos)
        return name;
  return {};
}

// Items of a skills line, split on , | / · ; outside parentheses.
std::vector<std::string> split_items(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  auto flush = [&] {
    auto t = std::string(trim(cur));
    static const RE2 lead(R"(^(?:[■□●○•◆◇▶▷\*\-]\s*)+)");
    RE2::Replace(&t, lead, "");
    if (!t.empty())
      out.push_back(t);
    cur.clear();
  };
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '(' || c == '[')
      ++depth;
    if ((c == ')' || c == ']') && depth > 0)
      --depth;
    if (depth == 0 && (c == ',' || c == '|' || c == '/' || c == ';' || c == '\t')) {
      flush();
      continue;
    }
    if (depth == 0 && line.compare(i, 2, "\xC2\xB7") == 0) {
      flush();
      ++i;
      continue;
    }
    cur += c;
  }
  flush();
  return out;
}

std::vector<skill_item> parse_skills(const std::vector<line_info>& lines) {
  std::vector<skill_item> out;
  auto add = [&](const std::string& name, std::string_view line, bool single, skill_source source) {
    for (const auto& s : out)
      if (s.name == name)
        return;
    auto sk = canonical_skill(name);
    skill_item it{name, sk ? sk->category : "", "", 0, source, 0};
    if (single) {
      it.proficiency = proficiency_in(line);
      static const RE2 years(R"((\d{1,2})\s*\+?\s*(?:년|years?|yrs?))");
      int y = 0;
      if (RE2::PartialMatch(sp(line.data(), line.size()), years, &y) && y > 0 && y < 50)
        it.years = y;
    }
    out.push_back(std::move(it));
  };
  // The skills section first (in order), item by item: "Go (5년, 상)", "Python - expert".
  std::string elsewhere, interests;
  for (const auto& li : lines) {
    if (li.sec != section::skills || section_of(li.text) != section::none) {
      auto& to = li.sec == section::interests ? interests : elsewhere;
      to.append(li.text);
      to += '\n';
      continue;
    }
    for (const auto& item : split_items(li.text)) {
      auto label_end = item.find(':');
      std::string body =
          label_end == std::string::npos ? item : std::string(trim(std::string_view(item).substr(label_end + 1)));
      std::string base = body;
      static const RE2 tail(R"(\s*(?:\(.*\)|[-–]\s*(?:[A-Za-z]+|[가-힣]+))\s*$)");
      RE2::Replace(&base, tail, "");
      std::vector<std::string> found;
      // Everyday-word skills ("go", "spring") count in a skills list however written.
      if (auto sk = canonical_skill(base))
        found.push_back(sk->name);
      else
        found = skills_in_text(body);
      for (const auto& f : found)
        add(f, body, found.size() == 1, skill_source::skills);
    }
  }
  // Then skills named anywhere else (experience, summary, projects), and last those
  // only under interests or hobbies, which are not held.
  for (const auto& f : skills_in_text(elsewhere))
    add(f, {}, false, skill_source::text);
  for (const auto& f : skills_in_text(interests))
    add(f, {}, false, skill_source::interests);
  return out;
}

std::optional<std::pair<int, int>> span_of(const experience& e, int now_year, int now_month) {
  if (!e.start)
    return std::nullopt;
  int now = now_year * 12 + (now_month - 1);
  int s = e.start->year * 12 + (e.start->month > 0 ? e.start->month - 1 : 0);
  int end = e.current || !e.end ? now : e.end->year * 12 + (e.end->month > 0 ? e.end->month - 1 : 11);
  end = std::min(end, now);
  if (end < s)
    return std::nullopt;
  return std::pair{s, end + 1};
}

int union_months(std::vector<std::pair<int, int>> spans) {
  if (spans.empty())
    return 0;
  std::sort(spans.begin(), spans.end());
  int months = 0, cs = spans[0].first, ce = spans[0].second;
  for (size_t i = 1; i < spans.size(); ++i) {
    if (spans[i].first <= ce) {
      ce = std::max(ce, spans[i].second);
    } else {
      months += ce - cs;
      cs = spans[i].first;
      ce = spans[i].second;
    }
  }
  return months + ce - cs;
}

void add_experience_evidence(std::vector<skill_item>& skills, const std::vector<experience>& exps, int now_year,
                             int now_month) {
  std::map<std::string, std::vector<std::pair<int, int>>> spans;
  for (const auto& e : exps) {
    auto span = span_of(e, now_year, now_month);
    if (!span)
      continue;
    for (const auto& name : skills_in_text(e.position + "\n" + e.description))
      spans[name].push_back(*span);
  }
  for (auto& s : skills) {
    auto it = spans.find(s.name);
    if (it == spans.end())
      continue;
    s.source = skill_source::experience;
    s.years_from_experience = std::round(union_months(std::move(it->second)) / 12.0 * 10) / 10;
  }
}

}  // namespace hirehub::resume::detail
