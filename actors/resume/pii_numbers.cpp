// The number-like and place-like PII: resident and foreigner registration numbers,
// phone numbers, e-mail addresses, postal addresses and postcodes.
#include <unordered_set>

#include "actors/resume/pii_scan.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume::detail {

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

}  // namespace hirehub::resume::detail
