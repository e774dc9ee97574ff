#include <algorithm>
#include <cctype>

#include "tools/corpus/vocabulary.hpp"

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

using namespace detail;

namespace {

/// The heading (a name, maybe with the role) and the labelled contact block.
void heading_and_contacts(rng& r, generated& g, bool ko, const job_role& role, const std::string& name) {
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
}

/// PII in running text, without a label.
void unlabeled_pii(rng& r, generated& g, bool ko) {
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
}

/// A few of the role's skills, plus one or two from elsewhere, in canonical names.
std::vector<std::string> pick_skills(rng& r, const job_role& role) {
  auto pool = role.skills;
  std::shuffle(pool.begin(), pool.end(), r);
  size_t n = std::min(pool.size(), static_cast<size_t>(uniform(r, 4, 7)));
  std::vector<std::string> skills(pool.begin(), pool.begin() + static_cast<long>(n));
  if (chance(r, 0.5))
    skills.push_back(pick(r, std::vector<std::string>{"Git", "Jira", "Linux", "Excel", "Redis", "Python"}));
  std::sort(skills.begin(), skills.end());
  skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
  return skills;
}

/// The summary; returns the years of experience it claims.
int summary(rng& r, generated& g, bool ko, const job_role& role, const std::vector<std::string>& skills) {
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
  return years;
}

/// The jobs, most recent first; returns the year the earliest began (before it: school).
int experience(rng& r, generated& g, bool ko, const job_role& role, const std::vector<std::string>& skills, int pages) {
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
  return end_year;
}

/// Education, the skills as people write them, certifications, references, a sign-off.
void the_rest(rng& r, generated& g, bool ko, const std::vector<std::string>& skills, int end_year,
              const std::string& name) {
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
  heading_and_contacts(r, g, ko, role, name);
  unlabeled_pii(r, g, ko);
  g.skills = pick_skills(r, role);
  int years = summary(r, g, ko, role, g.skills);
  int end_year = experience(r, g, ko, role, g.skills, pages);
  the_rest(r, g, ko, g.skills, end_year, name);
  g.years_experience = years;
  return g;
}

}  // namespace hirehub::resume::corpus
