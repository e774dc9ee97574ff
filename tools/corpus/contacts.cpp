#include <cstdio>

#include "tools/corpus/vocabulary.hpp"

namespace hirehub::resume::corpus::detail {

int uniform(rng& r, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(r);
}
bool chance(rng& r, double p) {
  return std::uniform_real_distribution<double>(0, 1)(r) < p;
}
std::string digits(rng& r, int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += static_cast<char>('0' + uniform(r, 0, 9));
  return s;
}
std::string pad(int v, int w) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", w, v);
  return buf;
}

const std::vector<std::string> surnames_ko = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오",
                                              "서", "신", "권", "황", "안", "송", "류", "홍", "전", "고", "문", "양",
                                              "손", "배", "백", "허", "남", "노", "하", "성", "차", "주", "우", "구"};
const std::vector<std::string> given_ko = {
    "민준", "서연", "지훈", "하은", "도윤", "서준", "지우", "수빈", "예준", "지민", "현우", "유진", "준호", "소연",
    "승민", "은지", "동현", "혜진", "성민", "지현", "영희", "철수", "태현", "다은", "민지", "재원", "가은", "시우",
    "윤서", "상훈", "경민", "정우", "보람", "한결", "슬기", "나래", "우진", "진우", "세영", "미경", "정희", "광수",
    "영수", "명수", "수진", "현정", "지영", "은영", "재훈", "성호", "동욱", "민수", "지원", "예린", "채원", "하린"};
const std::vector<std::string> first_en = {"James",  "Mary",  "John",      "Patricia", "Robert", "Jennifer", "Michael",
                                           "Linda",  "David", "Elizabeth", "William",  "Susan",  "Daniel",   "Emily",
                                           "Olivia", "Noah",  "Sophia",    "Liam",     "Grace",  "Ethan",    "Hannah",
                                           "Lucas",  "Chloe", "Minjun",    "Seoyeon",  "Jiwoo",  "Hyunwoo"};
const std::vector<std::string> last_en = {
    "Smith",  "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",   "Anderson", "Thomas",
    "Taylor", "Moore",   "Martin",   "Kim",   "Lee",   "Park",   "Choi",   "Jung",  "Thompson", "Walker",   "Harris"};

std::string korean_name(rng& r) {
  if (chance(r, 0.03))
    return pick(r, std::vector<std::string>{"남궁", "황보", "제갈", "선우"}) + pick(r, given_ko);
  return pick(r, surnames_ko) + pick(r, given_ko);
}
std::string english_name(rng& r) {
  if (chance(r, 0.15))
    return pick(r, first_en) + " " + std::string(1, static_cast<char>('A' + uniform(r, 0, 25))) + ". " +
           pick(r, last_en);
  return pick(r, first_en) + " " + pick(r, last_en);
}

std::string sep_join(rng& r, const std::vector<std::string>& parts) {
  static const std::vector<std::string> seps = {"-", "-", "-", ".", " ", ""};
  auto s = pick(r, seps);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? s : "") + parts[i];
  return out;
}

std::string phone_kr(rng& r) {
  int kind = uniform(r, 0, 9);
  if (kind <= 4)
    return sep_join(r, {"010", digits(r, 4), digits(r, 4)});
  if (kind == 5)
    return sep_join(r, {pick(r, std::vector<std::string>{"011", "016", "017", "018", "019"}),
                        std::to_string(uniform(r, 200, 999)), digits(r, 4)});
  if (kind == 6)
    return sep_join(r, {"02", chance(r, 0.5) ? digits(r, 3).replace(0, 1, "5") : std::to_string(uniform(r, 2000, 9999)),
                        digits(r, 4)});
  if (kind == 7)
    return sep_join(r, {pick(r, std::vector<std::string>{"031", "032", "042", "051", "053", "062", "064"}),
                        std::to_string(uniform(r, 200, 9999)), digits(r, 4)});
  if (kind == 8)
    return chance(r, 0.5) ? sep_join(r, {"070", std::to_string(uniform(r, 1000, 9999)), digits(r, 4)})
                          : sep_join(r, {"0505", std::to_string(uniform(r, 100, 999)), digits(r, 4)});
  // +82 forms.
  auto body = std::to_string(uniform(r, 1000, 9999)) + "-" + digits(r, 4);
  return pick(r, std::vector<std::string>{
                     "+82-10-" + body, "+82 10 " + std::to_string(uniform(r, 1000, 9999)) + " " + digits(r, 4),
                     "+82 (0)10-" + body, "+82-2-" + std::to_string(uniform(r, 200, 999)) + "-" + digits(r, 4)});
}

std::string phone_en(rng& r) {
  int kind = uniform(r, 0, 4);
  if (kind == 0)
    return "+1 " + std::to_string(uniform(r, 201, 989)) + "-555-" + digits(r, 4);
  if (kind == 1)
    return "(" + std::to_string(uniform(r, 201, 989)) + ") 555-" + digits(r, 4);
  if (kind == 2)
    return "+44 20 " + digits(r, 4) + " " + digits(r, 4);
  return phone_kr(r);
}

std::string rrn(rng& r, bool foreigner, bool& hyphen) {
  int year = uniform(r, 1965, 2006);
  int month = uniform(r, 1, 12);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int day = uniform(r, 1, days[month - 1]);
  int g = year >= 2000 ? (uniform(r, 0, 1) ? 3 : 4) : (uniform(r, 0, 1) ? 1 : 2);
  if (foreigner)
    g += 4;
  std::string d = pad(year % 100, 2) + pad(month, 2) + pad(day, 2) + std::to_string(g) + digits(r, 5);
  static const int w[] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  int sum = 0;
  for (int k = 0; k < 12; ++k)
    sum += (d[static_cast<size_t>(k)] - '0') * w[k];
  int check = foreigner ? (13 - sum % 11) % 10 : (11 - sum % 11) % 10;
  // Numbers issued since October 2020 have a random last digit.
  d += chance(r, 0.7) ? std::to_string(check) : digits(r, 1);
  hyphen = chance(r, 0.75);
  return hyphen ? d.substr(0, 6) + "-" + d.substr(6) : d;
}

std::string email(rng& r, const std::string& hint) {
  static const std::vector<std::string> domains = {"gmail.com",   "naver.com",   "daum.net",      "kakao.com",
                                                   "outlook.com", "hanmail.net", "example.co.kr", "yahoo.com"};
  static const std::vector<std::string> stems = {"dev",        "hong",  "kim.j",    "jsmith",     "coder", "park_sy",
                                                 "lee.minjun", "choi2", "jane.doe", "backend.kr", "hello"};
  return pick(r, stems) + hint + std::to_string(uniform(r, 1, 999)) + "@" + pick(r, domains);
}

std::string address_kr(rng& r, std::vector<planted>& pii) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> places = {
      {"서울특별시",
       {"강남구 테헤란로", "마포구 월드컵북로", "송파구 올림픽로", "종로구 세종대로", "서초구 강남대로",
        "영등포구 여의대로", "성동구 왕십리로"}},
      {"경기도",
       {"성남시 분당구 판교역로", "수원시 영통구 광교로", "고양시 일산동구 중앙로", "용인시 수지구 포은대로"}},
      {"부산광역시", {"해운대구 센텀중앙로", "부산진구 중앙대로"}},
      {"대전광역시", {"유성구 대학로", "서구 둔산로"}},
      {"인천광역시", {"연수구 송도과학로"}},
      {"제주특별자치도", {"제주시 첨단로"}},
  };
  const auto& p = pick(r, places);
  std::string prov = p.first;
  if (chance(r, 0.3))
    prov = prov == "서울특별시" ? "서울" : prov == "경기도" ? "경기" : prov;
  std::string addr;
  int kind = uniform(r, 0, 3);
  if (kind == 3) {
    // Lot address.
    addr = prov + " " +
           pick(r, std::vector<std::string>{"강남구 역삼동", "서초구 서초동", "마포구 상암동", "분당구 정자동"}) + " " +
           std::to_string(uniform(r, 1, 999)) + "-" + std::to_string(uniform(r, 1, 99));
  } else {
    addr = prov + " " + pick(r, p.second) + " " + std::to_string(uniform(r, 1, 400));
  }
  int detail = uniform(r, 0, 3);
  if (detail == 0)
    addr += ", " + std::to_string(uniform(r, 2, 30)) + "층";
  else if (detail == 1)
    addr += ", " + pick(r, std::vector<std::string>{"래미안아파트", "푸른마을아파트", "자이아파트", "현대아파트"}) +
            " " + std::to_string(uniform(r, 101, 120)) + "동 " + std::to_string(uniform(r, 101, 2504)) + "호";
  else if (detail == 2)
    addr += " (" + pick(r, std::vector<std::string>{"역삼동", "삼성동", "정자동", "상암동"}) + ")";
  std::string postcode = pad(uniform(r, 1000, 63999), 5);
  int pc = uniform(r, 0, 3);
  if (pc == 0)
    addr = "(" + postcode + ") " + addr;
  else if (pc == 1)
    addr += " [" + postcode + "]";
  pii.push_back({"address", addr});
  return addr;
}

std::string address_en(rng& r, std::vector<planted>& pii) {
  std::string addr;
  if (chance(r, 0.5)) {
    addr = std::to_string(uniform(r, 1, 9999)) + " " +
           pick(r, std::vector<std::string>{"Main", "Oak", "Maple", "Pine", "Cedar", "Elm", "Lake View", "Mission"}) +
           " " +
           pick(r, std::vector<std::string>{"Street", "Avenue", "Road", "Boulevard", "Drive", "Lane", "St.", "Ave"});
    if (chance(r, 0.5))
      addr += ", " + pick(r, std::vector<std::string>{"Apt", "Suite", "Unit"}) + " " +
              std::to_string(uniform(r, 1, 40)) + std::string(1, static_cast<char>('A' + uniform(r, 0, 5)));
    addr += ", " +
            pick(r, std::vector<std::string>{"Springfield, IL", "San Francisco, CA", "Seattle, WA", "Austin, TX",
                                             "Boston, MA"}) +
            " " + pad(uniform(r, 10000, 99999), 5);
  } else {
    addr = std::to_string(uniform(r, 1, 500)) + " " +
           pick(r, std::vector<std::string>{"Teheran-ro", "Sejong-daero", "Olympic-ro", "Pangyoyeok-ro"}) + ", " +
           pick(r, std::vector<std::string>{"Gangnam-gu, Seoul", "Jongno-gu, Seoul", "Songpa-gu, Seoul",
                                            "Bundang-gu, Seongnam-si"}) +
           " " + pad(uniform(r, 1000, 63999), 5);
  }
  pii.push_back({"address", addr});
  return addr;
}

}  // namespace hirehub::resume::corpus::detail
