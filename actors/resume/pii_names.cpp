// Names: after a label, as a resume's heading, with a title (님, 팀장), and every
// later mention of a name found so; Korean (surname + given syllables) and English.
#include <unordered_set>

#include "actors/resume/pii_scan.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume::detail {

// ---------------------------------------------------------------- names

// The most common Korean surnames (together well over 99% of people).
const std::vector<std::string>& surnames() {
  static const std::vector<std::string> s = {
      "김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",   "한",   "오",   "서",   "신",   "권",   "황",  "안",
      "송", "류", "유", "전", "홍", "고", "문", "양", "손", "배",   "백",   "허",   "남",   "심",   "노",   "하",  "곽",
      "성", "차", "주", "우", "구", "민", "나", "진", "지", "엄",   "채",   "원",   "천",   "방",   "공",   "현",  "함",
      "변", "염", "여", "추", "도", "소", "석", "선", "설", "마",   "길",   "연",   "위",   "표",   "명",   "기",  "반",
      "라", "왕", "금", "옥", "육", "인", "맹", "제", "모", "탁",   "국",   "어",   "은",   "편",   "용",   "예",  "경",
      "봉", "사", "부", "가", "복", "태", "목", "형", "피", "두",   "감",   "음",   "빈",   "동",   "온",   "호",  "범",
      "좌", "팽", "승", "간", "상", "갈", "단", "견", "당", "남궁", "황보", "제갈", "사공", "선우", "서문", "독고"};
  return s;
}

// Syllables common in Korean given names: a surname + title in running text
// counts as a name only when its given-name syllables are among these, which
// keeps words such as 백엔드 팀장 or 서비스 매니저 apart from names.
const std::u32string& given_syllables() {
  static const std::u32string s = [] {
    std::string utf8 =
        "민준서현지우연윤수영호진성은혜재훈동희정경석태규원주하아예유나다미선숙자철용상기혁환욱빈찬한승건도형범길순옥애"
        "란"
        "율린솔별결온슬보소채세시인일종창남명국근광웅열학춘식봉덕만복래갑필삼문익중완평화청웅옥향분임금효신혜정애숙희"
        "은진솔담결빛한울람름샘슬준혁규섭헌엽휘훈협찬률겸후언가영리채";
    std::u32string out;
    size_t i = 0;
    while (i < utf8.size())
      out += decode_utf8(utf8, i);
    return out;
  }();
  return s;
}

bool is_surname_start(std::string_view name) {
  for (const auto& s : surnames())
    if (name.substr(0, s.size()) == s)
      return true;
  return false;
}

bool plausible_given(std::string_view name) {
  // After a one-syllable surname (3 bytes), every remaining syllable must be common in given names.
  size_t i = 3;
  int n = 0;
  while (i < name.size()) {
    char32_t c = decode_utf8(name, i);
    if (given_syllables().find(c) == std::u32string::npos)
      return false;
    ++n;
  }
  return n >= 1 && n <= 2;
}

const std::unordered_set<std::string>& not_names() {
  static const std::unordered_set<std::string> w = {
      "이력서",  "자기소개", "자기소개서", "경력기술서", "포트폴리오", "지원서",           "경력",
      "학력",    "기술",     "소개",       "프로필",     "resume",     "curriculum vitae", "cv",
      "profile", "summary",  "contact",    "about me",   "portfolio"};
  return w;
}

const std::vector<std::string>& english_non_name_words() {
  static const std::vector<std::string> w = {"resume",     "curriculum",   "vitae",     "profile",  "summary",
                                             "software",   "engineer",     "developer", "manager",  "designer",
                                             "experience", "education",    "skills",    "contact",  "objective",
                                             "university", "college",      "inc",       "corp",     "ltd",
                                             "company",    "senior",       "junior",    "backend",  "frontend",
                                             "data",       "product",      "marketing", "personal", "information",
                                             "details",    "professional", "page",      "team",     "project",
                                             "technical",  "lead",         "scientist", "analyst",  "architect",
                                             "intern",     "full",         "stack",     "cover",    "letter",
                                             "references", "work",         "history",   "career",   "certifications",
                                             "languages",  "seoul",        "korea",     "street",   "road",
                                             "the",        "and",          "of"};
  return w;
}

bool english_name(std::string_view s) {
  // 2-4 capitalised words ("Jane Doe", "Hong Gil-dong", "Mary J. Smith"), none a resume word.
  static const RE2 re(R"([A-Z][a-zA-Z'\-]+(?: [A-Z]\.)?(?: [A-Z][a-zA-Z'\-]+){1,2})");
  if (!RE2::FullMatch(sp(s.data(), s.size()), re))
    return false;
  auto lower = ascii_lower(s);
  size_t p = 0;
  while (p < lower.size()) {
    auto q = lower.find(' ', p);
    if (q == std::string::npos)
      q = lower.size();
    auto word = lower.substr(p, q - p);
    for (const auto& w : english_non_name_words())
      if (word == w)
        return false;
    p = q + 1;
  }
  return true;
}

bool korean_name(std::string_view s) {
  static const RE2 re(R"([가-힣]{2,4}|[가-힣](?: [가-힣]){1,3})");
  if (!RE2::FullMatch(sp(s.data(), s.size()), re))
    return false;
  return is_surname_start(s) && !not_names().count(std::string(s));
}

void labelled_names(collector& c) {
  static const RE2 re(
      R"((?:이름|성명|성 명|성함|지원자명?|작성자|추천인|보증인|담당자|[Nn]ame|NAME|Full [Nn]ame|Candidate|Reference|Referee|Contact [Pp]erson|Supervisor)\s*(?:[:：|]|\t)\s*([가-힣]{2,4}(?: [가-힣]{1,3})?|[A-Z][a-zA-Z'\-]+(?: [A-Z]\.)?(?: [A-Z][a-zA-Z'\-]+){1,2})(?:\s*\(([A-Za-z][A-Za-z'\- ]{1,40}|[가-힣]{2,4})\))?)");
  each_match(re, c.text, [&](const std::vector<sp>& m, size_t s, size_t) {
    // The label starts a line or a field: not "Company Name:" or "Project name:".
    size_t k = s;
    while (k > 0 && (c.text[k - 1] == ' ' || c.text[k - 1] == '\t'))
      --k;
    char32_t b = prev_cp(c.text, k);
    if (k != s && is_alpha(b))
      return false;
    if (is_alpha(b) || is_hangul_syllable(b))
      return false;
    auto name = std::string(m[1].data(), m[1].size());
    size_t ns = offset(c.text, m[1]);
    // "홍길동 (Hong Gildong)": both. A Korean label may be followed by a
    // word that is not part of the name ("성명: 홍길동 생년월일"): keep only the name.
    if (name.find(' ') != std::string::npos && !korean_name(name) && !english_name(name)) {
      auto first = name.substr(0, name.find(' '));
      if (korean_name(first))
        name = first;
      else
        return true;
    }
    if (!korean_name(name) && !english_name(name))
      return true;
    c.add(pii_type::name, ns, ns + name.size(), 0.95, "labelled_name");
    if (m[2].data() != nullptr && m[2].size() > 0) {
      auto alt = m[2].as_string();
      auto t = std::string(trim(alt));
      if (korean_name(t) || english_name(t))
        c.add(pii_type::name, offset(c.text, m[2]), offset(c.text, m[2]) + m[2].size(), 0.9, "labelled_name_alt");
    }
    return true;
  });
}

void heading_name(collector& c) {
  // The first lines of a resume: "홍길동", "홍길동 이력서", "이력서 - 홍길동",
  // "JANE DOE | Backend Engineer", "Resume of Jane Doe".
  size_t pos = 0;
  for (int line_no = 0; line_no < 4 && pos < c.text.size(); ++line_no) {
    auto nl = c.text.find_first_of("\n\f", pos);
    if (nl == std::string_view::npos)
      nl = c.text.size();
    auto line = c.text.substr(pos, nl - pos);
    size_t line_start = pos;
    pos = nl + 1;
    auto t = trim(line);
    if (t.empty()) {
      --line_no;
      continue;
    }
    // Split the heading on separators and look at each part.
    size_t base = line_start + static_cast<size_t>(t.data() - line.data());
    size_t p = 0;
    while (p < t.size()) {
      size_t q = t.size();
      for (std::string_view sep : {"|", " - ", " – ", " — ", ",", "·", "/"}) {
        auto f = t.find(sep, p);
        if (f != std::string_view::npos && f < q)
          q = f;
      }
      auto part = t.substr(p, q - p);
      auto pt = trim(part);
      size_t ps = base + p + static_cast<size_t>(pt.data() - part.data());
      // Drop a leading/trailing resume word: "홍길동 이력서", "Resume of Jane Doe".
      for (std::string_view pre : {"Resume of ", "resume of ", "RESUME OF ", "CV of ", "이력서 "}) {
        if (pt.substr(0, pre.size()) == pre) {
          ps += pre.size();
          pt.remove_prefix(pre.size());
        }
      }
      for (std::string_view suf : {" 이력서", "의 이력서", " Resume", " RESUME", " CV"}) {
        if (pt.size() > suf.size() && pt.substr(pt.size() - suf.size()) == suf)
          pt.remove_suffix(suf.size());
      }
      std::string candidate(pt);
      bool caps = !candidate.empty() && std::all_of(candidate.begin(), candidate.end(), [](char ch) {
        return (ch >= 'A' && ch <= 'Z') || ch == ' ' || ch == '-' || ch == '.' || ch == '\'';
      });
      std::string as_title = candidate;
      if (caps) {  // "JANE DOE" -> "Jane Doe"
        bool start = true;
        for (auto& ch : as_title) {
          if (!start && ch >= 'A' && ch <= 'Z')
            ch = static_cast<char>(ch - 'A' + 'a');
          start = ch == ' ' || ch == '-';
        }
      }
      if (korean_name(candidate) || english_name(as_title))
        c.add(pii_type::name, ps, ps + candidate.size(), 0.8, "heading_name");
      p = q + 1;
      while (p < t.size() && (static_cast<unsigned char>(t[p]) & 0xC0) == 0x80)
        ++p;  // the rest of a multi-byte separator
    }
  }
}

void titled_names(collector& c) {
  // 홍길동 님 / 김철수 팀장 / 박영희 교수님 / 지원자 이민준: a surname-led
  // word of three syllables (or a two-syllable surname + two) next to a title.
  static const RE2 re(
      R"(([가-힣]{2,4})\s?(님|씨|군|양|팀장|부장|과장|차장|대리|사원|주임|실장|본부장|이사|상무|전무|대표|교수|박사|선생|매니저|선배|책임|수석|선임)(?:님)?)");
  each_match(re, c.text, [&](const std::vector<sp>& m, size_t s, size_t) {
    if (is_hangul_syllable(prev_cp(c.text, s)))
      return false;
    auto name = m[1].as_string();
    size_t syllables = utf8_length(name);
    if (syllables != 3 && !(syllables == 2 && m[2].as_string() == "님"))
      return false;
    if (!is_surname_start(name) || not_names().count(name) || !plausible_given(name))
      return false;
    c.add(pii_type::name, s, s + name.size(), 0.7, "titled_name");
    return true;
  });
  static const RE2 context(R"((?:지원자|후보자|작성자|본인)\s+([가-힣]{3}))");
  each_match(context, c.text, [&](const std::vector<sp>& m, size_t, size_t e) {
    auto name = m[1].as_string();
    if (is_hangul_syllable(next_cp(c.text, e)) || !is_surname_start(name) || !plausible_given(name))
      return false;
    c.add(pii_type::name, offset(c.text, m[1]), e, 0.7, "context_name");
    return true;
  });
}

// Every other mention of a name already found ("홍길동 드림", "Jane's").
void name_mentions(collector& c) {
  std::vector<std::string> names;
  for (const auto& f : c.all)
    if (f.type == pii_type::name)
      names.emplace_back(c.text.substr(f.start, f.end - f.start));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& n : names) {
    bool hangul = !n.empty() && (static_cast<unsigned char>(n[0]) & 0x80);
    size_t p = 0;
    while ((p = c.text.find(n, p)) != std::string_view::npos) {
      size_t e = p + n.size();
      char32_t b = prev_cp(c.text, p), a = next_cp(c.text, e);
      bool ok = hangul ? !is_hangul_syllable(b) : (!is_alpha(b) && !is_alpha(a));
      if (ok)
        c.add(pii_type::name, p, e, 0.85, "name_mention");
      p = e;
    }
  }
}

// Overlaps: the stronger finding wins, then the longer.

}  // namespace hirehub::resume::detail
