/// Interview decisions of the application entity: schedule, reschedule,
/// complete, cancel. Pure; the events they make are folded by `apply`.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "actors/application_core.hpp"
#include "domain/errors.hpp"
#include "runtime/tz.hpp"

namespace hirehub::application {

namespace {

bool is_company_of(const state& st, const principal& by) {
  return by.role == "company" && !by.company_id.empty() && by.company_id == st.company_id;
}

/// The checks every interview command shares: the application exists, the
/// caller may see it, and only the job's company acts on interviews.
decision check_company(const state& st, const principal& by) {
  if (st.current == status::none || !can_view(st, by))
    return refuse(errc::not_found, "no application with this id");
  if (!is_company_of(st, by))
    return refuse(errc::forbidden, "only the job's company manages interviews");
  return {};
}

/// For reschedule, complete and cancel: the company's own application and the
/// scheduled interview `id` names, or a refusal.
decision find_scheduled(const state& st, const principal& by, const std::string& id, const interview** out) {
  if (auto d = check_company(st, by); d.code != errc::ok)
    return d;
  *out = find_interview(st, id);
  if (!*out)
    return refuse(errc::not_found, "no interview with this id on this application");
  if ((*out)->status != "scheduled")
    return refuse(applications_errc::illegal_transition, "the interview is already " + (*out)->status);
  return {};
}

journal_event event_of(const state& st, const principal& by, const std::string& type, status to,
                       const std::string& event_id, int64_t now_ms, nlohmann::json payload) {
  journal_event ev;
  ev.event_id = event_id;
  ev.application_id = st.id;
  ev.seq = st.seq + 1;
  ev.type = type;
  ev.from_status = to_string(st.current);
  ev.to_status = to_string(to);
  ev.actor_id = by.user_id;
  ev.actor_type = by.role;
  ev.created_at_ms = now_ms;
  ev.payload = payload.dump();
  return ev;
}

decision accept(journal_event ev) {
  decision d;
  d.event = std::move(ev);
  return d;
}

decision check_zone(const std::string& zone) {
  if (!tz::valid_zone(zone))
    return refuse(errc::bad_request, "unknown time zone '" + zone + "'; an IANA name like Asia/Seoul", "time_zone");
  return {};
}

/// Resolves the start time in the zone; it must lie ahead.
decision resolve_start(const std::string& text, const std::string& zone, int64_t now_ms, int64_t* out) {
  if (auto d = check_zone(zone); d.code != errc::ok)
    return d;
  auto t = tz::to_utc(text, zone);
  if (!t.ok)
    return refuse(errc::bad_request, t.error, "scheduled_at");
  if (t.utc_ms <= now_ms)
    return refuse(errc::bad_request, "scheduled_at must be in the future", "scheduled_at");
  *out = t.utc_ms;
  return {};
}

}  // namespace

const std::vector<std::string>& interview_types() {
  static const std::vector<std::string> t = {"phone", "video", "onsite", "assignment"};
  return t;
}

const std::vector<std::string>& interview_cancel_reasons() {
  static const std::vector<std::string> r = {"candidate_unavailable", "interviewer_unavailable", "scheduling_conflict",
                                             "position_filled", "other"};
  return r;
}

decision decide_schedule(const state& st, const principal& by, const interview_command& cmd,
                         const std::string& event_id, int64_t now_ms) {
  if (auto d = check_company(st, by); d.code != errc::ok)
    return d;
  auto& types = interview_types();
  if (std::find(types.begin(), types.end(), cmd.type) == types.end())
    return refuse(errc::bad_request, "interview_type must be one of " + join(types), "interview_type");
  if (st.current == status::interview_scheduled)
    return refuse(applications_errc::illegal_transition, "an interview is already scheduled; reschedule or cancel it");
  if (!is_legal_move(st.current, status::interview_scheduled))
    return refuse(applications_errc::illegal_transition,
                  std::string{"cannot schedule an interview for an application that is "} + to_string(st.current) +
                      " (it must be reviewing or past an interview)");
  int64_t starts = 0;
  if (auto d = resolve_start(cmd.starts_at, cmd.time_zone, now_ms, &starts); d.code != errc::ok)
    return d;
  nlohmann::json iv = {
      {"id", cmd.interview_id},     {"type", cmd.type},
      {"starts_at_ms", starts},     {"duration_minutes", cmd.duration_minutes > 0 ? cmd.duration_minutes : 60},
      {"time_zone", cmd.time_zone}, {"location", cmd.location},
      {"notes", cmd.notes}};
  return accept(
      event_of(st, by, "interview_scheduled", status::interview_scheduled, event_id, now_ms, {{"interview", iv}}));
}

decision decide_reschedule(const state& st, const principal& by, const interview_command& cmd,
                           const std::string& event_id, int64_t now_ms) {
  const interview* iv = nullptr;
  if (auto d = find_scheduled(st, by, cmd.interview_id, &iv); d.code != errc::ok)
    return d;
  auto zone = cmd.time_zone.empty() ? iv->time_zone : cmd.time_zone;
  int64_t starts = iv->starts_at_ms;
  if (!cmd.starts_at.empty()) {
    if (auto d = resolve_start(cmd.starts_at, zone, now_ms, &starts); d.code != errc::ok)
      return d;
  } else if (auto d = check_zone(zone); d.code != errc::ok) {
    return d;
  }
  auto duration = cmd.duration_minutes > 0 ? cmd.duration_minutes : iv->duration_minutes;
  auto location = cmd.has_location ? cmd.location : iv->location;
  auto notes = cmd.has_notes ? cmd.notes : iv->notes;
  if (starts == iv->starts_at_ms && zone == iv->time_zone && duration == iv->duration_minutes &&
      location == iv->location && notes == iv->notes)
    return refuse(applications_errc::illegal_transition,
                  "the interview already has this time, place and notes; nothing changes");
  nlohmann::json p = {{"interview_id", iv->id},       {"starts_at_ms", starts}, {"time_zone", zone},
                      {"duration_minutes", duration}, {"location", location},   {"notes", notes}};
  return accept(event_of(st, by, "interview_rescheduled", st.current, event_id, now_ms, std::move(p)));
}

decision decide_complete(const state& st, const principal& by, const interview_command& cmd,
                         const std::string& event_id, int64_t now_ms) {
  const interview* iv = nullptr;
  if (auto d = find_scheduled(st, by, cmd.interview_id, &iv); d.code != errc::ok)
    return d;
  if (cmd.feedback.empty())
    return refuse(errc::bad_request, "feedback is required to complete an interview", "feedback");
  if (cmd.rating < 0 || cmd.rating > 5)
    return refuse(errc::bad_request, "rating must be 1 to 5", "rating");
  nlohmann::json p = {{"interview_id", iv->id}, {"feedback", cmd.feedback}, {"rating", cmd.rating}};
  return accept(event_of(st, by, "interview_completed", status::interview_completed, event_id, now_ms, std::move(p)));
}

decision decide_cancel(const state& st, const principal& by, const interview_command& cmd, const std::string& event_id,
                       int64_t now_ms) {
  const interview* iv = nullptr;
  if (auto d = find_scheduled(st, by, cmd.interview_id, &iv); d.code != errc::ok)
    return d;
  auto& reasons = interview_cancel_reasons();
  if (std::find(reasons.begin(), reasons.end(), cmd.reason) == reasons.end())
    return refuse(errc::bad_request, "reason must be one of " + join(reasons), "reason");
  auto back = parse_status(iv->return_status).value_or(status::reviewing);
  auto ev = event_of(st, by, "interview_cancelled", back, event_id, now_ms, {{"interview_id", iv->id}});
  ev.reason = cmd.reason;
  return accept(std::move(ev));
}

}  // namespace hirehub::application
