#include "actors/application_core.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <sstream>

#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "runtime/tz.hpp"

namespace hirehub::application {

namespace {

struct status_name {
  status s;
  const char* name;
};

constexpr status_name names[] = {
    {status::submitted, "submitted"},
    {status::reviewing, "reviewing"},
    {status::interview_scheduled, "interview_scheduled"},
    {status::interview_completed, "interview_completed"},
    {status::offered, "offered"},
    {status::accepted, "accepted"},
    {status::rejected, "rejected"},
    {status::withdrawn, "withdrawn"},
};

}  // namespace

decision refuse(error_code code, std::string message, std::string field) {
  decision d;
  d.code = code;
  d.message = std::move(message);
  d.field = std::move(field);
  return d;
}

std::string join(const std::vector<std::string>& xs) {
  std::string out;
  for (auto& x : xs)
    out += (out.empty() ? "" : ", ") + x;
  return out;
}

std::string iso_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

const char* stage_of(status s) {
  switch (s) {
    case status::submitted: return "applied";
    case status::reviewing:
    case status::interview_completed: return "in_review";
    case status::interview_scheduled: return "interview";
    case status::offered: return "offer";
    case status::accepted: return "hired";
    case status::rejected: return "not_selected";
    case status::withdrawn: return "withdrawn";
    default: return "none";
  }
}

const char* to_string(status s) {
  for (auto& n : names)
    if (n.s == s)
      return n.name;
  return "none";
}

std::optional<status> parse_status(const std::string& s) {
  for (auto& n : names)
    if (s == n.name)
      return n.s;
  return std::nullopt;
}

bool is_open(status s) {
  switch (s) {
    case status::submitted:
    case status::reviewing:
    case status::interview_scheduled:
    case status::interview_completed:
    case status::offered: return true;
    default: return false;
  }
}

bool is_legal_move(status from, status to) {
  if (!is_open(from))
    return false;
  if (to == status::rejected || to == status::withdrawn)
    return true;
  switch (from) {
    case status::submitted: return to == status::reviewing;
    case status::reviewing: return to == status::interview_scheduled;
    case status::interview_scheduled: return to == status::interview_completed;
    case status::interview_completed: return to == status::offered || to == status::interview_scheduled;
    case status::offered: return to == status::accepted;
    default: return false;
  }
}

const std::vector<std::string>& rejection_reasons() {
  static const std::vector<std::string> r = {
      "not_qualified", "position_filled", "experience_mismatch", "salary_mismatch",
      "culture_fit",   "no_show",         "duplicate",           "other"};
  return r;
}

const std::vector<std::string>& withdrawal_reasons() {
  static const std::vector<std::string> r = {
      "accepted_other_offer", "not_interested", "salary", "location", "personal", "other"};
  return r;
}

namespace {

interview* find_mut(state& st, const std::string& id) {
  for (auto& iv : st.interviews)
    if (iv.id == id)
      return &iv;
  return nullptr;
}

void touch(interview& iv, int64_t at) {
  iv.version += 1;
  iv.updated_at_ms = at;
}

/// Interview events and the interviews a closing move cancels.
void apply_interview(state& st, const journal_event& ev, const nlohmann::json& p) {
  auto at = ev.created_at_ms;
  if (ev.type == "interview_scheduled" && p.contains("interview") && p["interview"].is_object()) {
    auto& j = p["interview"];
    interview iv;
    iv.id = j.value("id", "");
    iv.type = j.value("type", "");
    iv.starts_at_ms = j.value("starts_at_ms", int64_t{0});
    iv.duration_minutes = j.value("duration_minutes", 60);
    iv.time_zone = j.value("time_zone", "UTC");
    iv.location = j.value("location", "");
    iv.notes = j.value("notes", "");
    iv.status = "scheduled";
    iv.return_status = ev.from_status;
    iv.created_at_ms = at;
    iv.updated_at_ms = at;
    st.interviews.push_back(std::move(iv));
    return;
  }
  auto* iv = find_mut(st, p.value("interview_id", ""));
  if (ev.type == "interview_rescheduled" && iv) {
    iv->starts_at_ms = p.value("starts_at_ms", iv->starts_at_ms);
    iv->time_zone = p.value("time_zone", iv->time_zone);
    iv->duration_minutes = p.value("duration_minutes", iv->duration_minutes);
    iv->location = p.value("location", iv->location);
    iv->notes = p.value("notes", iv->notes);
    touch(*iv, at);
  } else if (ev.type == "interview_completed" && iv) {
    iv->status = "completed";
    iv->feedback = p.value("feedback", "");
    iv->rating = p.value("rating", 0);
    touch(*iv, at);
  } else if (ev.type == "interview_cancelled" && iv) {
    iv->status = "cancelled";
    iv->cancel_reason = ev.reason;
    touch(*iv, at);
  } else if (ev.type == "status_changed" && (ev.to_status == "rejected" || ev.to_status == "withdrawn")) {
    for (auto& x : st.interviews)
      if (x.status == "scheduled") {
        x.status = "cancelled";
        x.cancel_reason = "application_" + ev.to_status;
        touch(x, at);
      }
  }
}

}  // namespace

const interview* find_interview(const state& st, const std::string& interview_id) {
  for (auto& iv : st.interviews)
    if (iv.id == interview_id)
      return &iv;
  return nullptr;
}

void apply(state& st, const journal_event& ev) {
  st.seq = ev.seq;
  st.updated_at_ms = ev.created_at_ms;
  auto p = nlohmann::json::parse(ev.payload.empty() ? "{}" : ev.payload, nullptr, false);
  if (!p.is_object())
    p = nlohmann::json::object();
  if (ev.type == "submitted") {
    {
      st.job_id = p.value("job_id", "");
      st.user_id = p.value("user_id", "");
      st.company_id = p.value("company_id", "");
      st.job_owner_id = p.value("job_owner_id", "");
      st.job_title = p.value("job_title", "");
      st.resume_id = p.value("resume_id", "");
      st.cover_letter = p.value("cover_letter", "");
      st.fingerprint = p.value("fingerprint", "");
      st.match_score = p.value("match_score", -1.0);
    }
    st.applied_at_ms = ev.created_at_ms;
  } else {
    apply_interview(st, ev, p);
  }
  if (auto to = parse_status(ev.to_status))
    st.current = *to;
  if (ev.type == "submitted" || ev.type == "status_changed")
    st.last_reason = ev.reason;
  else if (ev.from_status != ev.to_status)
    st.last_reason.clear();
}

state fold(const std::string& id, const std::vector<journal_event>& events) {
  state st;
  st.id = id;
  for (auto& ev : events)
    apply(st, ev);
  return st;
}

decision decide_submit(const state& st, const principal& by, const submit_command& cmd, const job_facts& job,
                       const std::string& event_id, int64_t now_ms) {
  if (by.role != "jobseeker")
    return refuse(errc::forbidden, "only jobseekers apply to jobs");
  if (st.current != status::none) {
    // The id exists: a repeated Idempotency-Key. Same user and body: the first answer again.
    if (st.user_id != by.user_id)
      return refuse(errc::conflict, "this application id is taken");
    if (st.fingerprint != cmd.fingerprint)
      return refuse(applications_errc::idempotency_mismatch,
                    "the Idempotency-Key was used before with a different request", "Idempotency-Key");
    decision d;
    d.replay = true;
    return d;
  }
  if (job.status != "open")
    return refuse(applications_errc::job_not_open, "the job is not open for applications (status: " + job.status + ")",
                  "job_id");
  journal_event ev;
  ev.event_id = event_id;
  ev.application_id = st.id;
  ev.seq = 1;
  ev.type = "submitted";
  ev.to_status = "submitted";
  ev.actor_id = by.user_id;
  ev.actor_type = "jobseeker";
  ev.created_at_ms = now_ms;
  nlohmann::json payload = {{"job_id", job.id},
                            {"user_id", by.user_id},
                            {"company_id", job.company_id},
                            {"job_owner_id", job.owner_user_id},
                            {"job_title", job.title},
                            {"resume_id", cmd.resume_id},
                            {"fingerprint", cmd.fingerprint}};
  if (!cmd.cover_letter.empty())
    payload["cover_letter"] = cmd.cover_letter;
  if (cmd.match_score >= 0)
    payload["match_score"] = std::round(cmd.match_score * 100) / 100;
  ev.payload = payload.dump();
  decision d;
  d.event = std::move(ev);
  return d;
}

decision decide_status_change(const state& st, const principal& by, const std::string& to_text,
                              const std::string& reason, const std::string& event_id, int64_t now_ms) {
  if (st.current == status::none)
    return refuse(errc::not_found, "no application with this id");
  if (!can_view(st, by))
    return refuse(errc::not_found, "no application with this id");
  auto to = parse_status(to_text);
  if (!to)
    return refuse(errc::bad_request,
                  "unknown status '" + to_text +
                      "'; one of submitted, reviewing, interview_scheduled, interview_completed, offered, accepted, "
                      "rejected, withdrawn",
                  "status");
  bool is_applicant = by.role == "jobseeker" && by.user_id == st.user_id;
  bool is_company = by.role == "company" && !by.company_id.empty() && by.company_id == st.company_id;
  if (*to == status::withdrawn) {
    if (!is_applicant)
      return refuse(errc::forbidden, "only the applicant may withdraw an application");
  } else if (!is_company) {
    return refuse(errc::forbidden, "only the job's company may move an application to " + to_text);
  }
  if (*to == status::rejected || *to == status::withdrawn) {
    auto& allowed = *to == status::rejected ? rejection_reasons() : withdrawal_reasons();
    if (reason.empty())
      return refuse(errc::bad_request, "a reason code is required for " + to_text + "; one of " + join(allowed),
                    "reason");
    if (std::find(allowed.begin(), allowed.end(), reason) == allowed.end())
      return refuse(errc::bad_request, "unknown reason code '" + reason + "'; one of " + join(allowed), "reason");
  } else if (!reason.empty()) {
    return refuse(errc::bad_request, "a reason code is only accepted for rejected and withdrawn", "reason");
  }
  if (*to == st.current)
    return refuse(applications_errc::illegal_transition,
                  std::string{"the application is already "} + to_string(st.current));
  if (*to == status::interview_scheduled || *to == status::interview_completed)
    return refuse(applications_errc::illegal_transition,
                  to_text +
                      " follows an interview: schedule one with POST /api/v1/applications/{id}/interviews "
                      "and complete it with POST .../interviews/{interview_id}/complete");
  if (!is_legal_move(st.current, *to))
    return refuse(applications_errc::illegal_transition,
                  std::string{"cannot move an application from "} + to_string(st.current) + " to " + to_text);
  journal_event ev;
  ev.event_id = event_id;
  ev.application_id = st.id;
  ev.seq = st.seq + 1;
  ev.type = "status_changed";
  ev.from_status = to_string(st.current);
  ev.to_status = to_text;
  ev.actor_id = by.user_id;
  ev.actor_type = by.role;
  ev.reason = reason;
  ev.created_at_ms = now_ms;
  ev.payload = "{}";
  decision d;
  d.event = std::move(ev);
  return d;
}

bool can_view(const state& st, const principal& by) {
  if (by.role == "admin")
    return true;
  if (by.role == "jobseeker")
    return by.user_id == st.user_id;
  if (by.role == "company")
    return !by.company_id.empty() && by.company_id == st.company_id;
  return false;
}

audience audience_of(const state& st, const principal& by) {
  return by.role == "jobseeker" && by.user_id == st.user_id ? audience::applicant : audience::full;
}

namespace {

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

}  // namespace

nlohmann::json interview_to_json(const interview& iv, audience a) {
  nlohmann::json j = {{"id", iv.id},
                      {"interview_type", iv.type},
                      {"scheduled_at", iso_time(iv.starts_at_ms)},
                      {"local_start", tz::local_rfc3339(iv.starts_at_ms, iv.time_zone)},
                      {"time_zone", iv.time_zone},
                      {"duration_minutes", iv.duration_minutes},
                      {"location", text_or_null(iv.location)},
                      {"notes", text_or_null(iv.notes)},
                      {"status", iv.status},
                      {"version", iv.version},
                      {"created_at", iso_time(iv.created_at_ms)},
                      {"updated_at", iso_time(iv.updated_at_ms)}};
  j["cancel_reason"] = text_or_null(iv.cancel_reason);
  if (a == audience::full) {
    j["feedback"] = text_or_null(iv.feedback);
    j["rating"] = iv.rating > 0 ? nlohmann::json(iv.rating) : nlohmann::json(nullptr);
  }
  return j;
}

nlohmann::json to_json(const state& st, audience a) {
  nlohmann::json j = {{"id", st.id},
                      {"job_id", st.job_id},
                      {"user_id", st.user_id},
                      {"company_id", st.company_id},
                      {"job_title", st.job_title},
                      {"resume_id", st.resume_id},
                      {"stage", stage_of(st.current)},
                      {"seq", st.seq},
                      {"applied_at", iso_time(st.applied_at_ms)},
                      {"updated_at", iso_time(st.updated_at_ms)}};
  j["cover_letter"] = text_or_null(st.cover_letter);
  auto ivs = nlohmann::json::array();
  for (auto& iv : st.interviews)
    ivs.push_back(interview_to_json(iv, a));
  j["interviews"] = std::move(ivs);
  if (a == audience::full) {
    j["match_score"] = st.match_score >= 0 ? nlohmann::json(st.match_score) : nlohmann::json(nullptr);
    j["status"] = to_string(st.current);
    j["reason"] = text_or_null(st.last_reason);
  } else if (st.current == status::withdrawn) {
    j["reason"] = text_or_null(st.last_reason);  // the applicant's own reason
  }
  return j;
}

nlohmann::json event_to_json(const journal_event& ev) {
  nlohmann::json j = {{"id", ev.event_id},
                      {"seq", ev.seq},
                      {"type", ev.type},
                      {"to_status", ev.to_status},
                      {"actor_id", ev.actor_id},
                      {"actor_type", ev.actor_type},
                      {"at", iso_time(ev.created_at_ms)}};
  j["from_status"] = text_or_null(ev.from_status);
  j["reason"] = text_or_null(ev.reason);
  if (auto st = parse_status(ev.to_status))
    j["stage"] = stage_of(*st);
  auto p = nlohmann::json::parse(ev.payload.empty() ? "{}" : ev.payload, nullptr, false);
  if (p.is_object()) {
    if (p.contains("interview_id"))
      j["interview_id"] = p["interview_id"];
    else if (p.contains("interview") && p["interview"].is_object())
      j["interview_id"] = p["interview"].value("id", "");
  }
  return j;
}

nlohmann::json applicant_event(const state& before, const state& after, const journal_event& ev) {
  bool interview_news =
      ev.type == "interview_scheduled" || ev.type == "interview_rescheduled" || ev.type == "interview_cancelled";
  bool stage_changed =
      before.current == status::none || std::string{stage_of(before.current)} != stage_of(after.current);
  if (!interview_news && !stage_changed)
    return nullptr;
  nlohmann::json j = {{"id", ev.event_id},
                      {"seq", ev.seq},
                      {"type", interview_news           ? ev.type
                               : ev.type == "submitted" ? "submitted"
                                                        : "stage_changed"},
                      {"stage", stage_of(after.current)},
                      {"at", iso_time(ev.created_at_ms)}};
  if (interview_news) {
    auto p = nlohmann::json::parse(ev.payload.empty() ? "{}" : ev.payload, nullptr, false);
    std::string iid;
    if (p.is_object())
      iid = p.contains("interview") && p["interview"].is_object() ? p["interview"].value("id", "")
                                                                  : p.value("interview_id", "");
    if (auto* iv = find_interview(after, iid))
      j["interview"] = interview_to_json(*iv, audience::applicant);
  }
  return j;
}

std::string frame_for(const state& after, const journal_event& ev) {
  nlohmann::json f = {{"type", "application." + ev.type},
                      {"topic", "application:" + after.id},
                      {"seq", ev.seq},
                      {"data", {{"application", to_json(after)}, {"event", event_to_json(ev)}}}};
  return f.dump();
}

std::string applicant_frame_for(const state& before, const state& after, const journal_event& ev) {
  auto e = applicant_event(before, after, ev);
  if (e.is_null())
    return {};
  nlohmann::json f = {{"type", "application." + e["type"].get<std::string>()},
                      {"topic", "application:" + after.id},
                      {"seq", ev.seq},
                      {"data", {{"application", to_json(after, audience::applicant)}, {"event", e}}}};
  return f.dump();
}

outbox_row to_outbox(const state& before, const state& after, const journal_event& ev) {
  nlohmann::json p = {{"event_id", ev.event_id},
                      {"application_id", after.id},
                      {"job_id", after.job_id},
                      {"user_id", after.user_id},
                      {"company_id", after.company_id},
                      {"job_owner_id", after.job_owner_id},
                      {"job_title", after.job_title},
                      {"seq", ev.seq},
                      {"occurred_at", iso_time(ev.created_at_ms)}};
  if (ev.type == "submitted") {
    p["resume_id"] = after.resume_id;
    p["stage"] = stage_of(after.current);
    if (after.match_score >= 0) {
      // As the company's e-mail shows it: "87.5".
      std::ostringstream o;
      o << std::round(after.match_score * 10) / 10;
      p["match_score"] = o.str();
    }
    return {"application.submitted", after.id, p.dump()};
  }
  p["from_status"] = ev.from_status;
  p["to_status"] = ev.to_status;
  p["from_stage"] = stage_of(before.current);
  p["to_stage"] = stage_of(after.current);
  p["actor_type"] = ev.actor_type;
  if (!ev.reason.empty())
    p["reason"] = ev.reason;
  if (ev.type.rfind("interview_", 0) == 0) {
    auto changed = changed_interviews(before, after);
    if (!changed.empty()) {
      auto& iv = changed.front();
      p["interview_id"] = iv.id;
      p["interview_type"] = iv.type;
      p["scheduled_at"] = iso_time(iv.starts_at_ms);
      p["local_start"] = tz::local_rfc3339(iv.starts_at_ms, iv.time_zone);
      p["time_zone"] = iv.time_zone;
      p["duration_minutes"] = iv.duration_minutes;
      p["location"] = iv.location;
      p["interview_version"] = iv.version;
    }
    // interview_scheduled -> interview.scheduled, and so on.
    return {"interview." + ev.type.substr(10), after.id, p.dump()};
  }
  return {"application.status_changed", after.id, p.dump()};
}

std::vector<interview> changed_interviews(const state& before, const state& after) {
  std::vector<interview> out;
  for (auto& iv : after.interviews) {
    auto* old = find_interview(before, iv.id);
    if (!old || old->version != iv.version)
      out.push_back(iv);
  }
  return out;
}

}  // namespace hirehub::application
