#include "domain/templates.hpp"

#include <algorithm>
#include <cctype>

namespace hirehub::templates {

namespace {

bool valid_name(const std::string& s) {
  if (s.empty())
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; });
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return {};
  auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

/// Walks the template; calls on_text / on_var; returns an error text or "".
template <class OnText, class OnVar>
std::string walk(const std::string& t, OnText on_text, OnVar on_var) {
  size_t pos = 0;
  while (pos < t.size()) {
    auto open = t.find("{{", pos);
    if (open == std::string::npos) {
      on_text(t.substr(pos));
      break;
    }
    on_text(t.substr(pos, open - pos));
    auto close = t.find("}}", open + 2);
    if (close == std::string::npos)
      return "unclosed '{{' at offset " + std::to_string(open);
    auto name = trim(t.substr(open + 2, close - open - 2));
    if (!valid_name(name))
      return "invalid variable name '" + name + "' at offset " + std::to_string(open);
    auto err = on_var(name);
    if (!err.empty())
      return err;
    pos = close + 2;
  }
  return {};
}

}  // namespace

render_result variables(const std::string& tmpl, std::vector<std::string>& out) {
  render_result r;
  r.error = walk(
      tmpl, [](const std::string&) {},
      [&out](const std::string& name) {
        if (std::find(out.begin(), out.end(), name) == out.end())
          out.push_back(name);
        return std::string{};
      });
  r.ok = r.error.empty();
  return r;
}

render_result render(const std::string& tmpl, const std::map<std::string, std::string>& vars) {
  render_result r;
  r.error = walk(
      tmpl, [&r](const std::string& text) { r.text += text; },
      [&](const std::string& name) {
        auto it = vars.find(name);
        if (it == vars.end())
          return "missing variable '" + name + "'";
        r.text += it->second;
        return std::string{};
      });
  r.ok = r.error.empty();
  if (!r.ok)
    r.text.clear();
  return r;
}

render_result check(const std::string& tmpl, const std::vector<std::string>& provided) {
  std::vector<std::string> used;
  auto r = variables(tmpl, used);
  if (!r.ok)
    return r;
  for (auto& v : used)
    if (std::find(provided.begin(), provided.end(), v) == provided.end()) {
      r.ok = false;
      r.error = "variable '" + v + "' is not provided by this event type";
      return r;
    }
  return r;
}

const std::vector<std::string>& provided_variables(const std::string& event_type) {
  // Every event names the application, the job, the company and the applicant.
#define HH_COMMON "application_id", "job_id", "job_title", "company_name", "applicant_name", "application_url"
  static const std::vector<std::string> submitted = {HH_COMMON, "status", "applied_at", "match_score"};
  static const std::vector<std::string> changed = {HH_COMMON, "old_status", "new_status", "changed_at"};
  static const std::vector<std::string> interview = {HH_COMMON,   "interview_type", "scheduled_at",
                                                     "time_zone", "location",       "duration_minutes"};
  static const std::vector<std::string> cancelled = {HH_COMMON, "interview_type", "scheduled_at", "time_zone",
                                                     "reason"};
#undef HH_COMMON
  static const std::vector<std::string> registered = {"name", "user_type", "app_url"};
  static const std::vector<std::string> invited = {"company_name", "inviter_name", "invitation_url", "expires_at"};
  static const std::vector<std::string> resume = {"name", "resume_title", "status", "resume_url"};
  static const std::vector<std::string> recommended = {"job_title", "company_name", "match_score", "job_url"};
  static const std::vector<std::string> none;
  if (event_type == "user.registered")
    return registered;
  if (event_type == "resume.processed")
    return resume;
  if (event_type == "match.recommended")
    return recommended;
  if (event_type == "company.member_invited")
    return invited;
  if (event_type == "application.submitted")
    return submitted;
  if (event_type == "application.status_changed")
    return changed;
  if (event_type == "interview.scheduled" || event_type == "interview.rescheduled")
    return interview;
  if (event_type == "interview.cancelled")
    return cancelled;
  return none;
}

const std::vector<std::string>& templated_event_types() {
  static const std::vector<std::string> t = [] {
    auto all = notifying_event_types();
    all.push_back("company.member_invited");
    return all;
  }();
  return t;
}

const std::vector<std::string>& notifying_event_types() {
  static const std::vector<std::string> t = {
      "user.registered",       "application.submitted", "application.status_changed", "interview.scheduled",
      "interview.rescheduled", "interview.cancelled",   "resume.processed",           "match.recommended"};
  return t;
}

}  // namespace hirehub::templates
