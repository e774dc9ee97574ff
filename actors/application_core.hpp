#pragma once
/// The application's functional core: its state machine, the fold of its
/// journal into state, and the decisions that turn commands into events.
/// No CAF, no I/O: tested directly.
///
///   submitted -> reviewing -> interview_scheduled -> interview_completed -> offered -> accepted
///   interview_completed -> interview_scheduled            (a further interview round)
///   any open state -> rejected (company) | withdrawn (jobseeker), with a reason code
///
/// Only the jobseeker who applied may withdraw; only the job's company makes the
/// other moves. A move to the current state or any other move is refused.
/// interview_scheduled and interview_completed are reached through interviews
/// (schedule, complete); cancelling the scheduled interview returns the
/// application to the status it had before. Rejecting or withdrawing cancels a
/// scheduled interview in the same event.
///
/// The applicant sees a coarse `stage` (applied, in_review, interview, offer,
/// hired, not_selected, withdrawn), never the company's reason codes, feedback
/// or internal moves; the company and admins see everything.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "persistence/types.hpp"
#include "runtime/errors.hpp"

namespace hirehub::application {

enum class status {
  none,  ///< no journal yet
  submitted,
  reviewing,
  interview_scheduled,
  interview_completed,
  offered,
  accepted,
  rejected,
  withdrawn,
};

const char* to_string(status s);
std::optional<status> parse_status(const std::string& s);
bool is_open(status s);

/// Every legal (from, to) pair, regardless of who asks.
bool is_legal_move(status from, status to);

/// Reason codes accepted for rejected and withdrawn.
const std::vector<std::string>& rejection_reasons();
const std::vector<std::string>& withdrawal_reasons();

/// Who is acting (from the verified access token).
struct principal {
  std::string user_id;
  std::string role;  ///< jobseeker, company, admin
  std::string company_id;
};

/// Who sees what: the full record (company, admin) or the applicant's view.
enum class audience { full, applicant };

/// The applicant's coarse stage of a status.
const char* stage_of(status s);

/// Interview kinds and the reason codes for cancelling one.
const std::vector<std::string>& interview_types();
const std::vector<std::string>& interview_cancel_reasons();

struct interview {
  std::string id;
  std::string type;  ///< phone, video, onsite, assignment
  int64_t starts_at_ms = 0;
  int32_t duration_minutes = 60;
  std::string time_zone;  ///< IANA name the interview was scheduled in
  std::string location;
  std::string notes;   ///< instructions for the candidate
  std::string status;  ///< scheduled, completed, cancelled
  std::string feedback;
  int32_t rating = 0;  ///< 1..5, 0 = none
  std::string cancel_reason;
  std::string return_status;  ///< the application's status before it was scheduled
  int32_t version = 1;        ///< bumped by every change (the calendar file's SEQUENCE)
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct state {
  std::string id;
  std::string job_id;
  std::string user_id;
  std::string company_id;
  std::string job_owner_id;
  std::string job_title;
  std::string resume_id;
  std::string cover_letter;
  std::string fingerprint;  ///< hash of the submit request, for Idempotency-Key replays
  double match_score = -1;  ///< the resume's score for the job when it was submitted; -1: none
  status current = status::none;
  int64_t seq = 0;
  int64_t applied_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string last_reason;
  std::vector<interview> interviews;  ///< in scheduling order
};

const interview* find_interview(const state& st, const std::string& interview_id);

/// Applies one event (events must come in seq order).
void apply(state& st, const journal_event& ev);

/// Rebuilds state from a journal.
state fold(const std::string& id, const std::vector<journal_event>& events);

/// The result of a decision: an event to append, or a refusal.
struct decision {
  error_code code = errc::ok;
  std::string message;
  std::string field;
  journal_event event;
  bool replay = false;  ///< submit repeated with the same Idempotency-Key: answer with the current state
};

/// A refusal with its code, message and the field at fault.
decision refuse(error_code code, std::string message, std::string field = {});

/// "a, b, c" (for messages listing the allowed codes).
std::string join(const std::vector<std::string>& xs);

struct submit_command {
  std::string job_id;
  std::string resume_id;
  std::string cover_letter;
  std::string fingerprint;
  double match_score = -1;
};

/// The job as the application sees it when deciding a submit.
struct job_facts {
  std::string id;
  std::string company_id;
  std::string owner_user_id;
  std::string title;
  std::string status;
};

decision decide_submit(const state& st, const principal& by, const submit_command& cmd, const job_facts& job,
                       const std::string& event_id, int64_t now_ms);

decision decide_status_change(const state& st, const principal& by, const std::string& to, const std::string& reason,
                              const std::string& event_id, int64_t now_ms);

/// What an interview command carries; times are parsed against the zone here.
struct interview_command {
  std::string interview_id;
  std::string type;
  std::string starts_at;  ///< local "2027-03-15T10:00" in time_zone, or RFC 3339 with an offset
  std::string time_zone;
  int32_t duration_minutes = 0;  ///< 0 = unchanged (reschedule) / 60 (schedule)
  std::string location;
  std::string notes;
  bool has_location = false;
  bool has_notes = false;
  std::string feedback;
  int32_t rating = 0;
  std::string reason;
};

decision decide_schedule(const state& st, const principal& by, const interview_command& cmd,
                         const std::string& event_id, int64_t now_ms);
decision decide_reschedule(const state& st, const principal& by, const interview_command& cmd,
                           const std::string& event_id, int64_t now_ms);
decision decide_complete(const state& st, const principal& by, const interview_command& cmd,
                         const std::string& event_id, int64_t now_ms);
decision decide_cancel(const state& st, const principal& by, const interview_command& cmd, const std::string& event_id,
                       int64_t now_ms);

/// The applicant, the job's company and admins may read an application.
bool can_view(const state& st, const principal& by);

/// Which view `by` gets (call after can_view).
audience audience_of(const state& st, const principal& by);

/// API representation of the state.
nlohmann::json to_json(const state& st, audience a = audience::full);
nlohmann::json interview_to_json(const interview& iv, audience a = audience::full);
nlohmann::json event_to_json(const journal_event& ev);

/// The applicant's view of an event: null when it changes nothing they see.
nlohmann::json applicant_event(const state& before, const state& after, const journal_event& ev);

/// The WebSocket frame for one event: {"type", "topic", "seq", "data": {application, event}}.
std::string frame_for(const state& after, const journal_event& ev);

/// The applicant's frame for one event ("" when the applicant sees nothing new).
std::string applicant_frame_for(const state& before, const state& after, const journal_event& ev);

/// Kafka payload for the event (topic, JSON) as the outbox stores it.
outbox_row to_outbox(const state& before, const state& after, const journal_event& ev);

/// The interviews an event created or changed (rows for the read model).
std::vector<interview> changed_interviews(const state& before, const state& after);

/// RFC 3339 UTC with milliseconds.
std::string iso_time(int64_t ms);

}  // namespace hirehub::application
