#pragma once
/// The refusals of each domain, each vocabulary its own CAF category
/// (runtime/errors.hpp has the common one: bad input, identity, limits, transport).
/// A code converts to `error_code`, so `make_error(jobs_errc::illegal_transition, ...)`
/// builds the error; the gateway maps every code to HTTP in one tested function.
/// The numbers are stable (they cross nodes).

#include <cstdint>

#include "runtime/errors.hpp"

namespace hirehub {

/// Accounts: sign-up, companies, members.
enum class accounts_errc : uint8_t {
  already_exists = 1,  ///< a unique name (e-mail address, business number, member) is taken
};

/// Jobs: the posting's status machine.
enum class jobs_errc : uint8_t {
  illegal_transition = 1,  ///< draft -> open -> closed -> open; only drafts are deleted
};

/// Applications: submitting and moving an application, its interviews.
enum class applications_errc : uint8_t {
  illegal_transition = 1,     ///< the status machine refuses the move (incl. to the same state)
  duplicate_application = 2,  ///< the user already applied to this job
  idempotency_mismatch = 3,   ///< an Idempotency-Key was reused with a different request
  job_not_open = 4,           ///< applying to a job that is not open
};

/// Resumes: uploads and the processing pipeline.
enum class resumes_errc : uint8_t {
  illegal_transition = 1,  ///< the resume is not in a state that allows this (replay, re-index)
  unprocessable_file = 2,  ///< an upload of a supported type holds no usable content (empty, encrypted, corrupt)
};

/// The cluster: membership, the ingress, draining.
enum class cluster_errc : uint8_t {
  not_member = 1,      ///< the sender is not (yet) a live member; retry
  not_connected = 2,   ///< no connection to that node yet; retry
  refused_drain = 3,   ///< the node cannot be drained now (not active, or the only active one)
  not_supervised = 4,  ///< the ingress is not restarted by hand; stop the node instead
  node_gone = 5,       ///< the node asked for is dead or has left
};

constexpr caf::atom_value error_category_of(accounts_errc) {
  return error_categories::accounts;
}
constexpr caf::atom_value error_category_of(jobs_errc) {
  return error_categories::jobs;
}
constexpr caf::atom_value error_category_of(applications_errc) {
  return error_categories::applications;
}
constexpr caf::atom_value error_category_of(resumes_errc) {
  return error_categories::resumes;
}
constexpr caf::atom_value error_category_of(cluster_errc) {
  return error_categories::cluster;
}

/// The name a client sees for any code (the common ones and every domain's):
/// "bad_request", "job_not_open", ... Cluster codes are seen as "unavailable" or
/// "conflict".
const char* name_of(error_code code);

/// True for failures worth retrying by the caller (transient).
bool is_retryable(error_code code);

}  // namespace hirehub
