#include "actors/notification_core.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "actors/template_render.hpp"
#include "runtime/ids.hpp"

namespace hirehub::notification {

drafts_result drafts_for(const std::string& topic, const std::string& payload,
                         const std::vector<template_row>& templates, const std::vector<std::string>& channels) {
  drafts_result out;
  auto p = nlohmann::json::parse(payload, nullptr, false);
  if (!p.is_object()) {
    out.error = "payload is not a JSON object";
    return out;
  }
  auto str = [&p](const char* k) {
    auto it = p.find(k);
    return it != p.end() && it->is_string() ? it->get<std::string>() : std::string{};
  };
  auto event_id = str("event_id");
  if (!ids::is_uuid(event_id)) {
    out.error = "event_id missing or not a UUID";
    return out;
  }
  std::string recipient;
  std::map<std::string, std::string> vars = {
      {"application_id", str("application_id")}, {"job_id", str("job_id")}, {"job_title", str("job_title")}};
  if (topic == "application.submitted") {
    recipient = str("job_owner_id");
    vars["status"] = "submitted";
    vars["applied_at"] = str("occurred_at");
  } else if (topic == "application.status_changed") {
    recipient = str("user_id");
    vars["old_status"] = str("from_status");
    vars["new_status"] = str("to_status");
    vars["reason"] = str("reason");
    vars["changed_at"] = str("occurred_at");
  } else {
    return out;  // not an event that notifies anyone
  }
  if (!ids::is_uuid(recipient)) {
    out.error = "recipient missing or not a UUID";
    return out;
  }
  nlohmann::json data = {{"application_id", vars["application_id"]}, {"job_id", vars["job_id"]}};
  if (topic == "application.status_changed") {
    data["from_status"] = vars["old_status"];
    data["to_status"] = vars["new_status"];
  }
  for (auto& t : templates) {
    if (t.event_type != topic || std::find(channels.begin(), channels.end(), t.channel) == channels.end())
      continue;
    auto title = templates::render(t.subject, vars);
    auto body = templates::render(t.body, vars);
    if (!title.ok || !body.ok) {
      out.error = "template " + t.name + ": " + (title.ok ? body.error : title.error);
      continue;
    }
    out.drafts.push_back({event_id, topic, recipient, t.channel, t.id, title.text, body.text, data.dump()});
  }
  return out;
}

}  // namespace hirehub::notification
