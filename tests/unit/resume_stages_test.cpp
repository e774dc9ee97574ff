// The resume pipeline's stages one by one, on hand-written inputs.
#include <map>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/corpus/corpus.hpp"
#include "actors/resume/embed.hpp"
#include "actors/resume/extract.hpp"
#include "actors/resume/parse.hpp"
#include "actors/resume/pii.hpp"
#include "domain/skill_taxonomy.hpp"
#include "actors/resume/summary.hpp"
#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace r = hirehub::resume;

namespace {

std::string masked(const std::string& text) {
  return r::mask_pii(text).masked;
}

r::extract_errc extract_code(const std::string& bytes) {
  try {
    r::extract(bytes);
  } catch (const r::extract_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no extract_error";
  return r::extract_errc::unsupported;
}

}  // namespace

// ---------------------------------------------------------------- extract

TEST(ResumeExtract, TypeComesFromContentNotName) {
  auto g = r::corpus::generate(7, "ko");
  EXPECT_EQ(r::sniff(r::corpus::render_pdf(g)), r::file_kind::pdf);
  EXPECT_EQ(r::sniff(r::corpus::render_docx(g)), r::file_kind::docx);
  EXPECT_EQ(r::sniff(r::corpus::render_text(g)), r::file_kind::text);
  EXPECT_EQ(r::sniff(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), r::file_kind::unsupported);
  EXPECT_EQ(r::sniff(std::string("GIF89a\x01\0\x01\0\0\0\0", 13)), r::file_kind::unsupported);
  EXPECT_EQ(r::sniff("\xff\xfe\x00\x00garbage"), r::file_kind::unsupported);
}

TEST(ResumeExtract, PdfKeepsKoreanTextAndEveryPage) {
  auto g = r::corpus::generate(11, "ko", 3);
  auto out = r::extract(r::corpus::render_pdf(g));
  EXPECT_EQ(out.kind, r::file_kind::pdf);
  EXPECT_GE(out.pages, 2);
  for (const auto& line : {g.lines.front(), g.lines.back()})
    EXPECT_NE(out.text.find(line), std::string::npos) << line;
  EXPECT_NE(out.text.find("■ 경력"), std::string::npos);
  // Reading order: the experience section comes before education.
  EXPECT_LT(out.text.find("■ 경력"), out.text.find("■ 학력"));
}

TEST(ResumeExtract, DocxReadsParagraphsAndTableRows) {
  auto g = r::corpus::generate(12, "ko");
  auto out = r::extract(r::corpus::render_docx(g));
  EXPECT_EQ(out.kind, r::file_kind::docx);
  const auto& row = g.contact_table.at(1);
  EXPECT_NE(out.text.find(row[0] + " | " + row[1]), std::string::npos) << out.text;
  EXPECT_NE(out.text.find(g.lines.back()), std::string::npos);
}

TEST(ResumeExtract, RejectsEmptyEncryptedCorruptAndUnsupportedFilesSayingWhich) {
  EXPECT_EQ(extract_code(""), r::extract_errc::empty);
  EXPECT_EQ(extract_code("   \n\t \n"), r::extract_errc::empty);
  auto pdf = r::corpus::render_pdf(r::corpus::generate(3, "en"));
  EXPECT_EQ(extract_code(pdf.substr(0, pdf.size() / 3)), r::extract_errc::corrupt);
  EXPECT_EQ(extract_code("%PDF-1.7\nthis is not a pdf"), r::extract_errc::corrupt);
  auto docx = r::corpus::render_docx(r::corpus::generate(3, "en"));
  EXPECT_EQ(extract_code(docx.substr(0, docx.size() - 40)), r::extract_errc::corrupt);
  EXPECT_EQ(extract_code(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), r::extract_errc::unsupported);
  EXPECT_EQ(extract_code("text \xC3\x28 with a broken sequence"), r::extract_errc::unsupported);
  // A password-protected Office document: an OLE container with an EncryptionInfo stream.
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole += std::string(100, '\0');
  for (char c : std::string("EncryptionInfo"))
    ole += std::string{c, '\0'};
  EXPECT_EQ(extract_code(ole), r::extract_errc::encrypted);
  std::string legacy("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  legacy += std::string(200, '\0');
  EXPECT_EQ(extract_code(legacy), r::extract_errc::unsupported);
}

TEST(ResumeExtract, TextIsValidatedAndLineEndsNormalised) {
  auto out = r::extract("\xEF\xBB\xBF이름: 홍길동\r\n경력 5년\r\n");
  EXPECT_EQ(out.text, "이름: 홍길동\n경력 5년\n");
}

// ---------------------------------------------------------------- PII

TEST(ResumePii, ResidentNumbersNeedAValidDateAndSexDigit) {
  EXPECT_EQ(masked("주민등록번호: 900101-1234568"), "주민등록번호: ******-*******");
  EXPECT_EQ(masked("주민번호 9001011234568 입니다"), "주민번호 ******-******* 입니다");
  // Random last digit (issued since October 2020): still masked.
  EXPECT_EQ(masked("RRN 050315-4123457"), "RRN ******-*******");
  // Foreigner registration number (sex digit 5-8).
  auto f = r::mask_pii("외국인등록번호 851212-5123456");
  ASSERT_EQ(f.findings.size(), 1u);
  EXPECT_EQ(f.findings[0].type, r::pii_type::foreigner_id);
  // Invalid month, day, or sex digit: not a registration number.
  EXPECT_EQ(masked("주문번호 901301-1234567"), "주문번호 901301-1234567");
  EXPECT_EQ(masked("주문번호 900230-1234567"), "주문번호 900230-1234567");
  EXPECT_EQ(masked("코드 900101-9234567"), "코드 900101-9234567");
  // A corporate registration number has the same shape.
  EXPECT_EQ(masked("법인등록번호 110111-1234567"), "법인등록번호 110111-1234567");
  // Part of a longer code.
  EXPECT_EQ(masked("PRJ-900101-1234567"), "PRJ-900101-1234567");
}

TEST(ResumePii, PhoneNumbersInEveryKoreanForm) {
  for (std::string p :
       {"010-1234-5678", "010.1234.5678", "010 1234 5678", "01012345678", "011-234-5678", "017-2345-6789",
        "02-123-4567", "02-1234-5678", "031-234-5678", "064-712-3456", "070-1234-5678", "0505-123-4567",
        "+82-10-1234-5678", "+82 10 1234 5678", "+82 (0)10-1234-5678", "+82-2-123-4567", "(02) 123-4567"}) {
    auto m = r::mask_pii("연락처: " + p);
    ASSERT_EQ(m.findings.size(), 1u) << p;
    EXPECT_EQ(m.findings[0].type, r::pii_type::phone) << p;
    EXPECT_EQ(m.masked.find_first_of("0123456789"), std::string::npos) << m.masked;
  }
  EXPECT_EQ(masked("010-1234-5678"), "***-****-****");
  // Not phones: 010 needs 4+4 digits; hotlines; dates; versions; money.
  for (std::string s : {"010-123-4567", "1588-1234", "2023.01.15", "v02.123.4567", "6,000만원", "099-123-4567"})
    EXPECT_EQ(masked("값 " + s), "값 " + s) << s;
}

TEST(ResumePii, EmailsAndAddresses) {
  EXPECT_EQ(masked("메일 hong.gd+jobs@mail.example.co.kr 로"), "메일 ***@*** 로");
  EXPECT_EQ(masked("주소: 서울특별시 강남구 테헤란로 152, 12층 (06236)"), "주소: ***");
  EXPECT_EQ(masked("서울 마포구 월드컵북로 396 상암동"), "*** 상암동");
  EXPECT_EQ(masked("경기도 성남시 분당구 판교역로 235 에이치스퀘어 N동 7층"), "***");
  EXPECT_EQ(masked("서울특별시 강남구 역삼동 123-45 래미안아파트 101동 1203호"), "***");
  EXPECT_EQ(masked("Address: 1600 Amphitheatre Parkway, Mountain View, CA 94043"), "Address: ***");
  EXPECT_EQ(masked("152 Teheran-ro, Gangnam-gu, Seoul 06236"), "***");
  EXPECT_EQ(masked("우편번호: 06236"), "우편번호: *****");
  // Schools and companies named after places stay.
  EXPECT_EQ(masked("서울대학교 졸업, 부산은행 근무, 서울 소재 스타트업"),
            "서울대학교 졸업, 부산은행 근무, 서울 소재 스타트업");
}

TEST(ResumePii, NamesLabelledHeadingTitledAndMentioned) {
  auto m = r::mask_pii("홍길동\n백엔드 개발자\n이름: 홍길동 (Hong Gildong)\n...\n위 내용은 사실입니다. 홍길동 드림\n");
  EXPECT_EQ(m.masked, "***\n백엔드 개발자\n이름: *** (***)\n...\n위 내용은 사실입니다. *** 드림\n");
  EXPECT_EQ(masked("JANE DOE | Backend Engineer\nName: Jane Doe"), "*** | Backend Engineer\nName: ***");
  EXPECT_EQ(masked("추천인: 김철수 팀장"), "추천인: *** 팀장");
  EXPECT_EQ(masked("- 박영희 책임과 함께 전환 주도"), "- *** 책임과 함께 전환 주도");
  // Words that start with a surname next to a title are not names.
  for (std::string s : {"백엔드 팀장과 협업", "정보보안 팀장", "서비스 기획 매니저", "이번 팀장 회의", "인프라 팀장"})
    EXPECT_EQ(masked(s), s);
  // Company, school and product names stay; so does "Company Name:".
  for (std::string s :
       {"김앤장 법률사무소", "신세계아이앤씨 | 개발자", "이화여자대학교", "카카오톡 연동", "Company Name: Google"})
    EXPECT_EQ(masked("경력\n" + s), "경력\n" + s);
}

TEST(ResumePii, CountsNeverCarryValues) {
  auto m = r::mask_pii("이름: 홍길동\n연락처: 010-1234-5678\n메일: a@b.co\n");
  auto c = m.counts();
  EXPECT_EQ(c.at("name"), 1);
  EXPECT_EQ(c.at("phone"), 1);
  EXPECT_EQ(c.at("email"), 1);
  nlohmann::json j = c;
  EXPECT_EQ(j.dump().find("홍길동"), std::string::npos);
  EXPECT_EQ(j.dump().find("5678"), std::string::npos);
}

// ---------------------------------------------------------------- parse

TEST(ResumeParse, KoreanSectionsExperiencesEducationSkills) {
  auto p = r::parse_resume(
      "***\n■ 경력사항\n네이버 | 백엔드 개발자 | 2021.03 ~ 현재\n- 검색 API 개발\n카카오 | 서버 개발자 | 2018.01 ~ "
      "2021.02\n"
      "■ 학력\n서울대학교 컴퓨터공학과 학사 | 2012.03 ~ 2018.02\n■ 기술 스택\ngolang, k8s, 파이썬, PostgreSQL (5년, "
      "상)\n"
      "■ 자격증\n정보처리기사 (2017.11)\n",
      {2026, 11});
  ASSERT_EQ(p.experiences.size(), 2u);
  EXPECT_EQ(p.experiences[0].company, "네이버");
  EXPECT_EQ(p.experiences[0].position, "백엔드 개발자");
  EXPECT_TRUE(p.experiences[0].current);
  EXPECT_EQ(p.experiences[0].description, "- 검색 API 개발");
  EXPECT_EQ(p.experiences[1].start->iso(), "2018-01");
  EXPECT_EQ(p.experiences[1].end->iso(), "2021-02");
  // 2018-01 .. 2026-11 without a gap: 8 years 11 months.
  EXPECT_DOUBLE_EQ(p.years_experience, 8.9);
  ASSERT_EQ(p.educations.size(), 1u);
  EXPECT_EQ(p.educations[0].school, "서울대학교");
  EXPECT_EQ(p.educations[0].degree, "bachelor");
  EXPECT_EQ(p.educations[0].major, "컴퓨터공학과");
  std::vector<std::string> names;
  for (const auto& s : p.skills)
    names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Go", "Kubernetes", "Python", "PostgreSQL"}));
  EXPECT_EQ(p.skills[3].years, 5);
  EXPECT_EQ(p.skills[3].proficiency, "advanced");
  EXPECT_EQ(p.certifications, std::vector<std::string>{"정보처리기사"});
  EXPECT_EQ(p.language, "ko");
}

TEST(ResumeParse, EnglishLayoutsAndOverlappingJobsCountOnce) {
  auto p = r::parse_resume(
      "***\nWORK EXPERIENCE\nSenior Engineer at Google\nMar 2019 – Present\n- Led the ads backend in Go\n"
      "Acme Corp | Software Engineer | Jan 2018 - Jun 2020\nEDUCATION\nStanford University | M.S. in Computer Science "
      "| "
      "2016 - 2018\nSKILLS\nLanguages: Go, C++, Python\n",
      {2026, 11});
  ASSERT_EQ(p.experiences.size(), 2u);
  EXPECT_EQ(p.experiences[0].company, "Google");
  EXPECT_EQ(p.experiences[0].position, "Senior Engineer");
  EXPECT_EQ(p.experiences[1].company, "Acme Corp");
  EXPECT_EQ(p.experiences[1].position, "Software Engineer");
  // Jan 2018 .. Nov 2026, the overlap counted once: 8.9 years.
  EXPECT_DOUBLE_EQ(p.years_experience, 8.9);
  ASSERT_EQ(p.educations.size(), 1u);
  EXPECT_EQ(p.educations[0].degree, "master");
  EXPECT_EQ(p.educations[0].major, "Computer Science");
  EXPECT_EQ(p.language, "en");
  nlohmann::json j = p;
  r::parsed_resume back = j.get<r::parsed_resume>();
  EXPECT_EQ(nlohmann::json(back), j);
}

TEST(ResumeParse, SkillEvidenceAndYearsPerSkillFromDatedExperience) {
  auto p = r::parse_resume(
      "경력\n네이버 | 백엔드 개발자 | 2019.01 ~ 2021.12\n- Go와 Kafka로 검색 API 개발\n"
      "카카오 | 서버 개발자 | 2021.06 ~ 2023.05\n- golang 1.21 서비스, k8s 운영\n"
      "기술\nPython, PostgreSQL\n"
      "자기소개\nTerraform으로 인프라를 다뤄 보았습니다\n"
      "관심분야\nRust, 쿠버네티스\n",
      {2026, 11});
  std::map<std::string, const r::skill_item*> by;
  for (const auto& s : p.skills)
    by[s.name] = &s;
  ASSERT_TRUE(by.count("Go") && by.count("Kafka") && by.count("Kubernetes") && by.count("Python") &&
              by.count("Terraform") && by.count("Rust"));
  // Go is named in both jobs (2019-01..2021-12 and 2021-06..2023-05): 53 months, once.
  EXPECT_EQ(by["Go"]->source, r::skill_source::experience);
  EXPECT_DOUBLE_EQ(by["Go"]->years_from_experience, 4.4);
  EXPECT_DOUBLE_EQ(by["Kafka"]->years_from_experience, 3.0);
  // Named in the experience and in the interests: the experience counts.
  EXPECT_EQ(by["Kubernetes"]->source, r::skill_source::experience);
  EXPECT_DOUBLE_EQ(by["Kubernetes"]->years_from_experience, 2.0);
  EXPECT_EQ(by["Python"]->source, r::skill_source::skills);
  EXPECT_DOUBLE_EQ(by["Python"]->years_from_experience, 0);
  EXPECT_EQ(by["Terraform"]->source, r::skill_source::text);
  EXPECT_EQ(by["Rust"]->source, r::skill_source::interests);
  // The source and the years survive the JSON the pipeline stores.
  nlohmann::json j = p;
  auto back = j.get<r::parsed_resume>();
  EXPECT_EQ(nlohmann::json(back), j);
  // Rows written before the source existed read as mentioned in the text.
  j["skills"][0].erase("source");
  j["skills"][0].erase("years_from_experience");
  back = j.get<r::parsed_resume>();
  EXPECT_EQ(back.skills[0].source, r::skill_source::text);
  EXPECT_EQ(r::skill_source_of("bogus"), r::skill_source::text);
}

TEST(ResumeSkills, TaxonomyAliasesAndEverydayWords) {
  EXPECT_EQ(hirehub::domain::canonical_skill("golang")->name, "Go");
  EXPECT_EQ(hirehub::domain::canonical_skill(" K8S ")->name, "Kubernetes");
  EXPECT_EQ(hirehub::domain::canonical_skill("Python 3")->name, "Python");
  EXPECT_EQ(hirehub::domain::canonical_skill("리액트")->name, "React");
  EXPECT_EQ(hirehub::domain::canonical_skill("Golang 1.21")->name, "Go");
  EXPECT_EQ(hirehub::domain::canonical_skill("쿠버네티스")->name, "Kubernetes");
  EXPECT_FALSE(hirehub::domain::canonical_skill("cooking"));
  EXPECT_EQ(hirehub::domain::skills_in_text("Built services in Go and Kubernetes를 운영"),
            (std::vector<std::string>{"Go", "Kubernetes"}));
  // Everyday words are skills only as written: "go", "spring", "R&D", "Google".
  EXPECT_TRUE(hirehub::domain::skills_in_text("we go to Google every spring for R&D").empty());
  EXPECT_EQ(hirehub::domain::skills_in_text("Languages: C, C++, R"), (std::vector<std::string>{"C", "C++", "R"}));
}

// ---------------------------------------------------------------- embed, chunk, summary

TEST(ResumeEmbed, DeterministicNormalisedAndMeaningful) {
  r::hashing_embedder e(256);
  auto a = e.embed_one("Go 백엔드 개발자, Kubernetes 운영 경험");
  auto b = e.embed_one("Kubernetes와 golang 기반 백엔드 개발");
  auto c = e.embed_one("브랜드 마케팅 캠페인 기획 및 SNS 광고 운영");
  EXPECT_EQ(a, e.embed_one("Go 백엔드 개발자, Kubernetes 운영 경험"));
  EXPECT_NEAR(r::dot(a, a), 1.0f, 1e-5);
  EXPECT_GT(r::dot(a, b), r::dot(a, c) + 0.1f);
  EXPECT_EQ(r::from_bytes(r::to_bytes(a)), a);
}

TEST(ResumeChunk, BoundedChunksCoverTheText) {
  auto g = r::corpus::generate(21, "ko", 3);
  auto text = g.text();
  auto chunks = r::chunk_text(text, 300, 450);
  ASSERT_GT(chunks.size(), 2u);
  for (const auto& c : chunks) {
    EXPECT_LE(c.text.size(), 450u);
    EXPECT_TRUE(hirehub::text::valid_utf8(c.text));
  }
  for (const auto& line : g.lines) {
    if (line.empty())
      continue;
    bool covered = false;
    for (const auto& c : chunks)
      covered = covered || c.text.find(line) != std::string::npos;
    EXPECT_TRUE(covered) << line;
  }
}

TEST(ResumeSummary, FactsFirstAndNoPii) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    auto g = r::corpus::generate(seed);
    auto m = r::mask_pii(g.text());
    auto p = r::parse_resume(m.masked);
    auto s = r::extractive_summary(m.masked, p);
    EXPECT_LE(s.size(), 480u);
    EXPECT_FALSE(s.empty());
    for (const auto& pii : g.pii)
      EXPECT_EQ(s.find(pii.value), std::string::npos) << pii.value;
    EXPECT_NE(s.find(p.skills.at(0).name), std::string::npos) << s;
  }
}
