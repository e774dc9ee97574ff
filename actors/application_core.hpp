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
  status current = status::none;
  int64_t seq = 0;
  int64_t applied_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string last_reason;
};

/// Applies one event (events must come in seq order).
void apply(state& st, const journal_event& ev);

/// Rebuilds state from a journal.
state fold(const std::string& id, const std::vector<journal_event>& events);

/// The result of a decision: an event to append, or a refusal.
struct decision {
  errc code = errc::ok;
  std::string message;
  std::string field;
  journal_event event;
  bool replay = false;  ///< submit repeated with the same Idempotency-Key: answer with the current state
};

struct submit_command {
  std::string job_id;
  std::string resume_id;
  std::string cover_letter;
  std::string fingerprint;
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

/// The applicant, the job's company and admins may read an application.
bool can_view(const state& st, const principal& by);

/// API representation of the state.
nlohmann::json to_json(const state& st);
nlohmann::json event_to_json(const journal_event& ev);

/// The WebSocket frame for one event: {"type", "topic", "seq", "data": {application, event}}.
std::string frame_for(const state& after, const journal_event& ev);

/// Kafka payload for the event (topic, JSON) as the outbox stores it.
outbox_row to_outbox(const state& after, const journal_event& ev);

}  // namespace hirehub::application
