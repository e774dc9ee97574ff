// The rules of accounts (domain/accounts), without a database.
#include <gtest/gtest.h>

#include <functional>

#include <caf/error.hpp>

#include "domain/accounts.hpp"
#include "refusal.hpp"
#include "runtime/errors.hpp"

using namespace hirehub;
namespace rules = hirehub::domain::accounts;
using hirehub::test::refusal;

namespace {

rules::login_facts good(const std::string& role) {
  rules::login_facts f;
  f.account_found = true;
  f.password_ok = true;
  f.role = role;
  f.status = "active";
  return f;
}

}  // namespace

TEST(accounts_rules, a_password_is_at_least_eight_bytes) {
  EXPECT_EQ(refusal([] { rules::check_password("1234567"); }).first, errc::bad_request);
  EXPECT_EQ(refusal([] { rules::check_password("1234567"); }).second, "password");
  EXPECT_EQ(refusal([] { rules::check_password("12345678"); }).first, errc::ok);
}

TEST(accounts_rules, profile_and_company_fields_name_the_field_at_fault) {
  EXPECT_EQ(refusal([] { rules::check_phone("+82 (10) 1234-5678", "profile.phone"); }).first, errc::ok);
  EXPECT_EQ(refusal([] { rules::check_phone("call me", "profile.phone"); }).first, errc::bad_request);
  EXPECT_EQ(refusal([] { rules::check_phone("call me", "profile.phone"); }).second, "profile.phone");
  EXPECT_EQ(refusal([] { rules::check_salary_range(100, 50, "desired_salary_min"); }).first, errc::bad_request);
  EXPECT_EQ(refusal([] { rules::check_salary_range(50, 50, "desired_salary_min"); }).first, errc::ok);
  EXPECT_EQ(refusal([] { rules::check_salary_range(std::nullopt, 5, "desired_salary_min"); }).first, errc::ok);
  EXPECT_EQ(refusal([] { rules::check_logo_url("ftp://x/logo.png", "company.logo_url"); }).first, errc::bad_request);
  EXPECT_EQ(refusal([] { rules::check_logo_url("javascript:alert(1)", "logo_url"); }).first, errc::bad_request);
  EXPECT_EQ(refusal([] { rules::check_logo_url("https://x/logo.png", "logo_url"); }).first, errc::ok);
  EXPECT_EQ(refusal([] { rules::check_logo_url("", "logo_url"); }).first, errc::ok);
}

TEST(accounts_rules, members_act_for_their_own_company_and_admins_read_any) {
  const rules::actor member{"u1", "company", "11111111-1111-4111-8111-111111111111"};
  const rules::actor admin{"u2", "admin", ""};
  const rules::actor seeker{"u3", "jobseeker", ""};
  const std::string own = member.company_id, other = "22222222-2222-4222-8222-222222222222";
  EXPECT_EQ(refusal([&] { rules::require_member(member, own, false); }).first, errc::ok);
  EXPECT_EQ(refusal([&] { rules::require_member(member, other, true); }).first, errc::forbidden);
  EXPECT_EQ(refusal([&] { rules::require_member(seeker, own, true); }).first, errc::forbidden);
  EXPECT_EQ(refusal([&] { rules::require_member(admin, other, true); }).first, errc::ok);
  EXPECT_EQ(refusal([&] { rules::require_member(admin, other, false); }).first, errc::forbidden);
  EXPECT_EQ(refusal([&] { rules::require_member(member, "not-a-uuid", false); }).first, errc::not_found);
}

TEST(accounts_rules, a_login_is_judged_on_password_then_totp_then_status) {
  using rules::login_outcome;
  auto seeker = good("jobseeker");
  EXPECT_EQ(rules::judge_login(seeker).outcome, login_outcome::ok);

  auto unknown = seeker;
  unknown.account_found = false;
  unknown.password_ok = false;
  auto wrong = seeker;
  wrong.password_ok = false;
  // An unknown address and a wrong password are one answer, and both are guesses.
  for (auto& f : {unknown, wrong}) {
    auto v = rules::judge_login(f);
    EXPECT_EQ(v.outcome, login_outcome::bad_credentials);
    EXPECT_TRUE(v.counts_as_failure());
    EXPECT_EQ(rules::refusal_of(v).code, errc::unauthorized);
    EXPECT_EQ(rules::refusal_of(v).field, "");
  }

  auto admin = good("admin");
  EXPECT_EQ(rules::judge_login(admin).outcome, login_outcome::totp_missing);
  admin.totp_given = true;
  admin.totp_last_step = 100;
  EXPECT_EQ(rules::judge_login(admin).outcome, login_outcome::totp_invalid);  // the code matched no step
  admin.totp_step = 100;
  EXPECT_EQ(rules::judge_login(admin).outcome, login_outcome::totp_invalid);  // already used
  EXPECT_EQ(rules::refusal_of(rules::judge_login(admin)).field, "totp");
  admin.totp_step = 101;
  auto v = rules::judge_login(admin);
  EXPECT_EQ(v.outcome, login_outcome::ok);
  EXPECT_EQ(v.totp_step, 101);

  // A disabled account is told so only with its right password, and that is not a guess.
  auto disabled = seeker;
  disabled.status = "disabled";
  v = rules::judge_login(disabled);
  EXPECT_EQ(v.outcome, login_outcome::disabled);
  EXPECT_FALSE(v.counts_as_failure());
  EXPECT_EQ(rules::refusal_of(v).code, errc::forbidden);
  disabled.password_ok = false;
  EXPECT_EQ(rules::judge_login(disabled).outcome, login_outcome::bad_credentials);
}

TEST(accounts_rules, an_account_under_attack_hears_its_owner_only) {
  EXPECT_TRUE(rules::may_try_under_attack(true, "jobseeker", false));
  EXPECT_FALSE(rules::may_try_under_attack(false, "jobseeker", true));  // a TOTP code is an admin's sign only
  EXPECT_TRUE(rules::may_try_under_attack(false, "admin", true));
  EXPECT_FALSE(rules::may_try_under_attack(false, "admin", false));
  EXPECT_FALSE(rules::may_try_under_attack(false, "", false));
}

TEST(accounts_rules, an_admins_login_ends_sooner) {
  EXPECT_EQ(rules::login_lifetime_s("admin", 2592000, 43200), 43200);
  EXPECT_EQ(rules::login_lifetime_s("company", 2592000, 43200), 2592000);
  EXPECT_EQ(rules::login_lifetime_s("admin", 3600, 43200), 3600);
}
