#include "actors/notification_core.hpp"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "domain/templates.hpp"
#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"
#include "runtime/tz.hpp"

namespace hirehub::notification {

namespace {

/// "2027-03-15T10:00:00-04:00" -> "2027-03-15 10:00 (UTC-04:00)"
std::string human_time(int64_t utc_ms, const std::string& zone) {
  auto t = tz::local_rfc3339(utc_ms, zone);
  return t.substr(0, 10) + " " + t.substr(11, 5) + " " + zone + " (UTC" + t.substr(19) + ")";
}

}  // namespace

facts_result facts_for(const std::string& topic, const std::string& payload, const std::string& public_url) {
  facts_result out;
  if (templates::provided_variables(topic).empty())
    return out;  // not an event that notifies anyone
  auto p = nlohmann::json::parse(payload, nullptr, false);
  if (!p.is_object()) {
    out.error = "payload is not a JSON object";
    return out;
  }
  auto str = [&p](const char* k) {
    auto it = p.find(k);
    if (it == p.end())
      return std::string{};
    if (it->is_string())
      return it->get<std::string>();
    return it->is_null() ? std::string{} : it->dump();
  };
  event_facts f;
  f.event_id = str("event_id");
  if (!ids::is_uuid(f.event_id)) {
    out.error = "event_id missing or not a UUID";
    return out;
  }
  f.topic = topic;
  if (topic == "user.registered") {
    f.recipient_id = str("user_id");
    if (!ids::is_uuid(f.recipient_id)) {
      out.error = "user_id missing or not a UUID";
      return out;
    }
    f.vars = {{"user_type", str("user_type")}, {"app_url", public_url}};
    f.data = nlohmann::json{{"user_id", f.recipient_id}}.dump();
    out.facts = std::move(f);
    return out;
  }
  if (topic == "resume.processed") {
    f.recipient_id = str("user_id");
    auto resume_id = str("resume_id");
    if (!ids::is_uuid(f.recipient_id) || !ids::is_uuid(resume_id)) {
      out.error = "user_id or resume_id missing or not a UUID";
      return out;
    }
    f.vars = {{"resume_title", str("resume_title")},
              {"status", str("status")},
              {"resume_url", public_url + "/resumes/" + resume_id}};
    f.data = nlohmann::json{{"resume_id", resume_id}, {"status", str("status")}}.dump();
    out.facts = std::move(f);
    return out;
  }
  if (topic == "match.recommended") {
    // A job recommended to a jobseeker (persistence/matches).
    f.recipient_id = str("user_id");
    f.company_id = str("company_id");
    auto job_id = str("job_id");
    if (!ids::is_uuid(f.recipient_id) || !ids::is_uuid(job_id)) {
      out.error = "user_id or job_id missing or not a UUID";
      return out;
    }
    f.vars = {
        {"job_title", str("job_title")}, {"match_score", str("score")}, {"job_url", public_url + "/jobs/" + job_id}};
    f.data = nlohmann::json{{"job_id", job_id}, {"match_id", str("match_id")}}.dump();
    out.facts = std::move(f);
    return out;
  }
  f.applicant_id = str("user_id");
  f.company_id = str("company_id");
  auto app_id = str("application_id");
  f.vars = {{"application_id", app_id},
            {"job_id", str("job_id")},
            {"job_title", str("job_title")},
            {"application_url", public_url + "/applications/" + app_id}};
  nlohmann::json data = {{"application_id", app_id}, {"job_id", str("job_id")}};
  if (topic == "application.submitted") {
    f.recipient_id = str("job_owner_id");
    f.vars["status"] = "submitted";
    f.vars["applied_at"] = str("occurred_at");
    f.vars["match_score"] = p.contains("match_score") ? str("match_score") : "-";
  } else if (topic == "application.status_changed") {
    auto from = p.contains("from_stage") ? str("from_stage") : str("from_status");
    auto to = p.contains("to_stage") ? str("to_stage") : str("to_status");
    if (from == to)
      return out;  // a move inside one stage: the applicant sees no change, nobody is told
    f.recipient_id = f.applicant_id;
    f.vars["old_status"] = from;
    f.vars["new_status"] = to;
    f.vars["changed_at"] = str("occurred_at");
    data["stage"] = to;
  } else {  // interview.*
    f.recipient_id = f.applicant_id;
    auto zone = str("time_zone");
    auto at = tz::to_utc(str("scheduled_at").substr(0, 19) + "Z", "UTC");
    if (!at.ok || !tz::valid_zone(zone)) {
      out.error = "interview event without a valid scheduled_at and time_zone";
      return out;
    }
    f.starts_at_ms = at.utc_ms;
    f.vars["interview_type"] = str("interview_type");
    f.vars["time_zone"] = zone;
    f.vars["location"] = str("location");
    f.vars["duration_minutes"] = str("duration_minutes");
    f.vars["reason"] = str("reason");
    data["interview_id"] = str("interview_id");
    data["scheduled_at"] = str("scheduled_at");
  }
  if (!ids::is_uuid(f.recipient_id)) {
    out.error = "recipient missing or not a UUID";
    return out;
  }
  f.data = data.dump();
  out.facts = std::move(f);
  return out;
}

std::vector<notification_draft> render_drafts(const event_facts& f, const directory_entry& who,
                                              const std::vector<template_row>& templates,
                                              const std::vector<std::string>& channels, std::string* error) {
  auto vars = f.vars;
  if (f.topic == "user.registered") {
    vars["name"] = who.recipient_name;
  } else {
    vars["applicant_name"] = who.applicant_name;
    vars["company_name"] = who.company_name;
  }
  if (f.starts_at_ms != 0) {
    // The recipient's own zone when known, so "10:00" means their 10:00.
    auto zone = who.recipient_time_zone.empty() || !tz::valid_zone(who.recipient_time_zone) ? vars["time_zone"]
                                                                                            : who.recipient_time_zone;
    vars["scheduled_at"] = human_time(f.starts_at_ms, zone);
  }
  std::vector<notification_draft> out;
  for (auto& t : templates) {
    if (t.event_type != f.topic || std::find(channels.begin(), channels.end(), t.channel) == channels.end())
      continue;
    auto title = templates::render(t.subject, vars);
    auto body = templates::render(t.body, vars);
    if (!title.ok || !body.ok) {
      if (error)
        *error = "template " + t.name + ": " + (title.ok ? body.error : title.error);
      continue;
    }
    out.push_back({f.event_id, f.topic, f.recipient_id, t.channel, t.id, title.text, body.text, f.data});
  }
  return out;
}

std::string email_message(const std::string& from, const std::string& to, const std::string& subject,
                          const std::string& body, const std::string& notification_id, int64_t now_ms) {
  auto clean = [](std::string v) {  // no header injection through CR/LF
    v.erase(std::remove_if(v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }), v.end());
    return v;
  };
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string m;
  m += "From: " + clean(from) + "\r\n";
  m += "To: <" + clean(to) + ">\r\n";
  m += "Subject: =?UTF-8?B?" + crypto::base64_encode(clean(subject)) + "?=\r\n";
  m += std::string{"Date: "} + date + "\r\n";
  m += "Message-ID: <" + clean(notification_id) + "@hirehub>\r\n";
  m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n";
  m += "X-HireHub-Notification: " + clean(notification_id) + "\r\n\r\n";
  auto b = crypto::base64_encode(body);
  for (size_t i = 0; i < b.size(); i += 76)
    m += b.substr(i, 76) + "\r\n";
  return m;
}

int64_t retry_delay_ms(int32_t attempts, int64_t base_ms, int64_t max_ms) {
  int64_t d = base_ms;
  for (int32_t i = 1; i < attempts && d < max_ms; ++i)
    d *= 2;
  return std::min(d, max_ms);
}

drafts_result drafts_for(const std::string& topic, const std::string& payload,
                         const std::vector<template_row>& templates, const std::vector<std::string>& channels) {
  drafts_result out;
  auto f = facts_for(topic, payload, "");
  out.error = f.error;
  if (f.facts)
    out.drafts = render_drafts(*f.facts, {}, templates, channels, &out.error);
  return out;
}

}  // namespace hirehub::notification
