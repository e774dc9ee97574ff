#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "actors/template_render.hpp"

using namespace hirehub;

TEST(templates, renders_variables_with_and_without_spaces) {
  auto r = templates::render("{{name}}님, {{ job_title }} 지원 완료", {{"name", "김"}, {"job_title", "Backend"}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.text, "김님, Backend 지원 완료");
}

TEST(templates, missing_variable_is_an_error_naming_it) {
  auto r = templates::render("Hello {{name}} and {{other}}", {{"name", "x"}});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("other"), std::string::npos);
  EXPECT_TRUE(r.text.empty());
}

TEST(templates, syntax_errors_are_reported) {
  EXPECT_FALSE(templates::render("Hello {{name", {{"name", "x"}}).ok);
  EXPECT_FALSE(templates::render("Hello {{na me}}", {{"na me", "x"}}).ok);
  EXPECT_FALSE(templates::render("Hello {{}}", {}).ok);
}

TEST(templates, check_against_provided_variables) {
  auto& changed = templates::provided_variables("application.status_changed");
  EXPECT_TRUE(templates::check("{{job_title}} is {{new_status}}", changed).ok);
  auto bad = templates::check("{{company_name}}", changed);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("company_name"), std::string::npos);
}

TEST(templates, variables_are_listed_once_in_order) {
  std::vector<std::string> vars;
  ASSERT_TRUE(templates::variables("{{b}} {{a}} {{b}}", vars).ok);
  EXPECT_EQ(vars, (std::vector<std::string>{"b", "a"}));
}

namespace {

std::vector<template_row> sample_templates() {
  return {
      {"t1", "application_submitted_in_app", "application.submitted", "in_app", "New: {{job_title}}",
       "{{job_title}} got an application"},
      {"t2", "status_changed_in_app", "application.status_changed", "in_app", "Status",
       "{{job_title}} is now {{new_status}}"},
      {"t3", "application_submitted_email", "application.submitted", "email", "x", "{{applicant_name}}"},
  };
}

}  // namespace

TEST(notification_drafts, submitted_goes_to_the_job_owner_on_enabled_channels) {
  nlohmann::json p = {{"event_id", "11111111-1111-4111-8111-111111111111"},
                      {"application_id", "a"},
                      {"job_id", "j"},
                      {"job_title", "Backend"},
                      {"user_id", "22222222-2222-4222-8222-222222222222"},
                      {"job_owner_id", "33333333-3333-4333-8333-333333333333"}};
  auto r = notification::drafts_for("application.submitted", p.dump(), sample_templates(), {"in_app"});
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.drafts.size(), 1u);
  EXPECT_EQ(r.drafts[0].user_id, "33333333-3333-4333-8333-333333333333");
  EXPECT_EQ(r.drafts[0].title, "New: Backend");
  EXPECT_EQ(r.drafts[0].channel, "in_app");
  EXPECT_EQ(r.drafts[0].event_id, "11111111-1111-4111-8111-111111111111");
}

TEST(notification_drafts, status_change_goes_to_the_applicant) {
  nlohmann::json p = {{"event_id", "11111111-1111-4111-8111-111111111111"},
                      {"job_title", "Backend"},
                      {"from_status", "submitted"},
                      {"to_status", "reviewing"},
                      {"user_id", "22222222-2222-4222-8222-222222222222"}};
  auto r = notification::drafts_for("application.status_changed", p.dump(), sample_templates(), {"in_app"});
  ASSERT_EQ(r.drafts.size(), 1u);
  EXPECT_EQ(r.drafts[0].user_id, "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(r.drafts[0].content, "Backend is now reviewing");
}

TEST(notification_drafts, malformed_events_are_reported_not_thrown) {
  EXPECT_FALSE(
      notification::drafts_for("application.submitted", "not json", sample_templates(), {"in_app"}).error.empty());
  EXPECT_FALSE(notification::drafts_for("application.submitted", R"({"event_id":"x"})", sample_templates(), {"in_app"})
                   .error.empty());
  auto none = notification::drafts_for("job.created", R"({"event_id":"11111111-1111-4111-8111-111111111111"})",
                                       sample_templates(), {"in_app"});
  EXPECT_TRUE(none.error.empty());
  EXPECT_TRUE(none.drafts.empty());
}
