#pragma once
/// How HireHub fails. Every actor handler that can fail answers with a caf::error
/// whose category names a vocabulary and whose context carries a human-readable
/// message (and, for validation errors, the offending field).
///
/// `errc` here is the common vocabulary every layer speaks: the shape of a request,
/// identity, limits and transport. Each domain names its own refusals in its own
/// vocabulary and CAF category (domain/errors.hpp: accounts, jobs, applications,
/// resumes, cluster). An `error_code` holds a code of any of them; the gateway maps
/// it to HTTP in one tested function (`gateway::http_error_of`).

#include <cstdint>
#include <string>
#include <type_traits>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>

namespace hirehub {

/// The common vocabulary. The numbers are stable (they cross nodes).
enum class errc : uint8_t {
  ok = 0,
  bad_request = 1,              ///< malformed JSON, wrong type, missing or out-of-range field
  unauthorized = 2,             ///< no token, bad signature, expired token
  forbidden = 3,                ///< authenticated, but not allowed to act on this resource
  not_found = 4,                ///< the entity or route does not exist (or is hidden from the caller)
  conflict = 8,                 ///< another writer won (a sequence fence, a state that changed); retry may succeed
  payload_too_large = 10,       ///< body or field larger than the configured limit
  unsupported_media_type = 11,  ///< body is not of a type the route takes
  overloaded = 12,              ///< a bounded queue is full; retry later
  unavailable = 13,             ///< a dependency (PostgreSQL, Kafka, the owning node) is unreachable; retryable
  timeout = 14,                 ///< an actor did not answer within the request timeout
  internal = 15,                ///< a bug; details only in the log
  rate_limited = 16,            ///< too many attempts from this client or for this account; retry later
  method_not_allowed = 19,      ///< the route exists, not with this method
};

/// The CAF error categories: the common one and one per domain vocabulary.
using hirehub_category = caf::atom_constant<caf::atom("hirehub")>;
namespace error_categories {
constexpr caf::atom_value common = caf::atom("hirehub");
constexpr caf::atom_value accounts = caf::atom("accounts");
constexpr caf::atom_value jobs = caf::atom("jobs");
constexpr caf::atom_value applications = caf::atom("apps");
constexpr caf::atom_value resumes = caf::atom("resumes");
constexpr caf::atom_value cluster = caf::atom("cluster");
}  // namespace error_categories

constexpr caf::atom_value error_category_of(errc) {
  return error_categories::common;
}

/// One code of any vocabulary: an enum `E` with `error_category_of(E)` (found by
/// argument-dependent lookup) converts to it.
struct error_code {
  caf::atom_value category = error_categories::common;
  uint8_t value = 0;

  constexpr error_code() = default;
  constexpr error_code(caf::atom_value cat, uint8_t v) : category(cat), value(v) {}
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>, class = decltype(error_category_of(E{}))>
  constexpr error_code(E e) : category(error_category_of(e)), value(static_cast<uint8_t>(e)) {}

  bool ok() const { return value == 0; }
  /// The common code, or errc::ok when this is a domain's.
  errc common() const { return category == error_categories::common ? static_cast<errc>(value) : errc::ok; }
};

inline bool operator==(error_code a, error_code b) {
  return a.category == b.category && a.value == b.value;
}
inline bool operator!=(error_code a, error_code b) {
  return !(a == b);
}

const char* to_string(errc x);

/// True for a category of HireHub's (the common one or a domain's).
bool is_hirehub_category(caf::atom_value category);

/// Builds an error with a client-visible message and an optional field name.
caf::error make_error(error_code code, std::string message = {}, std::string field = {});

/// Decomposed view of a caf::error for callers at the edge.
struct error_view {
  error_code code = errc::internal;
  std::string message;
  std::string field;
};

/// Maps any caf::error (ours, or CAF's own such as request timeouts) to a code
/// with a message that is safe to show to a client.
error_view view(const caf::error& err);

}  // namespace hirehub
