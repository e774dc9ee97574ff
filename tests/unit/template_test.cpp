#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "actors/notification_core.hpp"
#include "domain/templates.hpp"

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
  auto bad = templates::check("{{salary}}", changed);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("salary"), std::string::npos);
  // Interview times are not a status change's to give.
  EXPECT_FALSE(templates::check("{{scheduled_at}}", changed).ok);
  EXPECT_TRUE(
      templates::check("{{scheduled_at}} {{location}}", templates::provided_variables("interview.scheduled")).ok);
  EXPECT_TRUE(templates::provided_variables("interview.completed").empty());
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

TEST(notification_drafts, a_move_inside_one_stage_notifies_nobody) {
  nlohmann::json p = {{"event_id", "11111111-1111-4111-8111-111111111111"},
                      {"job_title", "Backend"},
                      {"from_status", "reviewing"},
                      {"to_status", "interview_completed"},
                      {"from_stage", "in_review"},
                      {"to_stage", "in_review"},
                      {"user_id", "22222222-2222-4222-8222-222222222222"}};
  auto f = notification::facts_for("application.status_changed", p.dump(), "");
  EXPECT_TRUE(f.error.empty());
  EXPECT_FALSE(f.facts);
  p["to_stage"] = "not_selected";
  f = notification::facts_for("application.status_changed", p.dump(), "https://hh.example");
  ASSERT_TRUE(f.facts);
  EXPECT_EQ(f.facts->vars["new_status"], "not_selected");
}

TEST(notification_drafts, interview_times_are_shown_in_the_recipients_zone) {
  nlohmann::json p = {{"event_id", "11111111-1111-4111-8111-111111111111"},
                      {"application_id", "44444444-4444-4444-8444-444444444444"},
                      {"job_title", "Backend"},
                      {"user_id", "22222222-2222-4222-8222-222222222222"},
                      {"company_id", "33333333-3333-4333-8333-333333333333"},
                      {"interview_id", "55555555-5555-4555-8555-555555555555"},
                      {"interview_type", "video"},
                      {"scheduled_at", "2027-03-15T14:00:00.000Z"},
                      {"time_zone", "America/New_York"},
                      {"location", "https://meet.example.com/x"},
                      {"duration_minutes", 45}};
  auto f = notification::facts_for("interview.scheduled", p.dump(), "https://hh.example");
  ASSERT_TRUE(f.facts) << f.error;
  EXPECT_EQ(f.facts->recipient_id, "22222222-2222-4222-8222-222222222222");
  std::vector<template_row> t = {{"t", "iv", "interview.scheduled", "email", "{{company_name}}: {{job_title}}",
                                  "{{scheduled_at}} at {{location}} -> {{application_url}}"}};
  std::string err;
  auto seoul = notification::render_drafts(*f.facts, {"Minji", "Minji", "Acme", "Asia/Seoul"}, t, {"email"}, &err);
  ASSERT_EQ(seoul.size(), 1u) << err;
  EXPECT_EQ(seoul[0].title, "Acme: Backend");
  EXPECT_EQ(seoul[0].content,
            "2027-03-15 23:00 Asia/Seoul (UTC+09:00) at https://meet.example.com/x -> "
            "https://hh.example/applications/44444444-4444-4444-8444-444444444444");
  auto theirs = notification::render_drafts(*f.facts, {"Minji", "Minji", "Acme", ""}, t, {"email"}, &err);
  EXPECT_EQ(theirs[0].content.substr(0, 41), "2027-03-15 10:00 America/New_York (UTC-04");
  // A channel that is not enabled renders nothing.
  EXPECT_TRUE(notification::render_drafts(*f.facts, {}, t, {"in_app"}, &err).empty());
}

TEST(notification_delivery, email_messages_and_backoff) {
  auto m = notification::email_message("HireHub <no-reply@hh.example>", "minji@example.com", "면접 안내\r\nBcc: x@y",
                                       "본문", "66666666-6666-4666-8666-666666666666", 0);
  EXPECT_NE(m.find("To: <minji@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <66666666-6666-4666-8666-666666666666@hirehub>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(m.find("\r\nBcc:"), std::string::npos) << "no header injection through the subject";
  EXPECT_NE(m.find("\r\n\r\n67O466y4\r\n"), std::string::npos);  // base64 of the UTF-8 body
  EXPECT_EQ(notification::retry_delay_ms(1, 1000, 300000), 1000);
  EXPECT_EQ(notification::retry_delay_ms(2, 1000, 300000), 2000);
  EXPECT_EQ(notification::retry_delay_ms(4, 1000, 300000), 8000);
  EXPECT_EQ(notification::retry_delay_ms(30, 1000, 300000), 300000);
}

TEST(notification_drafts, a_new_account_is_welcomed_by_name) {
  nlohmann::json p = {{"event_id", "11111111-1111-4111-8111-111111111111"},
                      {"user_id", "22222222-2222-4222-8222-222222222222"},
                      {"user_type", "jobseeker"}};
  auto f = notification::facts_for("user.registered", p.dump(), "https://hh.example");
  ASSERT_TRUE(f.facts) << f.error;
  std::vector<template_row> t = {{"t", "welcome", "user.registered", "email", "Welcome, {{name}}", "{{app_url}}"}};
  EXPECT_TRUE(templates::check(t[0].subject, templates::provided_variables("user.registered")).ok);
  std::string err;
  auto d = notification::render_drafts(*f.facts, {"김민지", "", "", ""}, t, {"email"}, &err);
  ASSERT_EQ(d.size(), 1u) << err;
  EXPECT_EQ(d[0].user_id, "22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(d[0].title, "Welcome, 김민지");
  EXPECT_EQ(d[0].content, "https://hh.example");
}
