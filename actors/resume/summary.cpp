#include "actors/resume/summary.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "domain/skill_taxonomy.hpp"
#include "runtime/text_util.hpp"

using namespace hirehub::domain;  // the skill taxonomy

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

namespace {

std::string years_text(double y, bool ko) {
  std::ostringstream s;
  if (std::fabs(y - std::round(y)) < 0.05)
    s << static_cast<int>(std::round(y));
  else
    s << std::fixed << std::setprecision(1) << y;
  return s.str() + (ko ? "년" : (y == 1 ? " year" : " years"));
}

std::vector<std::string_view> candidate_sentences(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    bool end = i == text.size() || text[i] == '\n' || text[i] == '\f' ||
               ((text[i] == '.' || text[i] == '!') && (i + 1 == text.size() || text[i + 1] == ' '));
    if (!end)
      continue;
    auto s = trim(text.substr(start, i - start + (i < text.size() && text[i] == '.' ? 1 : 0)));
    // Drop bullets.
    while (!s.empty() && (s.front() == '-' || s.front() == '*' || s.front() == '#'))
      s = trim(s.substr(1));
    for (std::string_view b : {"•", "■", "●", "▶", "◆"})
      if (s.substr(0, b.size()) == b)
        s = trim(s.substr(b.size()));
    if (!s.empty())
      out.push_back(s);
    start = i + 1;
  }
  return out;
}

double score(std::string_view s) {
  size_t len = utf8_length(s);
  if (len < 15 || len > 220 || s.find("***") != std::string_view::npos || s.find('|') != std::string_view::npos)
    return -1;
  auto skills = skills_in_text(s).size();
  // A list of skills ("Go, k8s, Redis, AWS") is not a sentence.
  if (skills * 8 > len)
    return -1;
  double sc = 1.5 * static_cast<double>(skills);
  // Results: numbers with units (30%, 2배, 1,000만, 10x, 99.9%).
  for (std::string_view u : {"%", "배", "만", "억", "x ", "ms", "TPS", "tps", "건", "명", "users", "requests"})
    if (s.find(u) != std::string_view::npos)
      sc += 1.0;
  for (std::string_view v : {"개발", "설계", "구축", "개선", "도입", "운영", "리드", "led", "built", "designed",
                             "improved", "reduced", "launched", "migrated", "scaled", "developed"})
    if (s.find(v) != std::string_view::npos)
      sc += 0.7;
  // A sentence with a date range is a heading line, not content.
  for (char c : s)
    if (c == '~')
      sc -= 2;
  return sc;
}

}  // namespace

std::string extractive_summary(std::string_view masked_text, const parsed_resume& p, size_t max_bytes) {
  bool ko = p.language != "en";
  std::string lead;
  std::vector<std::string> top;
  for (const auto& s : p.skills) {
    if (top.size() == 5)
      break;
    top.push_back(s.name);
  }
  const experience* latest = nullptr;
  for (const auto& e : p.experiences)
    if (!latest || (e.current && !latest->current) ||
        (e.start && latest->start && e.current == latest->current &&
         e.start->year * 12 + e.start->month > latest->start->year * 12 + latest->start->month))
      latest = &e;
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i)
      out += (i ? ", " : "") + v[i];
    return out;
  };
  if (ko) {
    if (p.years_experience > 0)
      lead += years_text(p.years_experience, true) + " 경력";
    else
      lead += "신입";
    if (latest && !latest->position.empty())
      lead += " " + latest->position;
    if (latest && !latest->company.empty())
      lead += " (" + std::string(latest->current ? "현 " : "전 ") + latest->company + ")";
    if (!top.empty())
      lead += ". 주요 기술: " + join(top);
    lead += ".";
  } else {
    if (latest && !latest->position.empty())
      lead += latest->position;
    else
      lead += "Candidate";
    if (p.years_experience > 0)
      lead += " with " + years_text(p.years_experience, false) + " of experience";
    else
      lead += " starting their career";
    if (latest && !latest->company.empty())
      lead += std::string(latest->current ? ", currently at " : ", most recently at ") + latest->company;
    if (!top.empty())
      lead += ". Key skills: " + join(top);
    lead += ".";
  }
  // The resume's own best sentences, in their original order.
  auto cands = candidate_sentences(masked_text);
  std::vector<std::pair<double, size_t>> ranked;
  for (size_t i = 0; i < cands.size(); ++i) {
    double s = score(cands[i]);
    if (s > 0.5)
      ranked.emplace_back(s, i);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](auto& a, auto& b) { return a.first > b.first; });
  std::vector<size_t> chosen;
  size_t budget = max_bytes > lead.size() ? max_bytes - lead.size() : 0;
  for (const auto& [s, i] : ranked) {
    if (chosen.size() == 3)
      break;
    if (cands[i].size() + 1 > budget)
      continue;
    budget -= cands[i].size() + 1;
    chosen.push_back(i);
  }
  std::sort(chosen.begin(), chosen.end());
  std::string out = lead;
  for (auto i : chosen) {
    std::string s(cands[i]);
    if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?')
      s += '.';
    out += ' ' + s;
  }
  return std::string(utf8_prefix(out, max_bytes));
}

}  // namespace hirehub::resume
