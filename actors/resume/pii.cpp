#include "actors/resume/pii.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include <re2/re2.h>

#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

const char* to_string(pii_type t) {
  switch (t) {
    case pii_type::resident_id: return "resident_id";
    case pii_type::foreigner_id: return "foreigner_id";
    case pii_type::phone: return "phone";
    case pii_type::email: return "email";
    case pii_type::address: return "address";
    case pii_type::postcode: return "postcode";
    default: return "name";
  }
}

std::map<std::string, int> masking_result::counts() const {
  std::map<std::string, int> out;
  for (const auto& f : findings)
    ++out[to_string(f.type)];
  return out;
}

std::string mask_for(pii_type type, std::string_view value) {
  switch (type) {
    case pii_type::resident_id:
    case pii_type::foreigner_id: return "******-*******";
    case pii_type::email: return "***@***";
    case pii_type::name:
    case pii_type::address: return "***";
    default: {
      // Phones and postcodes keep their separators: 010-1234-5678 -> ***-****-****.
      std::string out;
      bool leading_digits = true;
      for (char c : value) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
          out += '*';
        } else if (c == '+' && leading_digits) {
          out += '+';
        } else {
          out += c;
          leading_digits = false;
        }
      }
      return out;
    }
  }
}

namespace {

using sp = re2::StringPiece;

size_t offset(std::string_view text, const sp& m) {
  return static_cast<size_t>(m.data() - text.data());
}

char32_t prev_cp(std::string_view text, size_t pos) {
  if (pos == 0)
    return 0;
  size_t b = pos - 1;
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80)
    --b;
  size_t i = b;
  return decode_utf8(text, i);
}

char32_t next_cp(std::string_view text, size_t pos) {
  if (pos >= text.size())
    return 0;
  return decode_utf8(text, pos);
}

size_t next_boundary(std::string_view text, size_t pos) {
  ++pos;
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
    ++pos;
  return pos;
}

bool is_digit(char32_t c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char32_t c) {
  return c < 128 && std::isalpha(static_cast<int>(c));
}

/// Calls f(groups, start, end) for every match; f returns false to reject a
/// match (the scan then retries one code point later).
template <class F>
void each_match(const RE2& re, std::string_view text, F f) {
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<sp> m(static_cast<size_t>(n));
  sp input(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, m.data(), n)) {
    size_t s = offset(text, m[0]);
    size_t e = s + m[0].size();
    if (f(m, s, e) && e > s)
      pos = e;
    else
      pos = next_boundary(text, s);
  }
}

/// Whether one of `words` occurs in the `window` bytes before `start` (same
/// line or the line above), case-insensitively.
bool context_before(std::string_view text, size_t start, const std::vector<std::string>& words, size_t window = 48) {
  size_t from = start > window ? start - window : 0;
  while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80)
    ++from;
  auto lower = ascii_lower(text.substr(from, start - from));
  for (const auto& w : words)
    if (lower.find(w) != std::string::npos)
      return true;
  return false;
}

struct collector {
  std::string_view text;
  double threshold;
  std::vector<pii_finding> all;
  void add(pii_type t, size_t s, size_t e, double score, const char* rule) {
    if (score >= threshold && e > s)
      all.push_back({t, s, e, std::min(score, 1.0), rule});
  }
};

// ---------------------------------------------------------------- registration numbers

bool valid_date(int yy, int mm, int dd, int century) {
  int year = century + yy;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mm < 1 || mm > 12 || dd < 1)
    return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max = days[mm - 1] + (mm == 2 && leap ? 1 : 0);
  return dd <= max;
}

void registration_numbers(collector& c, const masking_options& o) {
  static const RE2 re(R"((\d{6})[ ]?(?:-|–|—)?[ ]?(\d{7}))");
  static const std::vector<std::string> context = {"주민",         "등록번호", "rrn",   "resident",
                                                   "registration", "외국인",   "alien", "생년월일"};
  static const std::vector<std::string> negative = {"법인", "사업자", "corporate", "business reg"};
  each_match(re, c.text, [&](const std::vector<sp>& m, size_t s, size_t e) {
    if (is_digit(prev_cp(c.text, s)) || is_digit(next_cp(c.text, e)) || is_alpha(prev_cp(c.text, s)) ||
        is_alpha(next_cp(c.text, e)))
      return false;
    char32_t before = prev_cp(c.text, s);
    if (before == '-' || before == '.' || before == '/')
      return false;  // part of a longer code: PRJ-900101-1234567
    std::string d = m[1].as_string() + m[2].as_string();
    int yy = (d[0] - '0') * 10 + (d[1] - '0'), mm = (d[2] - '0') * 10 + (d[3] - '0'),
        dd = (d[4] - '0') * 10 + (d[5] - '0'), g = d[6] - '0';
    if (g < 1 || g > 8)
      return false;
    int century = (g == 1 || g == 2 || g == 5 || g == 6) ? 1900 : 2000;
    if (!valid_date(yy, mm, dd, century) || century + yy > o.current_year)
      return false;
    bool foreigner = g >= 5;
    int sum = 0;
    static const int w[] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
    for (int k = 0; k < 12; ++k)
      sum += (d[static_cast<size_t>(k)] - '0') * w[k];
    int check = foreigner ? (13 - sum % 11) % 10 : (11 - sum % 11) % 10;
    bool hyphen = m[0].size() > 13;
    // A valid date and sex/century digit is enough (numbers issued since
    // October 2020 have random last digits); the check digit and context
    // words raise confidence, a corporate-number label lowers it.
    double score = hyphen ? 0.75 : 0.6;
    if (check == d[12] - '0')
      score += 0.15;
    if (context_before(c.text, s, context))
      score += 0.2;
    if (context_before(c.text, s, negative, 40))
      score = 0.3;
    c.add(foreigner ? pii_type::foreigner_id : pii_type::resident_id, s, e, score, "kr_registration_number");
    return true;
  });
}

// ---------------------------------------------------------------- phones

const std::vector<std::string>& phone_context() {
  static const std::vector<std::string> w = {"전화", "연락처", "휴대", "핸드폰",  "phone", "tel", "mobile",
                                             "h.p",  "hp",     "cell", "contact", "fax",   "팩스"};
  return w;
}

bool valid_kr_area(const std::string& area, size_t middle_len) {
  if (area == "010")
    return middle_len == 4;
  if (area == "011" || area == "016" || area == "017" || area == "018" || area == "019")
    return middle_len == 3 || middle_len == 4;
  if (area == "070")
    return middle_len == 4;
  if (area.size() == 4 && area.compare(0, 3, "050") == 0)
    return area[3] >= '2' && area[3] <= '8';
  if (area == "02")
    return true;
  static const std::unordered_set<std::string> regional = {"031", "032", "033", "041", "042", "043", "044", "051",
                                                           "052", "053", "054", "055", "061", "062", "063", "064"};
  return regional.count(area) > 0;
}

void phones(collector& c) {
  // Domestic: an area or mobile prefix (optionally in parentheses), then 3-4 and 4 digits.
  static const RE2 kr(R"(\(?(01[016789]|02|0[3-6][1-5]|070|050[2-8])\)?[ .\-]?(\d{3,4})[ .\-]?(\d{4}))");
  // +82 forms: the leading 0 dropped, sometimes kept in parentheses.
  static const RE2 intl_kr(
      R"(\+\s?82[ .\-]?(?:\(0\)\s?)?(1[016789]|2|[3-6][1-5]|70|50[2-8])[ .\-)]?(\d{3,4})[ .\-]?(\d{4}))");
  // Other countries: +CC and 6-12 more digits in groups.
  static const RE2 intl(R"(\+\s?(?:1|7|[2-9]\d)[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,3})");
  // North American style.
  static const RE2 nanp(R"(\(\d{3}\)\s?\d{3}[\-.]\d{4})");
  auto boundary_ok = [&](size_t s, size_t e) {
    char32_t b = prev_cp(c.text, s), a = next_cp(c.text, e);
    return !is_digit(b) && !is_digit(a) && !is_alpha(b) && !is_alpha(a) && b != '-' && b != '.' && a != '-' &&
           !(a == '.' && is_digit(next_cp(c.text, e + 1)));
  };
  auto score_for = [&](size_t s, double base) { return base + (context_before(c.text, s, phone_context()) ? 0.2 : 0); };
  each_match(kr, c.text, [&](const std::vector<sp>& m, size_t s, size_t e) {
    if (!boundary_ok(s, e) || !valid_kr_area(m[1].as_string(), m[2].size()))
      return false;
    c.add(pii_type::phone, s, e, score_for(s, 0.75), "kr_phone");
    return true;
  });
  each_match(intl_kr, c.text, [&](const std::vector<sp>& m, size_t s, size_t e) {
    if (!boundary_ok(s, e) || !valid_kr_area("0" + m[1].as_string(), m[2].size()))
      return false;
    c.add(pii_type::phone, s, e, score_for(s, 0.85), "kr_phone_intl");
    return true;
  });
  each_match(intl, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (!boundary_ok(s, e))
      return false;
    size_t digits = 0;
    for (size_t k = s; k < e; ++k)
      digits += std::isdigit(static_cast<unsigned char>(c.text[k])) ? 1 : 0;
    if (digits < 8 || digits > 15)
      return false;
    c.add(pii_type::phone, s, e, score_for(s, 0.7), "intl_phone");
    return true;
  });
  each_match(nanp, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (!boundary_ok(s, e))
      return false;
    c.add(pii_type::phone, s, e, score_for(s, 0.6), "nanp_phone");
    return true;
  });
}

// ---------------------------------------------------------------- e-mail

void emails(collector& c) {
  static const RE2 re(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})");
  each_match(re, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    c.add(pii_type::email, s, e, 1.0, "email");
    return true;
  });
}

// ---------------------------------------------------------------- addresses and postcodes

void addresses(collector& c) {
  // Korean road-name and lot addresses: [postcode] [province] city/district
  // ... road + building number | dong/ri + lot, then 동/호/층, a building
  // name, a parenthesised reference, [postcode].
  static const std::string province =
      "(?:서울특별시|서울시|서울|부산광역시|부산시|부산|대구광역시|대구시|대구|인천광역시|인천시|인천|광주광역시|"
      "광주시|광주|대전광역시|대전시|대전|울산광역시|울산시|울산|세종특별자치시|세종시|세종|경기도|경기|"
      "강원특별자치도|강원도|강원|충청북도|충북|충청남도|충남|전북특별자치도|전라북도|전북|전라남도|전남|경상북도|"
      "경북|경상남도|경남|제주특별자치도|제주도|제주)";
  static const std::string postcode = R"((?:[\(\[]?\d{5}[\)\]]?\s*)?)";
  static const std::string district = R"((?:[가-힣]{1,6}(?:시|군|구)\s+){1,2}(?:[가-힣0-9]{1,8}(?:읍|면)\s+)?)";
  static const std::string place =
      R"((?:[가-힣0-9]{1,14}(?:로|길)\s*\d{1,5}(?:-\d{1,5})?(?:번길\s*\d{1,5})?|[가-힣0-9]{1,8}(?:동|리|가)\s*\d{1,5}(?:-\d{1,5})?(?:번지)?))";
  static const std::string detail =
      R"((?:\s*,?\s*(?:[가-힣A-Za-z0-9]{2,15}\s+(?:[A-Z0-9]{1,4}동|\d{1,3}층|\d{1,5}호)|[가-힣A-Za-z0-9]{1,15}\s?\d{1,4}동|[A-Z0-9]{1,4}동|\d{1,5}호|\d{1,3}층|지하\s?\d{1,2}층|B\d{1,2}층?|[가-힣A-Za-z0-9]{2,20}(?:아파트|빌딩|빌라|타워|오피스텔|센터|맨션|캐슬|자이|래미안|푸르지오)))*)";
  static const std::string reference = R"((?:\s*\([가-힣0-9A-Za-z, .\-]{1,40}\))?)";
  static const std::string trailing = R"((?:\s*[\(\[]?\d{5}[\)\]]?)?)";
  static const RE2 with_province(postcode + province + R"(\s+)" + district + place + detail + reference + trailing);
  static const RE2 without_province(postcode + district + place + detail + reference + trailing);
  // English-style addresses: "123 Main Street, Apt 4B, Springfield, IL 62704"
  // and Korean addresses written in English: "152 Teheran-ro, Gangnam-gu, Seoul 06236".
  static const RE2 english(
      R"(\d{1,6}(?:-\d{1,4})?,?[ \t]+(?:[A-Z][A-Za-z]*\.?[ \t]+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|Terrace|Parkway|Pkwy|Highway|Hwy)\b\.?(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?[ \t]*#?[ \t]*[A-Za-z0-9\-]+)?(?:,[ \t]*[A-Z][A-Za-z]+(?:[ \t][A-Z][A-Za-z]+){0,2})?(?:,?[ \t]*[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?)?)");
  static const RE2 english_kr(
      R"(\d{1,5}(?:-\d{1,4})?,?[ \t]+[A-Z][a-z]+(?:-[a-z]+)*-(?:ro|gil|daero)(?:[ \t]*\d{1,3}(?:beon)?-?gil)?,[ \t]*[A-Z][a-z]+-(?:gu|gun|si)(?:,[ \t]*[A-Z][a-z]+(?:-si|-do)?)?(?:,?[ \t]*\d{5})?)");
  auto not_glued = [&](size_t s) {
    char32_t b = prev_cp(c.text, s);
    return !is_hangul_syllable(b) && !is_digit(b) && !is_alpha(b);
  };
  each_match(with_province, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (!not_glued(s))
      return false;
    c.add(pii_type::address, s, e, 0.9, "kr_address");
    return true;
  });
  each_match(without_province, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (!not_glued(s))
      return false;
    c.add(pii_type::address, s, e, 0.7, "kr_address_district");
    return true;
  });
  each_match(english, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (is_digit(prev_cp(c.text, s)) || is_alpha(prev_cp(c.text, s)))
      return false;
    c.add(pii_type::address, s, e, 0.8, "en_address");
    return true;
  });
  each_match(english_kr, c.text, [&](const std::vector<sp>&, size_t s, size_t e) {
    if (is_digit(prev_cp(c.text, s)) || is_alpha(prev_cp(c.text, s)))
      return false;
    c.add(pii_type::address, s, e, 0.85, "kr_address_romanized");
    return true;
  });
  // A labelled postcode on its own.
  static const RE2 labelled(
      R"((?:우편번호|\(우\)|우\)|[Zz][Ii][Pp](?: [Cc]ode)?|[Pp]ostal [Cc]ode|[Pp]ostcode)\s*[:：]?\s*(\d{5})(?:-\d{4})?)");
  each_match(labelled, c.text, [&](const std::vector<sp>& m, size_t, size_t e) {
    if (is_digit(next_cp(c.text, e)))
      return false;
    size_t s = offset(c.text, m[1]);
    c.add(pii_type::postcode, s, e, 0.9, "postcode");
    return true;
  });
}

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
std::vector<pii_finding> resolve(std::vector<pii_finding> all) {
  std::sort(all.begin(), all.end(), [](const pii_finding& a, const pii_finding& b) {
    if (a.score != b.score)
      return a.score > b.score;
    return (a.end - a.start) > (b.end - b.start);
  });
  std::vector<pii_finding> kept;
  for (const auto& f : all) {
    bool overlaps = false;
    for (auto& k : kept) {
      if (f.start < k.end && k.start < f.end) {
        overlaps = true;
        // A longer, weaker span around a stronger one (an address around its
        // postcode) still covers the rest: widen the kept one.
        if (f.type == k.type || f.type == pii_type::address) {
          k.start = std::min(k.start, f.start);
          k.end = std::max(k.end, f.end);
        }
        break;
      }
    }
    if (!overlaps)
      kept.push_back(f);
  }
  std::sort(kept.begin(), kept.end(), [](const pii_finding& a, const pii_finding& b) { return a.start < b.start; });
  // Widening may have made neighbours overlap: merge them.
  std::vector<pii_finding> out;
  for (const auto& f : kept) {
    if (!out.empty() && f.start < out.back().end) {
      out.back().end = std::max(out.back().end, f.end);
      continue;
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace

masking_result mask_pii(std::string_view text, const masking_options& options) {
  collector c{text, options.threshold, {}};
  registration_numbers(c, options);
  phones(c);
  emails(c);
  addresses(c);
  labelled_names(c);
  heading_name(c);
  titled_names(c);
  name_mentions(c);
  masking_result r;
  r.findings = resolve(std::move(c.all));
  size_t pos = 0;
  r.masked.reserve(text.size());
  for (const auto& f : r.findings) {
    r.masked.append(text.substr(pos, f.start - pos));
    r.masked += mask_for(f.type, text.substr(f.start, f.end - f.start));
    pos = f.end;
  }
  r.masked.append(text.substr(pos));
  return r;
}

}  // namespace hirehub::resume
