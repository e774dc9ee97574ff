#include "actors/resume/corpus.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include <cairo-pdf.h>
#include <cairo.h>
#include <zip.h>

#include "domain/skill_taxonomy.hpp"

using namespace hirehub::domain;  // the skill taxonomy

namespace hirehub::resume::corpus {

std::string generated::text() const {
  std::string out;
  size_t k = 0;
  // The heading line first, then the contact block, then the rest.
  if (!lines.empty())
    out += lines[k++] + "\n";
  for (const auto& row : contact_table) {
    out += row[0] + ": " + row[1] + "\n";
  }
  for (; k < lines.size(); ++k)
    out += lines[k] + "\n";
  return out;
}

namespace {

using rng = std::mt19937_64;

template <class T>
const T& pick(rng& r, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(r)];
}
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

struct job_role {
  std::string ko, en;
  std::vector<std::string> skills;
};

const std::vector<job_role>& roles() {
  static const std::vector<job_role> r = {
      {"백엔드 개발자",
       "Backend Engineer",
       {"Go", "Java", "Spring Boot", "Kafka", "PostgreSQL", "Redis", "Kubernetes", "AWS", "Docker", "gRPC"}},
      {"프론트엔드 개발자",
       "Frontend Engineer",
       {"TypeScript", "React", "Next.js", "JavaScript", "GraphQL", "CSS", "Redux", "Jest"}},
      {"데이터 엔지니어", "Data Engineer", {"Python", "Spark", "Airflow", "Kafka", "SQL", "BigQuery", "Hadoop", "AWS"}},
      {"머신러닝 엔지니어",
       "Machine Learning Engineer",
       {"Python", "PyTorch", "TensorFlow", "Machine Learning", "Deep Learning", "NLP", "LLM", "Docker"}},
      {"DevOps 엔지니어",
       "DevOps Engineer",
       {"Kubernetes", "Terraform", "AWS", "Docker", "Jenkins", "Linux", "Prometheus", "Grafana", "Helm"}},
      {"iOS 개발자", "iOS Developer", {"Swift", "iOS", "Objective-C", "Firebase", "Git"}},
      {"안드로이드 개발자", "Android Developer", {"Kotlin", "Android", "Java", "Firebase", "Git"}},
      {"프로덕트 디자이너", "Product Designer", {"Figma", "Sketch", "Photoshop", "Illustrator"}},
      {"퍼포먼스 마케터", "Growth Marketer", {"Google Analytics", "SEO", "Google Ads", "Excel", "SQL", "Tableau"}},
  };
  return r;
}

// How a skill is written: often an alias ("golang", "k8s", "파이썬").
std::string spelling(rng& r, const std::string& skill, bool ko) {
  static const std::map<std::string, std::vector<std::string>> alias = {
      {"Go", {"Go", "golang", "Golang"}},
      {"Kubernetes", {"Kubernetes", "k8s", "K8s", "쿠버네티스"}},
      {"Python", {"Python", "python3", "파이썬"}},
      {"JavaScript", {"JavaScript", "JS", "자바스크립트"}},
      {"TypeScript", {"TypeScript", "TS"}},
      {"PostgreSQL", {"PostgreSQL", "Postgres", "postgres"}},
      {"React", {"React", "React.js", "ReactJS", "리액트"}},
      {"Node.js", {"Node.js", "NodeJS"}},
      {"Spring Boot", {"Spring Boot", "SpringBoot", "스프링부트"}},
      {"Docker", {"Docker", "도커"}},
      {"AWS", {"AWS", "Amazon Web Services"}},
      {"Machine Learning", {"Machine Learning", "ML", "머신러닝"}},
      {"Deep Learning", {"Deep Learning", "딥러닝"}},
      {"Kafka", {"Kafka", "Apache Kafka", "카프카"}},
      {"Java", {"Java", "자바", "Java 17"}},
      {"Spark", {"Spark", "PySpark", "Apache Spark"}},
      {"Elasticsearch", {"Elasticsearch", "ES"}},
      {"Google Analytics", {"Google Analytics", "GA4"}},
      {"Next.js", {"Next.js", "NextJS"}},
      {"Terraform", {"Terraform", "테라폼"}},
      {"Kotlin", {"Kotlin", "코틀린"}},
      {"NLP", {"NLP", "자연어처리"}},
  };
  auto it = alias.find(skill);
  if (it == alias.end())
    return skill;
  auto s = pick(r, it->second);
  if (!ko && (static_cast<unsigned char>(s[0]) & 0x80))
    return skill;
  return s;
}

struct company {
  std::string ko, en;
};
const std::vector<company>& companies() {
  static const std::vector<company> c = {{"네이버", "Naver"},
                                         {"카카오", "Kakao"},
                                         {"삼성전자", "Samsung Electronics"},
                                         {"LG전자", "LG Electronics"},
                                         {"쿠팡", "Coupang"},
                                         {"우아한형제들", "Woowa Brothers"},
                                         {"비바리퍼블리카", "Viva Republica"},
                                         {"라인플러스", "LINE Plus"},
                                         {"당근마켓", "Daangn Market"},
                                         {"신세계아이앤씨", "Shinsegae I&C"},
                                         {"한화시스템", "Hanwha Systems"},
                                         {"김앤장 법률사무소", "Kim & Chang"},
                                         {"현대자동차", "Hyundai Motor"},
                                         {"신한은행", "Shinhan Bank"},
                                         {"하나금융티아이", "Hana TI"},
                                         {"정관장", "KGC"},
                                         {"이마트", "E-mart"},
                                         {"(주)하이퍼커넥트", "Hyperconnect Inc."}};
  return c;
}
const std::vector<company>& schools() {
  static const std::vector<company> s = {{"서울대학교", "Seoul National University"},
                                         {"연세대학교", "Yonsei University"},
                                         {"고려대학교", "Korea University"},
                                         {"KAIST", "KAIST"},
                                         {"포항공과대학교", "POSTECH"},
                                         {"이화여자대학교", "Ewha Womans University"},
                                         {"성균관대학교", "Sungkyunkwan University"},
                                         {"한양대학교", "Hanyang University"},
                                         {"부산대학교", "Pusan National University"},
                                         {"서울과학기술대학교", "Seoul National University of Science and Technology"}};
  return s;
}

// A line of non-PII that looks like PII to a careless masker, and its values.
std::string lookalike_bullet(rng& r, bool ko, std::vector<std::string>& keep) {
  int kind = uniform(r, 0, 17);
  auto k = [&](std::string v) {
    keep.push_back(v);
    return v;
  };
  switch (kind) {
    case 0: {
      auto v = "v" + std::to_string(uniform(r, 1, 9)) + "." + std::to_string(uniform(r, 0, 20)) + "." +
               std::to_string(uniform(r, 0, 40));
      return ko ? "배포 버전 " + k(v) + " 릴리스 관리" : "Shipped release " + k(v) + " to production";
    }
    case 1: {
      auto v = std::to_string(uniform(r, 10, 95)) + "%";
      return ko ? "응답 시간 " + k(v) + " 단축" : "Cut p99 latency by " + k(v);
    }
    case 2: {
      auto v = "PRJ-" + std::to_string(uniform(r, 2015, 2025)) + "-" + pad(uniform(r, 1, 9999), 4);
      return ko ? "프로젝트 코드 " + k(v) + " 리드" : "Led project " + k(v);
    }
    case 3: {
      auto v = ko ? std::to_string(uniform(r, 3, 12)) + ",000만원" : "$" + std::to_string(uniform(r, 80, 250)) + ",000";
      return ko ? "연봉 " + k(v) + " 수준 오퍼 수락" : "Compensation band " + k(v);
    }
    case 4: {
      auto v = std::to_string(uniform(r, 1588, 1599)) + "-" + pad(uniform(r, 0, 9999), 4);
      return ko ? "고객센터 " + k(v) + " 상담 시스템 연동" : "Integrated the " + k(v) + " support hotline";
    }
    case 5: {
      auto v =
          std::to_string(uniform(r, 100, 999)) + "-" + pad(uniform(r, 1, 99), 2) + "-" + pad(uniform(r, 1, 99999), 5);
      return ko ? "사업자등록번호 " + k(v) + " 기반 정산 자동화" : "Automated invoices keyed by business no. " + k(v);
    }
    case 6: {
      auto v =
          std::to_string(uniform(r, 2015, 2025)) + "-" + pad(uniform(r, 1, 12), 2) + "-" + pad(uniform(r, 1, 28), 2);
      return ko ? k(v) + " 서비스 정식 출시" : "Launched on " + k(v);
    }
    case 7: {
      auto v =
          pick(r, std::vector<std::string>{"카카오톡", "네이버 지도", "배달의민족", "토스", "Galaxy S23", "iPhone 15"});
      return ko ? k(v) + " 연동 기능 개발" : "Built the " + k(v) + " integration";
    }
    case 8: {
      auto v = std::to_string(uniform(r, 2, 90)) + "," + pad(uniform(r, 0, 999), 3) + " TPS";
      return ko ? "초당 " + k(v) + " 처리 구조 설계" : "Designed for " + k(v);
    }
    case 9: {
      auto v = "JIRA-" + std::to_string(uniform(r, 1000, 99999));
      return ko ? "장애 티켓 " + k(v) + " 원인 분석" : "Root-caused incident " + k(v);
    }
    case 10: {
      auto v = pick(r, std::vector<std::string>{"백엔드 팀장", "서비스 기획 매니저", "정보보안 팀장", "인프라 팀장"});
      return ko ? k(v) + "과 협업하여 일정 관리" : "Reported to the " + k("Head of Platform");
    }
    case 12: {
      auto v = "978-89-" + pad(uniform(r, 1000, 9999), 4) + "-" + pad(uniform(r, 100, 999), 3) + "-" +
               std::to_string(uniform(r, 0, 9));
      return ko ? "기술서 집필 (ISBN " + k(v) + ")" : "Co-authored a book (ISBN " + k(v) + ")";
    }
    case 13: {
      auto v = "110111-" + std::to_string(uniform(r, 1, 4)) + pad(uniform(r, 0, 999999), 6);
      return ko ? "법인등록번호 " + k(v) + " 법인 설립 실무" : "Corporate registration number " + k(v) + " filings";
    }
    case 14: {
      auto v = pick(r, std::vector<std::string>{"09:00-18:00", "10:00~19:00"});
      return ko ? "근무시간 " + k(v) + " 유연근무제 도입" : "Core hours " + k(v);
    }
    case 15: {
      auto v = "10." + std::to_string(uniform(r, 0, 255)) + "." + std::to_string(uniform(r, 0, 255)) + "." +
               std::to_string(uniform(r, 1, 254));
      return ko ? "사내망 " + k(v) + " 대역 게이트웨이 구축" : "Ran the gateway at " + k(v);
    }
    case 16: {
      auto v = "SM-G" + std::to_string(uniform(r, 900, 999)) + "N";
      return ko ? "단말 " + k(v) + " 호환성 테스트" : "Device testing on " + k(v);
    }
    default: {
      auto v = std::to_string(uniform(r, 1, 99)) + "." + std::to_string(uniform(r, 1, 9)) + "%";
      return ko ? "가용성 " + k(v) + " 달성" : "Kept availability at " + k(v);
    }
  }
}

}  // namespace

generated generate(uint64_t seed, const std::string& language, int pages) {
  rng r(seed * 0x9E3779B97F4A7C15ULL + 17);
  generated g;
  g.language = language.empty() ? (chance(r, 0.6) ? "ko" : "en") : language;
  bool ko = g.language == "ko";
  const auto& role = pick(r, roles());
  std::string name = ko ? korean_name(r) : english_name(r);
  g.title = ko ? role.ko + " 이력서" : role.en + " resume";

  // Heading.
  int h = uniform(r, 0, 3);
  std::string heading;
  if (ko)
    heading = h == 0 ? name : h == 1 ? name + " 이력서" : h == 2 ? "이력서 - " + name : name + " | " + role.ko;
  else {
    std::string upper = name;
    for (auto& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    heading = h == 0 ? name : h == 1 ? upper : h == 2 ? "Resume of " + name : name + " | " + role.en;
  }
  g.lines.push_back(heading);
  g.pii.push_back({"name", name});

  // Contact block.
  if (ko) {
    g.contact_table.push_back({chance(r, 0.5) ? "이름" : "성명", name});
    auto ph = phone_kr(r);
    g.pii.push_back({"phone", ph});
    g.contact_table.push_back({pick(r, std::vector<std::string>{"연락처", "휴대폰", "전화번호", "Mobile"}), ph});
    auto em = email(r, "");
    g.pii.push_back({"email", em});
    g.contact_table.push_back({"이메일", em});
    g.contact_table.push_back({"주소", address_kr(r, g.pii)});
    if (chance(r, 0.5)) {
      bool hy = true;
      bool foreigner = chance(r, 0.15);
      auto id = rrn(r, foreigner, hy);
      g.pii.push_back({foreigner ? "foreigner_id" : "resident_id", id});
      g.contact_table.push_back(
          {foreigner ? "외국인등록번호" : pick(r, std::vector<std::string>{"주민등록번호", "주민번호"}), id});
    }
    if (chance(r, 0.3)) {
      auto home = sep_join(r, {"02", std::to_string(uniform(r, 200, 9999)), digits(r, 4)});
      g.pii.push_back({"phone", home});
      g.contact_table.push_back({"자택", home});
    }
  } else {
    g.contact_table.push_back({"Name", name});
    auto ph = phone_en(r);
    g.pii.push_back({"phone", ph});
    g.contact_table.push_back({pick(r, std::vector<std::string>{"Phone", "Mobile", "Tel"}), ph});
    auto em = email(r, "");
    g.pii.push_back({"email", em});
    g.contact_table.push_back({"Email", em});
    g.contact_table.push_back({"Address", chance(r, 0.3) ? address_kr(r, g.pii) : address_en(r, g.pii)});
    if (chance(r, 0.15)) {
      bool hy = true;
      auto id = rrn(r, false, hy);
      g.pii.push_back({"resident_id", id});
      g.contact_table.push_back({"Resident Registration No.", id});
    }
  }

  // PII in running text, without a label.
  if (chance(r, 0.5)) {
    auto ph = ko ? phone_kr(r) : phone_en(r);
    g.pii.push_back({"phone", ph});
    if (ko)
      g.lines.push_back("평일 " + std::string("09:00") + " 이후에는 " + ph + " 로 연락 부탁드립니다.");
    else
      g.lines.push_back("Best reached after 6pm at " + ph + ".");
  }
  if (chance(r, 0.3)) {
    auto em = email(r, ".work");
    g.pii.push_back({"email", em});
    g.lines.push_back(ko ? "포트폴리오 문의: " + em : "Portfolio requests: " + em);
  }
  if (ko && chance(r, 0.2)) {
    // A district-level address with no province.
    auto addr = pick(r, std::vector<std::string>{"강남구 테헤란로", "마포구 양화로", "분당구 판교역로",
                                                 "해운대구 센텀중앙로"}) +
                " " + std::to_string(uniform(r, 1, 300)) + " " + std::to_string(uniform(r, 101, 999)) + "호";
    g.pii.push_back({"address", addr});
    g.lines.push_back("현 거주지 " + addr + " 인근 (재택 가능)");
  }
  if (ko && chance(r, 0.2)) {
    bool hy = true;
    auto id = rrn(r, false, hy);
    g.pii.push_back({"resident_id", id});
    g.lines.push_back("※ 채용 확정 시 제출할 신원 정보: " + id);
  }

  // Skills: a few of the role's, plus one or two from elsewhere.
  auto pool = role.skills;
  std::shuffle(pool.begin(), pool.end(), r);
  size_t n = std::min(pool.size(), static_cast<size_t>(uniform(r, 4, 7)));
  std::vector<std::string> skills(pool.begin(), pool.begin() + static_cast<long>(n));
  if (chance(r, 0.5))
    skills.push_back(pick(r, std::vector<std::string>{"Git", "Jira", "Linux", "Excel", "Redis", "Python"}));
  std::sort(skills.begin(), skills.end());
  skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
  g.skills = skills;

  // Summary.
  g.lines.push_back("");
  g.lines.push_back(ko ? "■ 자기소개" : "SUMMARY");
  int years = uniform(r, 1, 15);
  if (ko)
    g.lines.push_back(std::to_string(years) + "년차 " + role.ko + "로 " + spelling(r, skills[0], true) +
                      " 기반 서비스를 설계하고 운영했습니다.");
  else
    g.lines.push_back(role.en + " with " + std::to_string(years) + " years building products with " +
                      spelling(r, skills[0], false) + ".");
  g.lines.push_back(lookalike_bullet(r, ko, g.lookalikes));

  // Experience.
  g.lines.push_back("");
  g.lines.push_back(ko ? "■ 경력" : "EXPERIENCE");
  int end_year = 2026, end_month = uniform(r, 1, 10);
  int jobs = uniform(r, 1, 3) + (pages - 1) * 2;
  bool current = chance(r, 0.6);
  for (int j = 0; j < jobs; ++j) {
    const auto& co = pick(r, companies());
    int len = uniform(r, 10, 48);
    int start_total = end_year * 12 + end_month - len;
    int sy = start_total / 12, sm = start_total % 12 + 1;
    std::string when = ko ? std::to_string(sy) + "." + pad(sm, 2) + " ~ " +
                                (j == 0 && current ? "현재" : std::to_string(end_year) + "." + pad(end_month, 2))
                          : std::to_string(sy) + "-" + pad(sm, 2) + " – " +
                                (j == 0 && current ? "Present" : std::to_string(end_year) + "-" + pad(end_month, 2));
    g.lookalikes.push_back(std::to_string(sy) + (ko ? "." : "-") + pad(sm, 2));
    g.lookalikes.push_back(ko ? co.ko : co.en);
    g.lines.push_back((ko ? co.ko : co.en) + " | " + (ko ? role.ko : role.en) + " | " + when);
    int bullets = uniform(r, 2, 3) + (pages > 1 ? 3 : 0);
    for (int b = 0; b < bullets; ++b) {
      if (b == 0) {
        auto s1 = spelling(r, skills[static_cast<size_t>(uniform(r, 0, static_cast<int>(skills.size()) - 1))], ko);
        g.lines.push_back(ko ? "- " + s1 + "를 활용한 핵심 API 개발 및 운영" : "- Built core APIs with " + s1);
      } else {
        g.lines.push_back("- " + lookalike_bullet(r, ko, g.lookalikes));
      }
    }
    if (ko && chance(r, 0.25)) {
      // A colleague named in running text (surname + title).
      auto colleague = pick(r, surnames_ko) + pick(r, given_ko);
      g.pii.push_back({"name", colleague});
      g.lines.push_back("- " + colleague + " " + pick(r, std::vector<std::string>{"팀장님", "책임", "매니저"}) +
                        "과 함께 " + spelling(r, pick(r, skills), true) + " 전환 주도");
    }
    end_year = sy - (chance(r, 0.3) ? 1 : 0);
    end_month = sm;
  }

  // Education.
  g.lines.push_back("");
  g.lines.push_back(ko ? "■ 학력" : "EDUCATION");
  const auto& sc = pick(r, schools());
  g.lookalikes.push_back(ko ? sc.ko : sc.en);
  int gy = end_year - uniform(r, 0, 2);
  if (ko)
    g.lines.push_back(sc.ko + " " +
                      pick(r, std::vector<std::string>{"컴퓨터공학과", "산업공학과", "경영학과", "시각디자인학과"}) +
                      " 학사 | " + std::to_string(gy - 4) + ".03 ~ " + std::to_string(gy) + ".02");
  else
    g.lines.push_back(
        sc.en + " | B.S. in " +
        pick(r, std::vector<std::string>{"Computer Science", "Industrial Engineering", "Business", "Design"}) + " | " +
        std::to_string(gy - 4) + " - " + std::to_string(gy));

  // Skills, as people write them.
  g.lines.push_back("");
  g.lines.push_back(ko ? "■ 기술 스택" : "SKILLS");
  std::string list;
  for (size_t i = 0; i < skills.size(); ++i)
    list += (i ? ", " : "") + spelling(r, skills[i], ko);
  g.lines.push_back(list);

  // Certifications.
  g.lines.push_back("");
  g.lines.push_back(ko ? "■ 자격증" : "CERTIFICATIONS");
  auto cert = ko ? pick(r, std::vector<std::string>{"정보처리기사", "SQLD", "AWS Solutions Architect"})
                 : pick(r, std::vector<std::string>{"AWS Solutions Architect", "CKA", "PMP"});
  auto cert_date = std::to_string(uniform(r, 2012, 2024)) + "." + pad(uniform(r, 1, 12), 2);
  g.lookalikes.push_back(cert_date);
  g.lines.push_back(cert + " (" + cert_date + ")");

  // References.
  if (chance(r, 0.35)) {
    g.lines.push_back("");
    auto ref = ko ? korean_name(r) : english_name(r);
    auto ref_phone = ko ? phone_kr(r) : phone_en(r);
    g.pii.push_back({"name", ref});
    g.pii.push_back({"phone", ref_phone});
    g.lines.push_back((ko ? "추천인: " : "Reference: ") + ref + (ko ? " (전 직장 팀장, " : " (former manager, ") +
                      ref_phone + ")");
  }
  if (ko && chance(r, 0.3)) {
    g.lines.push_back("");
    g.lines.push_back("위 기재 사항은 사실과 다름없습니다. " + name + " 드림");
  }
  g.years_experience = years;
  return g;
}

std::string render_text(const generated& r) {
  return r.text();
}

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string paragraph(const std::string& text, bool bold = false) {
  std::string rpr = bold ? "<w:rPr><w:b/></w:rPr>" : "";
  return "<w:p><w:r>" + rpr + "<w:t xml:space=\"preserve\">" + xml_escape(text) + "</w:t></w:r></w:p>";
}

}  // namespace

std::string render_docx(const generated& r) {
  std::string body;
  if (!r.lines.empty())
    body += paragraph(r.lines[0], true);
  if (!r.contact_table.empty()) {
    body += "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>";
    for (const auto& row : r.contact_table) {
      body += "<w:tr>";
      for (const auto& cell : row)
        body += "<w:tc>" + paragraph(cell) + "</w:tc>";
      body += "</w:tr>";
    }
    body += "</w:tbl>";
  }
  for (size_t i = 1; i < r.lines.size(); ++i)
    body += paragraph(r.lines[i]);
  std::vector<std::pair<std::string, std::string>> files = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
       R"(<Default Extension="xml" ContentType="application/xml"/>)"
       R"(<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>)"
       R"(</Types>)"},
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>)"
       R"(</Relationships>)"},
      {"word/document.xml",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>)" +
           body + R"(<w:sectPr/></w:body></w:document>)"},
  };
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src)
    throw std::runtime_error("docx: cannot create a buffer");
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) {
    zip_source_free(src);
    throw std::runtime_error("docx: cannot open an archive");
  }
  zip_source_keep(src);
  for (const auto& [name, data] : files) {
    zip_source_t* fs = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!fs || zip_file_add(za, name.c_str(), fs, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(fs);
      zip_discard(za);
      zip_source_free(src);
      throw std::runtime_error("docx: cannot add " + name);
    }
  }
  if (zip_close(za) != 0) {
    zip_discard(za);
    zip_source_free(src);
    throw std::runtime_error("docx: cannot write the archive");
  }
  std::string out;
  if (zip_source_open(src) == 0) {
    zip_source_seek(src, 0, SEEK_END);
    auto size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    out.resize(static_cast<size_t>(size));
    auto got = zip_source_read(src, out.data(), out.size());
    out.resize(got > 0 ? static_cast<size_t>(got) : 0);
    zip_source_close(src);
  }
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

std::string render_pdf(const generated& r) {
  std::string out;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  const double width = 595, height = 842, margin = 50, size = 9.5, leading = 14;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write, &out, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "NanumGothic", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  double y = margin;
  auto text_lines = [&] {
    std::vector<std::string> v;
    auto t = r.text();
    size_t p = 0;
    while (p < t.size()) {
      auto q = t.find('\n', p);
      if (q == std::string::npos)
        q = t.size();
      v.push_back(t.substr(p, q - p));
      p = q + 1;
    }
    return v;
  }();
  auto show = [&](const std::string& line) {
    if (y > height - margin) {
      cairo_show_page(cr);
      y = margin;
    }
    cairo_move_to(cr, margin, y);
    cairo_show_text(cr, line.c_str());
    y += leading;
  };
  for (const auto& line : text_lines) {
    // Wrap at spaces to the text width.
    std::string rest = line;
    while (true) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr, rest.c_str(), &ext);
      if (ext.x_advance <= width - 2 * margin)
        break;
      size_t cut = rest.size();
      std::string head;
      while (cut != std::string::npos && cut > 0) {
        cut = rest.rfind(' ', cut - 1);
        if (cut == std::string::npos)
          break;
        head = rest.substr(0, cut);
        cairo_text_extents(cr, head.c_str(), &ext);
        if (ext.x_advance <= width - 2 * margin)
          break;
      }
      if (cut == std::string::npos || cut == 0)
        break;
      show(head);
      rest = rest.substr(cut + 1);
    }
    show(rest);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace hirehub::resume::corpus
