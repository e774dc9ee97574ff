#pragma once
/// The account routes' use cases as db pool tasks (each one transaction on the
/// "accounts" pool, whose detached workers also do the argon2id hashing): sign-up,
/// login, refresh-token rotation, logout, the caller's account, notification
/// settings and devices, companies, members and invitations. The rules come from
/// domain/accounts; callers name no libpqxx type.
///
/// Sign-up, login and refresh answer a grant, which the gateway turns into tokens:
///   {"user": {id, email, role, company_id?}, "session_id", "refresh_token",
///    "refresh_expires_in", "device_token"? (login)}
/// A refusal that must commit what the attempt spent (a rate limit, a failed login,
/// a reused refresh token) is answered as db_reply::error with {"retry_after": s}.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/accounts.hpp"
#include "persistence/accounts.hpp"
#include "persistence/db_task.hpp"
#include "runtime/crypto.hpp"

namespace hirehub::persistence::accounts {

/// The limits and lifetimes of logins (auth.* settings).
struct auth_policy {
  crypto::hash_cost password_cost;
  int64_t refresh_ttl_s = 2592000;
  int64_t admin_refresh_ttl_s = 43200;
  int64_t device_ttl_s = 7776000;
  bucket signups_per_address;
  bucket logins_per_address;
  bucket failed_logins_per_account;
};

/// Called in the transaction that ends a login (logout, a reused refresh token) with
/// its family id: the gateway closes that login's WebSockets on every node.
using login_ended = std::function<void(const std::string& family_id)>;

/// `address`: the client's network (rate limits).
db_fn signup_command(signup_input in, std::string password, auth_policy policy, std::string address);

struct login_attempt {
  std::string email;
  std::string password;
  std::string totp;          ///< admins
  std::string device_token;  ///< a device the account logged in from before
  std::string address;       ///< the client's network
};
db_fn login_command(login_attempt a, auth_policy policy);

db_fn refresh_command(std::string refresh_token, login_ended on_ended);
/// Like RFC 7009: an unknown token is not an error.
db_fn logout_command(std::string refresh_token, login_ended on_ended);

db_fn me_query(std::string user_id);
db_fn notification_settings_query(std::string user_id);
db_fn device_tokens_query(std::string user_id);
db_fn update_profile_command(std::string user_id, nlohmann::json fields);
db_fn update_settings_command(std::string user_id, nlohmann::json fields);
db_fn add_device_command(std::string user_id, std::string device_type, std::string token);
db_fn remove_device_command(std::string user_id, std::string device_id);

db_fn company_query(std::string company_id);
db_fn update_company_command(std::string company_id, nlohmann::json fields);
db_fn members_query(std::string company_id);

/// Where an invitation's e-mail goes: its sign-up link is `public_url`/signup?invitation=<token>.
struct invitation_mail {
  bool enabled = false;  ///< an e-mail sender is configured
  std::string public_url;
};
/// The invitation (its token once) and, when mail is enabled, its e-mail written in
/// the same transaction (the token never goes to Kafka).
db_fn invite_command(std::string company_id, std::string by_user, std::string email, int64_t ttl_s,
                     invitation_mail mail);

}  // namespace hirehub::persistence::accounts
