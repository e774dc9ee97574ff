#pragma once
/// The rules of accounts, pure (no I/O): what a password, a profile and a company
/// may hold, who acts for a company, and how a login attempt is judged (password,
/// an admin's TOTP step, the account's status, an account under attack).
/// persistence/account_requests.cpp applies them inside its transactions; the
/// gateway checks the shape of a body with them before anything is stored. A broken
/// rule throws caf::error (runtime/errors.hpp) and nothing changes.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "domain/jobs.hpp"
#include "runtime/errors.hpp"

namespace hirehub::domain::accounts {

using jobs::actor;

constexpr size_t min_password = 8;
constexpr size_t max_password = 256;

/// A new password is at least min_password bytes (bad_request on "password").
void check_password(const std::string& password);

/// A phone number: digits, spaces and + - . ( ) (bad_request on `field`).
void check_phone(const std::string& phone, const std::string& field);

/// A desired salary range is not upside down (bad_request on `field`).
void check_salary_range(std::optional<int64_t> lo, std::optional<int64_t> hi, const std::string& field);

/// A company logo is an http(s) URL (bad_request on `field`).
void check_logo_url(const std::string& url, const std::string& field);

/// The sizes a company may give (companies.company_size).
inline const std::initializer_list<const char*> company_sizes = {"1-10", "11-50", "51-200", "201-500", "500+"};

/// The event types a user can switch off: every event that notifies someone, and
/// those the matching work adds.
inline const std::initializer_list<const char*> switchable_event_types = {
    "application.submitted", "application.status_changed", "interview.scheduled", "interview.rescheduled",
    "interview.cancelled",   "resume.processed",           "match.recommended"};

/// Members act for their own company only; admins may also read any (`admin_may`).
/// A malformed id is not_found, someone else's company forbidden.
void require_member(const actor& by, const std::string& company_id, bool admin_may);

// ---- logins ------------------------------------------------------------------------

/// What is known about one login attempt once its account row is read.
struct login_facts {
  bool account_found = false;
  bool password_ok = false;  ///< false when the account was not found
  std::string role;
  std::string status;  ///< users.status: active | disabled
  bool totp_given = false;
  std::optional<int64_t> totp_step;  ///< the step the code matched (admins)
  int64_t totp_last_step = 0;        ///< the last step that opened a login
};

enum class login_outcome {
  ok,
  bad_credentials,  ///< unknown address or wrong password (one answer for both)
  totp_missing,     ///< an admin without a TOTP code
  totp_invalid,     ///< a wrong, old or already used code
  disabled,         ///< the account is disabled
};

struct login_verdict {
  login_outcome outcome = login_outcome::bad_credentials;
  int64_t totp_step = 0;  ///< the step to record (admins)
  /// The attempt counts against the account's failure budget: a guess, not the
  /// owner (a disabled account's right password is not a guess).
  bool counts_as_failure() const { return outcome != login_outcome::ok && outcome != login_outcome::disabled; }
};

login_verdict judge_login(const login_facts& f);

struct refusal {
  errc code = errc::ok;
  std::string message;
  std::string field;
};

/// What a verdict answers: unauthorized (with its field) or forbidden; ok for `ok`.
refusal refusal_of(const login_verdict& v);

/// An account whose failures used their budget is under attack: only the owner's
/// signs are still looked at (a device it logged in from, an admin's TOTP code).
bool may_try_under_attack(bool from_known_device, const std::string& role, bool totp_given);

/// The absolute lifetime of a login: an admin's ends sooner.
int64_t login_lifetime_s(const std::string& role, int64_t refresh_ttl_s, int64_t admin_refresh_ttl_s);

}  // namespace hirehub::domain::accounts
