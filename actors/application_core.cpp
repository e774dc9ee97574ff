#include "actors/application_core.hpp"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

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

std::string iso_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

decision refuse(errc code, std::string message, std::string field = {}) {
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

}  // namespace

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

void apply(state& st, const journal_event& ev) {
  st.seq = ev.seq;
  st.updated_at_ms = ev.created_at_ms;
  if (ev.type == "submitted") {
    auto p = nlohmann::json::parse(ev.payload.empty() ? "{}" : ev.payload, nullptr, false);
    if (p.is_object()) {
      st.job_id = p.value("job_id", "");
      st.user_id = p.value("user_id", "");
      st.company_id = p.value("company_id", "");
      st.job_owner_id = p.value("job_owner_id", "");
      st.job_title = p.value("job_title", "");
      st.resume_id = p.value("resume_id", "");
      st.cover_letter = p.value("cover_letter", "");
      st.fingerprint = p.value("fingerprint", "");
    }
    st.applied_at_ms = ev.created_at_ms;
  }
  if (auto to = parse_status(ev.to_status))
    st.current = *to;
  st.last_reason = ev.reason;
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
      return refuse(errc::idempotency_mismatch, "the Idempotency-Key was used before with a different request",
                    "Idempotency-Key");
    decision d;
    d.replay = true;
    return d;
  }
  if (job.status != "open")
    return refuse(errc::job_not_open, "the job is not open for applications (status: " + job.status + ")", "job_id");
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
    return refuse(errc::illegal_transition, std::string{"the application is already "} + to_string(st.current));
  if (!is_legal_move(st.current, *to))
    return refuse(errc::illegal_transition,
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

nlohmann::json to_json(const state& st) {
  nlohmann::json j = {{"id", st.id},
                      {"job_id", st.job_id},
                      {"user_id", st.user_id},
                      {"company_id", st.company_id},
                      {"job_title", st.job_title},
                      {"resume_id", st.resume_id},
                      {"status", to_string(st.current)},
                      {"seq", st.seq},
                      {"applied_at", iso_time(st.applied_at_ms)},
                      {"updated_at", iso_time(st.updated_at_ms)}};
  j["cover_letter"] = st.cover_letter.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.cover_letter);
  j["reason"] = st.last_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.last_reason);
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
  j["from_status"] = ev.from_status.empty() ? nlohmann::json(nullptr) : nlohmann::json(ev.from_status);
  j["reason"] = ev.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(ev.reason);
  return j;
}

std::string frame_for(const state& after, const journal_event& ev) {
  nlohmann::json f = {{"type", "application." + ev.type},
                      {"topic", "application:" + after.id},
                      {"seq", ev.seq},
                      {"data", {{"application", to_json(after)}, {"event", event_to_json(ev)}}}};
  return f.dump();
}

outbox_row to_outbox(const state& after, const journal_event& ev) {
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
    return {"application.submitted", after.id, p.dump()};
  }
  p["from_status"] = ev.from_status;
  p["to_status"] = ev.to_status;
  p["actor_type"] = ev.actor_type;
  if (!ev.reason.empty())
    p["reason"] = ev.reason;
  return {"application.status_changed", after.id, p.dump()};
}

}  // namespace hirehub::application
