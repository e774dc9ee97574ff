#include <algorithm>
#include <map>
#include <set>

#include "domain/skill_taxonomy.hpp"
#include "tools/corpus/vocabulary.hpp"

using namespace hirehub::domain;  // the skill taxonomy

namespace hirehub::resume::corpus::detail {

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

}  // namespace hirehub::resume::corpus::detail
