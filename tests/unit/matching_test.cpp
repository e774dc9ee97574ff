// Matching scores on hand-written resumes and jobs: the taxonomy, the evidence for a
// skill, the cap for missing required skills, the experience fall-off, role families,
// culture signals, the breakdown and the reasoning.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/resume/match_input.hpp"
#include "actors/resume/parse.hpp"
#include "domain/matching.hpp"
#include "domain/skill_taxonomy.hpp"

namespace m = hirehub::domain::matching;

namespace {

m::candidate holding(std::vector<m::skill_evidence> skills, double years, std::string title = "Backend Engineer",
                     std::string text = {}) {
  return m::compact(m::candidate_input{std::move(skills), years, {std::move(title)}, 0, std::move(text)});
}

m::job_profile job(std::vector<std::pair<std::string, bool>> skills, int min = -1, int max = -1,
                   std::string title = "Backend Engineer", std::string text = {}, std::string remote = {}) {
  m::job_input in;
  in.title = std::move(title);
  in.text = std::move(text);
  in.skills = std::move(skills);
  in.experience_min = min;
  in.experience_max = max;
  in.remote_type = std::move(remote);
  return m::compact(in);
}

}  // namespace

TEST(Matching, AliasesKoreanNamesAndVersionsAreOneSkill) {
  auto id = [](const char* written) { return m::skill_id(hirehub::domain::canonical_skill(written)->name); };
  EXPECT_EQ(id("k8s"), id("Kubernetes"));
  EXPECT_EQ(id("쿠버네티스"), id("Kubernetes"));
  EXPECT_EQ(id("Golang 1.21"), id("Go"));
  EXPECT_NE(id("Go"), id("Kubernetes"));
  EXPECT_EQ(m::skill_name(id("k8s")), "Kubernetes");
  // A name outside the taxonomy gets an id of its own, the same each time.
  EXPECT_EQ(m::skill_id("Erlang/OTP internals"), m::skill_id("Erlang/OTP internals"));
}

TEST(Matching, ExperienceOutranksASkillsListOutranksAMentionAndInterestsDoNotCount) {
  auto j = job({{"Go", true}}, 2, 6);
  auto by = [&](m::evidence e, double years) {
    return m::score(j, holding({{"Go", e, e == m::evidence::experience ? years : 0, 0}}, 4)).overall;
  };
  float exp5 = by(m::evidence::experience, 5), exp1 = by(m::evidence::experience, 1);
  float listed = by(m::evidence::skills, 0), mentioned = by(m::evidence::text, 0);
  float interest = by(m::evidence::interests, 0);
  EXPECT_GT(exp5, exp1);
  EXPECT_GT(exp1, listed);
  EXPECT_GT(listed, mentioned);
  EXPECT_GT(mentioned, interest);
  // Only under interests: not held, so the one required skill is missing and caps the score.
  EXPECT_LE(interest, 40.0f);
  auto c = holding({{"Go", m::evidence::interests, 0, 0}}, 4);
  EXPECT_TRUE(c.skills.empty());
}

TEST(Matching, MissingRequiredSkillsCapTheOverallScore) {
  auto j = job({{"Go", true}, {"Kafka", true}, {"Kubernetes", true}, {"Redis", true}}, 0, 60);
  // Strong in everything but the required skills.
  auto none = holding({{"Python", m::evidence::experience, 8, 0}}, 8, "Backend Engineer", "agile remote");
  EXPECT_LE(m::score(j, none).overall, 40.0f);
  EXPECT_EQ(m::score(j, none).skill, 0.0f);
  // One of four missing: at most 100 - 60/4 = 85, even with the rest perfect.
  auto three = holding({{"Go", m::evidence::experience, 5, 0},
                        {"Kafka", m::evidence::experience, 5, 0},
                        {"Kubernetes", m::evidence::experience, 5, 0}},
                       5);
  EXPECT_LE(m::score(j, three).overall, 85.0f);
  auto b = m::breakdown(j, three);
  EXPECT_EQ(b["skills"]["missing_required"], nlohmann::json::array({"Redis"}));
  EXPECT_EQ(b["cap"], 85.0);
  // Preferred skills missing do not cap.
  auto pref = job({{"Go", true}, {"Kafka", false}}, 0, 60);
  EXPECT_TRUE(m::breakdown(pref, holding({{"Go", m::evidence::experience, 5, 0}}, 5))["cap"].is_null());
}

TEST(Matching, YearsInsideTheRangeAreFullAndFallOffSmoothlyOutside) {
  auto j = job({}, 3, 6);
  auto exp = [&](double years) { return m::score(j, holding({}, years)).experience; };
  EXPECT_FLOAT_EQ(exp(3), exp(6));
  EXPECT_FLOAT_EQ(exp(4.5), 100.0f);  // backend resume, backend job, inside the range
  EXPECT_LT(exp(2.5), exp(3));
  EXPECT_LT(exp(1), exp(2.5));
  EXPECT_LT(exp(0), exp(1));
  // Above the range falls off slower than below it, and never below half.
  EXPECT_GT(exp(8), exp(1));
  EXPECT_GE(exp(40), 100 * (0.75 * 0.5 + 0.25));
  // The level stands for a range when there is none: senior is 6-10 years.
  m::job_input senior;
  senior.title = "Senior Backend Engineer";
  senior.experience_level = "senior";
  auto s = m::compact(senior);
  EXPECT_FLOAT_EQ(s.min_years, 6);
  EXPECT_FLOAT_EQ(s.max_years, 10);
  EXPECT_GT(m::score(s, holding({}, 7)).experience, m::score(s, holding({}, 2)).experience);
}

TEST(Matching, RoleFamiliesOfTitlesInKoreanAndEnglish) {
  EXPECT_EQ(m::family_of("백엔드 개발자"), m::role_family::backend);
  EXPECT_EQ(m::family_of("Senior Backend Engineer"), m::role_family::backend);
  EXPECT_EQ(m::family_of("프론트엔드 엔지니어"), m::role_family::frontend);
  EXPECT_EQ(m::family_of("Full-Stack Developer"), m::role_family::fullstack);
  EXPECT_EQ(m::family_of("ML Engineer"), m::role_family::ml);
  EXPECT_EQ(m::family_of("데이터 분석가"), m::role_family::data);
  EXPECT_EQ(m::family_of("Site Reliability Engineer"), m::role_family::devops);
  EXPECT_EQ(m::family_of("iOS Developer"), m::role_family::mobile);
  EXPECT_EQ(m::family_of("QA Engineer"), m::role_family::qa);
  EXPECT_EQ(m::family_of("Aquarium keeper"), m::role_family::unknown);  // "qa" only as a word
  EXPECT_EQ(m::family_of("Product Designer"), m::role_family::design);
  EXPECT_EQ(m::family_of("Software Engineer"), m::role_family::unknown);
  auto j = job({}, 0, 60, "Backend Engineer");
  float same = m::score(j, holding({}, 3, "서버 개발자")).experience;
  float related = m::score(j, holding({}, 3, "Full Stack Developer")).experience;
  float unknown = m::score(j, holding({}, 3, "Software Engineer")).experience;
  float other = m::score(j, holding({}, 3, "Marketing Manager")).experience;
  EXPECT_GT(same, related);
  EXPECT_GT(related, unknown);
  EXPECT_GT(unknown, other);
}

TEST(Matching, CultureSignalsFromTheJobAndTheResume) {
  EXPECT_EQ(m::culture_of("애자일 스크럼으로 일하고 원격 근무 가능"), m::agile | m::remote);
  EXPECT_EQ(m::culture_of("", "hybrid"), m::remote);
  EXPECT_EQ(m::culture_of("Cross-functional collaboration and code review"), m::collaboration | m::mentoring);
  auto j = job({}, 0, 60, "Backend Engineer", "We work in agile sprints, fully remote", "remote");
  EXPECT_GT(m::score(j, holding({}, 3, "Backend Engineer", "원격 근무, 애자일 팀 경험")).culture,
            m::score(j, holding({}, 3, "Backend Engineer", "")).culture);
  // A job that says nothing of how it works is neutral.
  EXPECT_FLOAT_EQ(m::score(job({}), holding({}, 3)).culture, 50.0f);
  // Weighted low: the same resume with and without the signals differs by at most the weight.
  float with = m::score(j, holding({}, 3, "Backend Engineer", "원격 애자일")).overall;
  float without = m::score(j, holding({}, 3, "Backend Engineer", "")).overall;
  EXPECT_LE(with - without, 10.01f);
  m::weights no_culture;
  no_culture.culture = 0;
  EXPECT_FLOAT_EQ(m::score(j, holding({}, 3, "Backend Engineer", "원격 애자일"), no_culture).overall,
                  m::score(j, holding({}, 3, "Backend Engineer", ""), no_culture).overall);
}

TEST(Matching, BreakdownAndReasoningSayWhereEachSkillWasFoundInTheJobsLanguage) {
  auto ko = job({{"Go", true}, {"Kafka", true}, {"Terraform", true}, {"Redis", false}}, 3, 7, "백엔드 개발자",
                "대용량 트래픽을 다루는 팀입니다");
  auto c = holding({{"Go", m::evidence::experience, 4.4, 0},
                    {"Kafka", m::evidence::skills, 0, 2},
                    {"Redis", m::evidence::text, 0, 0},
                    {"Rust", m::evidence::interests, 0, 0}},
                   5.2, "서버 개발자");
  auto b = m::breakdown(ko, c);
  ASSERT_EQ(b["skills"]["matched_required"].size(), 2u);
  EXPECT_EQ(b["skills"]["matched_required"][0]["skill"], "Go");
  EXPECT_EQ(b["skills"]["matched_required"][0]["found_in"], "experience");
  EXPECT_DOUBLE_EQ(b["skills"]["matched_required"][0]["years"].get<double>(), 4.4);
  EXPECT_EQ(b["skills"]["matched_required"][1]["found_in"], "skills");
  EXPECT_EQ(b["skills"]["missing_required"], nlohmann::json::array({"Terraform"}));
  EXPECT_EQ(b["skills"]["matched_preferred"][0]["skill"], "Redis");
  EXPECT_EQ(b["experience"]["range"]["min"], 3.0);
  EXPECT_EQ(b["role_family"]["resume"], "backend");
  EXPECT_EQ(b["scores"]["overall"], m::score(ko, c).overall);
  EXPECT_TRUE(ko.korean);
  auto text = m::reasoning(b, ko.korean);
  EXPECT_EQ(text,
            "필수 기술 3개 중 2개를 갖추었습니다(Go 4.4년, Kafka). 우대 기술 1개도 확인됩니다. 부족한 필수 기술: "
            "Terraform. 총 경력 5.2년으로 요구 경력(3~7년)에 맞습니다. 직무 계열(백엔드)이 같습니다.");
  auto en = job({{"Go", true}}, 6, -1, "Senior Backend Engineer", "We build payments");
  EXPECT_FALSE(en.korean);
  EXPECT_EQ(m::reasoning(m::breakdown(en, c), en.korean),
            "Has 1 of 1 required skills (Go 4.4y). 5.2 years of experience, below the 6+ asked. Same role family "
            "(backend).");
}

TEST(Matching, ParsedResumeToCandidateKeepsEvidenceAndTitles) {
  auto p = hirehub::resume::parse_resume(
      "경력\n네이버 | 백엔드 개발자 | 2020.01 ~ 2023.12\n- k8s 위에서 golang 서비스 "
      "운영\n기술\nPython\n관심분야\nRust\n",
      {2026, 11});
  auto in = hirehub::resume::match_input_of(p, "애자일 팀");
  auto c = m::compact(in);
  ASSERT_EQ(in.titles.size(), 1u);
  EXPECT_EQ(in.titles[0], "백엔드 개발자");
  EXPECT_EQ(c.family, m::role_family::backend);
  EXPECT_EQ(c.culture, m::agile);
  auto j = job({{"Kubernetes", true}, {"Go", true}, {"Rust", false}}, 2, 5);
  auto b = m::breakdown(j, c);
  EXPECT_EQ(b["skills"]["matched_required"].size(), 2u);
  EXPECT_EQ(b["skills"]["matched_required"][0]["found_in"], "experience");
  EXPECT_DOUBLE_EQ(b["skills"]["matched_required"][0]["years"].get<double>(), 4.0);
  EXPECT_EQ(b["skills"]["missing_preferred"], nlohmann::json::array({"Rust"}));
}
