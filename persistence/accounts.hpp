#pragma once
/// Accounts (the seed's user-service): users, jobseeker profiles, companies,
/// company members and invitations, refresh-token families. Plain functions
/// over one transaction, run inside db_task closures on the "accounts" pool.
/// Business failures throw caf::error (make_error) so the transaction rolls
/// back and nothing changes; functions that must commit a failure (refresh
/// token reuse) say so in their result instead.
///
/// JSON in and out: inputs were validated by the API layer (types, lengths,
/// closed field sets); these functions enforce what needs the database
/// (uniqueness, membership, invitation validity, time zone names).

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence::accounts {

/// Who a token is issued for.
struct subject {
  std::string user_id;
  std::string email;
  std::string role;  ///< jobseeker | company | admin
  std::string company_id;
};

struct signup_input {
  std::string email;
  std::string password_hash;  ///< argon2id PHC string
  std::string role;           ///< jobseeker | company
  std::string name;
  std::string time_zone;         ///< IANA name; empty: the default
  nlohmann::json profile;        ///< jobseeker_profiles fields (jobseeker)
  nlohmann::json company;        ///< companies fields of a new company (company, no invitation)
  std::string invitation_token;  ///< joins the inviting company (company)
  std::string position;          ///< company_members.position
};

/// Creates the user and its profile or membership; `user.registered` (and
/// `company.created`) go to the outbox. Throws already_exists (email, business
/// number), not_found (invitation unknown, used or expired, or for another
/// address), bad_request (time zone).
subject signup(pqxx::transaction_base& txn, const signup_input& in);

struct login_row {
  subject who;
  std::string password_hash;
  std::string status;
  std::string totp_secret;  ///< raw key; admins only
  int64_t totp_last_step = 0;
};

/// The account of `email`, its row locked until the transaction ends: concurrent
/// logins of one account take turns, so a TOTP step recorded by one refuses the
/// same code in the other.
std::optional<login_row> find_login(pqxx::transaction_base& txn, const std::string& email);

/// Records a successful login (and the TOTP step it used, so it cannot be replayed).
void record_login(pqxx::transaction_base& txn, const std::string& user_id, int64_t totp_step);

struct refresh_grant {
  std::string token;      ///< the opaque refresh token (only its hash is stored)
  std::string family_id;  ///< the login it belongs to (the access tokens' `sid`)
};

/// Starts a refresh-token family (a login) that ends `ttl_s` from now (its
/// absolute lifetime: rotations never extend it).
refresh_grant issue_refresh(pqxx::transaction_base& txn, const std::string& user_id, int64_t ttl_s);

struct rotation {
  std::optional<subject> who;  ///< set: valid; `token` is its successor
  std::string token;
  std::string family_id;
  int64_t expires_in = 0;  ///< seconds until the family ends
  bool reused = false;     ///< an already used token came back: its family is now revoked
};

/// Uses a refresh token once. A used token coming back revokes the whole family
/// (the caller commits that and answers 401).
rotation rotate_refresh(pqxx::transaction_base& txn, const std::string& token);

// ---- limits shared by every node (token buckets in PostgreSQL) ---------------------

struct bucket {
  double capacity = 10;  ///< attempts
  double window_s = 300; ///< refilled evenly over this
};

/// Takes a token of `key`'s bucket in the caller's transaction (the row is locked
/// until it ends). Returns 0 when one was there, else the seconds until one is.
int64_t take(pqxx::transaction_base& txn, const std::string& key, const bucket& b);

/// True when `key`'s bucket has no token left (it is under attack); takes none.
bool exhausted(pqxx::transaction_base& txn, const std::string& key, const bucket& b);

/// Takes a token of `key`'s bucket whether or not one is there (a failed attempt).
void spend(pqxx::transaction_base& txn, const std::string& key, const bucket& b);

// ---- devices an account logged in from ---------------------------------------------

/// A new device token for `user_id` (only its hash is kept), valid `ttl_s`.
std::string issue_device(pqxx::transaction_base& txn, const std::string& user_id, int64_t ttl_s);

/// True when `token` was issued to `user_id` and has not expired (its use is recorded).
bool known_device(pqxx::transaction_base& txn, const std::string& user_id, const std::string& token);

/// Revokes the family of `token`; its id, or empty when the token is unknown.
std::string revoke_family(pqxx::transaction_base& txn, const std::string& token);

/// Creates an admin account with a TOTP key; throws already_exists.
std::string create_admin(pqxx::transaction_base& txn, const std::string& email, const std::string& password_hash,
                         const std::string& totp_key);

/// The caller's account: user, and profile (jobseeker) or company membership.
nlohmann::json me(pqxx::transaction_base& txn, const std::string& user_id);

/// Updates the given jobseeker_profiles fields (and users.time_zone); returns me().
nlohmann::json update_profile(pqxx::transaction_base& txn, const std::string& user_id, const nlohmann::json& fields);

nlohmann::json company(pqxx::transaction_base& txn, const std::string& company_id);
nlohmann::json update_company(pqxx::transaction_base& txn, const std::string& company_id, const nlohmann::json& fields);
nlohmann::json members(pqxx::transaction_base& txn, const std::string& company_id);

/// Invites `email` into the company; the token is returned once (only its hash is stored).
nlohmann::json invite(pqxx::transaction_base& txn, const std::string& company_id, const std::string& by_user,
                      const std::string& email, int64_t ttl_s);

/// Notification settings (defaults when never set): channel switches and disabled event types.
nlohmann::json notification_settings(pqxx::transaction_base& txn, const std::string& user_id);
/// Updates the given settings fields; returns them all.
nlohmann::json update_notification_settings(pqxx::transaction_base& txn, const std::string& user_id,
                                            const nlohmann::json& fields);

/// The user's active device tokens.
nlohmann::json device_tokens(pqxx::transaction_base& txn, const std::string& user_id);
/// Registers (or reactivates) a device token; returns it.
nlohmann::json add_device_token(pqxx::transaction_base& txn, const std::string& user_id, const std::string& device_type,
                                const std::string& token);
/// Deactivates one of the user's tokens; throws not_found for anyone else's.
void remove_device_token(pqxx::transaction_base& txn, const std::string& user_id, const std::string& id);

/// `hirehub admin create`: migrates the database at `db_url` if needed, creates
/// the admin and returns its id and TOTP key (raw bytes). Throws
/// std::runtime_error with a message for the operator.
struct admin_account {
  std::string user_id;
  std::string totp_key;
};
admin_account create_admin_account(const std::string& db_url, const std::string& email, const std::string& password,
                                   uint64_t opslimit, size_t memlimit_bytes);

/// Signs many accounts up (the seeder): `signup` for each, 100 per transaction,
/// so every one writes its user.registered (and company.created) to the outbox.
std::vector<subject> signup_many(const std::string& db_url, const std::vector<signup_input>& inputs);

}  // namespace hirehub::persistence::accounts
