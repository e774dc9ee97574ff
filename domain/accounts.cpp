#include "domain/accounts.hpp"

#include <algorithm>

#include "runtime/errors.hpp"
#include "runtime/ids.hpp"

namespace hirehub::domain::accounts {

void check_password(const std::string& password) {
  if (password.size() < min_password)
    throw make_error(errc::bad_request, "password must be at least " + std::to_string(min_password) + " bytes",
                     "password");
}

void check_phone(const std::string& phone, const std::string& field) {
  if (phone.find_first_not_of("0123456789+-. ()") != std::string::npos)
    throw make_error(errc::bad_request, "phone may contain digits, spaces and + - . ( ) only", field);
}

void check_salary_range(std::optional<int64_t> lo, std::optional<int64_t> hi, const std::string& field) {
  if (lo && hi && *lo > *hi)
    throw make_error(errc::bad_request, "desired_salary_min must not exceed desired_salary_max", field);
}

void check_logo_url(const std::string& url, const std::string& field) {
  if (!url.empty() && url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
    throw make_error(errc::bad_request, "logo_url must be an http(s) URL", field);
}

void require_member(const actor& by, const std::string& company_id, bool admin_may) {
  if (!ids::is_uuid(company_id))
    throw make_error(errc::not_found, "no company with this id");
  if (admin_may && by.role == "admin")
    return;
  if (by.role != "company" || by.company_id != company_id)
    throw make_error(errc::forbidden, "only members of this company may do this");
}

login_verdict judge_login(const login_facts& f) {
  login_verdict v;
  if (!f.account_found || !f.password_ok)
    return v;  // bad_credentials
  if (f.role == "admin") {
    if (!f.totp_given) {
      v.outcome = login_outcome::totp_missing;
      return v;
    }
    if (!f.totp_step || *f.totp_step <= f.totp_last_step) {
      v.outcome = login_outcome::totp_invalid;
      return v;
    }
    v.totp_step = *f.totp_step;
  }
  v.outcome = f.status == "active" ? login_outcome::ok : login_outcome::disabled;
  return v;
}

refusal refusal_of(const login_verdict& v) {
  switch (v.outcome) {
    case login_outcome::ok: return {};
    case login_outcome::bad_credentials: return {errc::unauthorized, "invalid e-mail address or password", ""};
    case login_outcome::totp_missing: return {errc::unauthorized, "admin accounts need a TOTP code (totp)", "totp"};
    case login_outcome::totp_invalid: return {errc::unauthorized, "invalid or already used TOTP code", "totp"};
    case login_outcome::disabled: return {errc::forbidden, "this account is disabled", ""};
  }
  return {errc::internal, "internal error", ""};
}

bool may_try_under_attack(bool from_known_device, const std::string& role, bool totp_given) {
  return from_known_device || (role == "admin" && totp_given);
}

int64_t login_lifetime_s(const std::string& role, int64_t refresh_ttl_s, int64_t admin_refresh_ttl_s) {
  return role == "admin" ? std::min(admin_refresh_ttl_s, refresh_ttl_s) : refresh_ttl_s;
}

}  // namespace hirehub::domain::accounts
