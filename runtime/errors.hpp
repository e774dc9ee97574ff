#pragma once
/// The one error vocabulary of HireHub. Every actor handler that can fail
/// answers with a caf::error of category `hirehub`; the value is an `errc`
/// and the context carries a human-readable message (and, for validation
/// errors, the offending field). The gateway maps errc to HTTP with
/// `gateway::http_status_of` (one tested function).

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace hirehub {

enum class errc : uint8_t {
  ok = 0,
  bad_request,             ///< malformed JSON, wrong type, missing or out-of-range field
  unauthorized,            ///< no token, bad signature, expired token
  forbidden,               ///< authenticated, but not allowed to act on this resource
  not_found,               ///< the entity or route does not exist (or is hidden from the caller)
  illegal_transition,      ///< the state machine refuses the move (incl. move to the same state)
  duplicate_application,   ///< the user already applied to this job
  idempotency_mismatch,    ///< an Idempotency-Key was reused with a different request
  conflict,                ///< another writer won (journal sequence fence); retry may succeed
  job_not_open,            ///< applying to a job that is not open
  payload_too_large,       ///< body or field larger than the configured limit
  unsupported_media_type,  ///< body is not application/json
  overloaded,              ///< a bounded queue is full; retry later
  unavailable,             ///< a dependency (PostgreSQL, Kafka) is unreachable; retryable
  timeout,                 ///< an actor did not answer within the request timeout
  internal,                ///< a bug; details only in the log
  rate_limited,            ///< too many attempts from this client or for this account; retry later
  already_exists,          ///< a unique name (e-mail, business number) is taken
  unprocessable_file,      ///< an upload of a supported type holds no usable content (empty, encrypted, corrupt)
};

/// The CAF error category atom for errc.
using hirehub_category = caf::atom_constant<caf::atom("hirehub")>;

const char* to_string(errc x);

/// Builds an error with a client-visible message and an optional field name.
caf::error make_error(errc code, std::string message = {}, std::string field = {});

/// Decomposed view of a caf::error for callers at the edge.
struct error_view {
  errc code = errc::internal;
  std::string message;
  std::string field;
};

/// Maps any caf::error (ours, or CAF's own such as request timeouts) to an errc
/// with a message that is safe to show to a client.
error_view view(const caf::error& err);

/// True for errors worth retrying by the caller (transient).
bool is_retryable(errc code);

}  // namespace hirehub
