#pragma once
/// The closed set of messages of the application domain, with CAF 0.17
/// `inspect` overloads. Sent to the entity registry wrapped by
/// `route_message("application", id, fresh, caf::make_message(cmd))`.
///
///   submit_application -> application_view  (errors: forbidden, not_found (job), job_not_open,
///                                            duplicate_application, idempotency_mismatch, conflict)
///   change_status      -> application_view  (errors: bad_request, forbidden, not_found, illegal_transition)
///   get_application    -> application_view  (errors: not_found: missing or not visible to the caller)
///   get_history        -> history_view      (live-update frames after a sequence number)
///   interview_action   -> interview_view    (schedule, reschedule, complete, cancel; errors: bad_request,
///                                            forbidden, not_found, illegal_transition)
///   get_interview      -> interview_view    (the JSON, and the calendar file when asked)

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/application_core.hpp"

namespace hirehub::application {

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, principal& x) {
  return f(caf::meta::type_name("principal"), x.user_id, x.role, x.company_id);
}

struct submit_application {
  std::string request_id;
  principal by;
  std::string job_id;
  std::string resume_id;
  std::string cover_letter;
  std::string fingerprint;  ///< of the request body, for Idempotency-Key replays
  double match_score = -1;  ///< the resume's score for the job (match index), -1: none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, submit_application& x) {
  return f(caf::meta::type_name("submit_application"), x.request_id, x.by, x.job_id, x.resume_id, x.cover_letter,
           x.fingerprint, x.match_score);
}

struct change_status {
  std::string request_id;
  principal by;
  std::string to_status;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, change_status& x) {
  return f(caf::meta::type_name("change_status"), x.request_id, x.by, x.to_status, x.reason);
}

struct get_application {
  std::string request_id;
  principal by;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_application& x) {
  return f(caf::meta::type_name("get_application"), x.request_id, x.by);
}

struct get_history {
  std::string request_id;
  principal by;
  int64_t after_seq = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_history& x) {
  return f(caf::meta::type_name("get_history"), x.request_id, x.by, x.after_seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interview_command& x) {
  return f(caf::meta::type_name("interview_command"), x.interview_id, x.type, x.starts_at, x.time_zone,
           x.duration_minutes, x.location, x.notes, x.has_location, x.has_notes, x.feedback, x.rating, x.reason);
}

struct interview_action {
  std::string request_id;
  principal by;
  std::string action;  ///< schedule, reschedule, complete, cancel
  interview_command cmd;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interview_action& x) {
  return f(caf::meta::type_name("interview_action"), x.request_id, x.by, x.action, x.cmd);
}

struct get_interview {
  std::string request_id;
  principal by;
  std::string interview_id;
  bool calendar = false;  ///< also render the .ics file
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_interview& x) {
  return f(caf::meta::type_name("get_interview"), x.request_id, x.by, x.interview_id, x.calendar);
}

/// One interview as the caller may see it; `ics` filled when asked for.
struct interview_view {
  std::string json;
  std::string ics;
  int64_t seq = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interview_view& x) {
  return f(caf::meta::type_name("interview_view"), x.json, x.ics, x.seq);
}

/// The application as the API shows it.
struct application_view {
  std::string json;
  int64_t seq = 0;
  bool replayed = false;  ///< answer to a repeated Idempotency-Key
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, application_view& x) {
  return f(caf::meta::type_name("application_view"), x.json, x.seq, x.replayed);
}

/// The history: `events` is the JSON array of events after `after_seq`;
/// `frames` the same as WebSocket frames, one per event, in seq order.
struct history_view {
  std::string events;
  std::vector<std::string> frames;
  std::vector<int64_t> seqs;
  int64_t last_seq = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_view& x) {
  return f(caf::meta::type_name("history_view"), x.events, x.frames, x.seqs, x.last_seq);
}

}  // namespace hirehub::application
