// The rules of jobs (domain/jobs), without a database.
#include <gtest/gtest.h>

#include <caf/error.hpp>
#include <nlohmann/json.hpp>

#include "domain/jobs.hpp"
#include "domain/errors.hpp"
#include "refusal.hpp"

using namespace hirehub;
namespace jobs = hirehub::domain::jobs;
using hirehub::test::refusal;
using nlohmann::json;

namespace {

const jobs::actor owner{"u1", "company", "c1"};
const jobs::actor rival{"u2", "company", "c2"};
const jobs::actor seeker{"u3", "jobseeker", ""};
const jobs::actor admin{"u4", "admin", ""};
const jobs::actor companyless{"u5", "company", ""};

}  // namespace

TEST(jobs_rules, only_a_companys_member_posts) {
  EXPECT_NO_THROW(jobs::require_poster(owner));
  EXPECT_EQ(refusal([] { jobs::require_poster(seeker); }).first, errc::forbidden);
  EXPECT_EQ(refusal([] { jobs::require_poster(admin); }).first, errc::forbidden);
  EXPECT_EQ(refusal([] { jobs::require_poster(companyless); }).first, errc::forbidden);
}

TEST(jobs_rules, only_the_owner_changes_and_another_companys_draft_is_not_told) {
  EXPECT_NO_THROW(jobs::require_owner(owner, "c1", "open"));
  EXPECT_NO_THROW(jobs::require_owner(owner, "c1", "draft"));
  EXPECT_EQ(refusal([] { jobs::require_owner(rival, "c1", "open"); }).first, errc::forbidden);
  EXPECT_EQ(refusal([] { jobs::require_owner(rival, "c1", "draft"); }).first, errc::not_found);
  EXPECT_EQ(refusal([] { jobs::require_owner(seeker, "c1", "closed"); }).first, errc::forbidden);
  EXPECT_EQ(refusal([] { jobs::require_owner(admin, "c1", "draft"); }).first, errc::not_found);
  // A company member without a company owns nothing, even a job whose company is empty.
  EXPECT_EQ(refusal([] { jobs::require_owner(companyless, "", "open"); }).first, errc::forbidden);
}

TEST(jobs_rules, drafts_are_seen_by_their_company_and_admins_and_views_count_for_others) {
  EXPECT_TRUE(jobs::visible(owner, "c1", "draft"));
  EXPECT_TRUE(jobs::visible(admin, "c1", "draft"));
  EXPECT_FALSE(jobs::visible(rival, "c1", "draft"));
  EXPECT_FALSE(jobs::visible(seeker, "c1", "draft"));
  EXPECT_TRUE(jobs::visible(seeker, "c1", "open"));
  EXPECT_TRUE(jobs::visible(rival, "c1", "closed"));
  EXPECT_FALSE(jobs::counts_view(owner, "c1"));
  EXPECT_TRUE(jobs::counts_view(rival, "c1"));
  EXPECT_TRUE(jobs::counts_view(seeker, "c1"));
  EXPECT_TRUE(jobs::counts_view(admin, "c1"));
}

TEST(jobs_rules, the_status_machine) {
  EXPECT_NO_THROW(jobs::check_transition("draft", "open"));
  EXPECT_NO_THROW(jobs::check_transition("closed", "open"));
  EXPECT_NO_THROW(jobs::check_transition("open", "closed"));
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"open", "open"}, {"draft", "closed"}, {"closed", "closed"}, {"open", "draft"}, {"draft", "deleted"}}) {
    auto r = refusal([&] { jobs::check_transition(from, to); });
    EXPECT_EQ(r.first, jobs_errc::illegal_transition) << from << " -> " << to;
    EXPECT_EQ(r.second, "status");
  }
  EXPECT_NO_THROW(jobs::check_deletable("draft"));
  EXPECT_EQ(refusal([] { jobs::check_deletable("open"); }).first, jobs_errc::illegal_transition);
  EXPECT_EQ(refusal([] { jobs::check_deletable("closed"); }).first, jobs_errc::illegal_transition);
}

TEST(jobs_rules, skills_are_canonical_and_each_named_once) {
  auto refs = jobs::canonical_skills(json::parse(
      R"([{"name": "golang"}, {"name": "k8s", "required": false}, {"name": "파이썬"}, {"name": "Underwater Basketry"}])"));
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].name, "Go");
  EXPECT_TRUE(refs[0].required);
  EXPECT_EQ(refs[1].name, "Kubernetes");
  EXPECT_FALSE(refs[1].required);
  EXPECT_EQ(refs[2].name, "Python");
  EXPECT_EQ(refs[3].name, "Underwater Basketry");  // unknown to the taxonomy: the store decides
  // The same skill in two spellings is one skill named twice: the second item is named.
  auto r =
      refusal([] { jobs::canonical_skills(json::parse(R"([{"name": "Go"}, {"name": "rust"}, {"name": "GOLANG"}])")); });
  EXPECT_EQ(r.first, errc::bad_request);
  EXPECT_EQ(r.second, "skills[2].name");
  EXPECT_EQ(refusal([] { jobs::canonical_skills(json::parse(R"([{"name": "Foo"}, {"name": "foo"}])")); }).second,
            "skills[1].name");
  EXPECT_TRUE(jobs::canonical_skills(json::array()).empty());
}
