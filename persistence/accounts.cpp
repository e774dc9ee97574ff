#include "persistence/accounts.hpp"

#include <cmath>
#include <random>

#include <pqxx/pqxx>

#include "domain/errors.hpp"
#include "persistence/db.hpp"
#include "runtime/tz.hpp"
#include "persistence/migrations.hpp"
#include "runtime/crypto.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"

namespace hirehub::persistence::accounts {

namespace {

using nlohmann::json;

const char* company_json_sql =
    "json_build_object('id', c.id, 'name', c.name, 'business_number', c.business_number, 'industry', c.industry, "
    "'company_size', c.company_size, 'location', c.location, 'logo_url', c.logo_url, 'description', c.description, "
    "'status', c.status, 'created_at', " HH_SQL_ISO("c.created_at") ", 'updated_at', " HH_SQL_ISO(
        "c.updated_at") ")::text";

const char* profile_json_sql =
    "json_build_object('name', p.name, 'phone', p.phone, 'experience_years', p.experience_years, "
    "'desired_position', p.desired_position, 'desired_salary_min', p.desired_salary_min, "
    "'desired_salary_max', p.desired_salary_max, 'skills', p.skills, 'open_to_matching', p.open_to_matching, "
    "'updated_at', " HH_SQL_ISO("p.updated_at") ")::text";

/// The same tz database the interviews and calendar files use.
void check_time_zone(pqxx::transaction_base&, const std::string& zone) {
  if (zone.empty())
    return;
  if (!tz::valid_zone(zone))
    throw make_error(errc::bad_request, "time_zone must be an IANA time zone name such as Asia/Seoul", "time_zone");
}

bool unique_violation(const pqxx::sql_error& e, const char* constraint_part) {
  return e.sqlstate() == "23505" && std::string{e.what()}.find(constraint_part) != std::string::npos;
}

}  // namespace

subject signup(pqxx::transaction_base& txn, const signup_input& in) {
  check_time_zone(txn, in.time_zone);
  subject who{ids::random_uuid(), in.email, in.role, {}};
  try {
    txn.exec_params(
        "INSERT INTO users (id, email, password_hash, user_type, time_zone) "
        "VALUES ($1::uuid, $2, $3, $4, COALESCE(NULLIF($5, ''), 'Asia/Seoul'))",
        who.user_id, in.email, in.password_hash, in.role, in.time_zone);
  } catch (const pqxx::sql_error& e) {
    if (unique_violation(e, "idx_users_email_lower"))
      throw make_error(accounts_errc::already_exists, "an account with this e-mail address already exists", "email");
    throw;
  }
  auto occurred = sql_now_iso(txn);
  if (in.role == "jobseeker") {
    json fields = in.profile.is_object() ? in.profile : json::object();
    fields["name"] = in.name;
    std::string cols = "user_id";
    std::string vals = txn.quote(who.user_id) + "::uuid";
    for (auto& [k, v] : fields.items()) {
      cols += ", " + txn.quote_name(k);
      vals += ", " + sql_literal(txn, v);
    }
    txn.exec("INSERT INTO jobseeker_profiles (" + cols + ") VALUES (" + vals + ")");
  } else {
    bool primary = false;
    if (!in.invitation_token.empty()) {
      auto r = txn.exec_params(
          "UPDATE company_invitations SET accepted_at = now() WHERE token_hash = $1 AND accepted_at IS NULL "
          "AND expires_at > now() AND lower(email) = lower($2) RETURNING company_id::text",
          crypto::sha256_hex(in.invitation_token), in.email);
      if (r.empty())
        throw make_error(errc::not_found, "the invitation is unknown, used, expired or for another e-mail address",
                         "invitation_token");
      who.company_id = r[0][0].as<std::string>();
    } else {
      who.company_id = ids::random_uuid();
      primary = true;
      json fields = in.company;
      std::string cols = "id";
      std::string vals = txn.quote(who.company_id) + "::uuid";
      for (auto& [k, v] : fields.items()) {
        cols += ", " + txn.quote_name(k);
        vals += ", " + sql_literal(txn, v);
      }
      try {
        txn.exec("INSERT INTO companies (" + cols + ") VALUES (" + vals + ")");
      } catch (const pqxx::sql_error& e) {
        if (unique_violation(e, "business_number"))
          throw make_error(accounts_errc::already_exists, "a company with this business number is already registered",
                           "company.business_number");
        throw;
      }
      write_outbox(txn, "company.created", who.company_id,
                   {{"event_id", ids::random_uuid()},
                    {"company_id", who.company_id},
                    {"name", fields.value("name", "")},
                    {"created_by", who.user_id},
                    {"occurred_at", occurred}});
    }
    txn.exec_params(
        "INSERT INTO company_members (user_id, company_id, name, position, is_primary) "
        "VALUES ($1::uuid, $2::uuid, $3, NULLIF($4, ''), $5)",
        who.user_id, who.company_id, in.name, in.position, primary);
  }
  json ev = {
      {"event_id", ids::random_uuid()}, {"user_id", who.user_id}, {"user_type", in.role}, {"occurred_at", occurred}};
  if (!who.company_id.empty())
    ev["company_id"] = who.company_id;
  write_outbox(txn, "user.registered", who.user_id, ev);
  return who;
}

std::optional<login_row> find_login(pqxx::transaction_base& txn, const std::string& email) {
  auto r = txn.exec_params(
      "SELECT u.id::text, u.email, u.user_type, COALESCE(m.company_id::text, ''), u.password_hash, u.status, "
      "COALESCE(u.totp_secret, ''), u.totp_last_step FROM users u "
      "LEFT JOIN company_members m ON m.user_id = u.id WHERE lower(u.email) = lower($1) FOR UPDATE OF u",
      email);
  if (r.empty())
    return std::nullopt;
  login_row out;
  out.who = {r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
             r[0][3].as<std::string>()};
  out.password_hash = r[0][4].as<std::string>();
  out.status = r[0][5].as<std::string>();
  auto secret = r[0][6].as<std::string>();
  if (!secret.empty()) {
    // An undecodable secret leaves the key empty, which no code matches (totp_match fails closed).
    out.totp_secret = crypto::base32_decode(secret).value_or("");
    if (out.totp_secret.empty())
      log::error("an account's TOTP secret does not decode; its logins are refused", {{"user_id", out.who.user_id}});
  }
  out.totp_last_step = r[0][7].as<int64_t>();
  return out;
}

void record_login(pqxx::transaction_base& txn, const std::string& user_id, int64_t totp_step) {
  txn.exec_params(
      "UPDATE users SET last_login_at = now(), totp_last_step = GREATEST(totp_last_step, $2) WHERE id = $1::uuid",
      user_id, totp_step);
}

refresh_grant issue_refresh(pqxx::transaction_base& txn, const std::string& user_id, int64_t ttl_s) {
  refresh_grant out{crypto::random_token(32), ids::random_uuid()};
  txn.exec_params(
      "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) "
      "VALUES ($1::uuid, $2::uuid, $3, now() + make_interval(secs => $4))",
      user_id, out.family_id, crypto::sha256_hex(out.token), ttl_s);
  return out;
}

rotation rotate_refresh(pqxx::transaction_base& txn, const std::string& token) {
  rotation out;
  auto r = txn.exec_params(
      "SELECT t.id::text, t.user_id::text, t.family_id::text, t.used_at IS NOT NULL, t.revoked_at IS NOT NULL, "
      "t.expires_at <= now(), u.email, u.user_type, COALESCE(m.company_id::text, ''), u.status, "
      "GREATEST(0, floor(extract(epoch FROM t.expires_at - now())))::bigint "
      "FROM refresh_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN company_members m ON m.user_id = u.id "
      "WHERE t.token_hash = $1 FOR UPDATE OF t",
      crypto::sha256_hex(token));
  if (r.empty())
    return out;
  auto id = r[0][0].as<std::string>();
  auto user_id = r[0][1].as<std::string>();
  auto family = r[0][2].as<std::string>();
  bool used = r[0][3].as<bool>();
  bool revoked = r[0][4].as<bool>();
  bool expired = r[0][5].as<bool>();
  out.family_id = family;
  if (used && !revoked) {
    // A rotated token came back: whoever holds the family now may be a thief.
    txn.exec_params("UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1::uuid AND revoked_at IS NULL",
                    family);
    out.reused = true;
    return out;
  }
  if (used || revoked || expired || r[0][9].as<std::string>() != "active")
    return out;
  txn.exec_params("UPDATE refresh_tokens SET used_at = now() WHERE id = $1::uuid", id);
  out.who = subject{user_id, r[0][6].as<std::string>(), r[0][7].as<std::string>(), r[0][8].as<std::string>()};
  // The successor ends when the family does: a login lasts at most its lifetime from
  // the login, however often it is refreshed.
  out.token = crypto::random_token(32);
  txn.exec_params(
      "INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) "
      "SELECT user_id, family_id, $2, expires_at FROM refresh_tokens WHERE id = $1::uuid",
      id, crypto::sha256_hex(out.token));
  out.expires_in = r[0][10].as<int64_t>();
  out.family_id = family;
  return out;
}

namespace {

/// The bucket's tokens, refilled to now (a new key starts full); the row stays locked.
double refilled(pqxx::transaction_base& txn, const std::string& key, const bucket& b) {
  txn.exec_params("INSERT INTO rate_limits (key, tokens) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", key,
                  b.capacity);
  auto r = txn.exec_params1(
      "SELECT LEAST($2::float8, tokens + extract(epoch FROM now() - updated_at)::float8 * $2::float8 / $3::float8) "
      "FROM rate_limits WHERE key = $1 FOR UPDATE",
      key, b.capacity, b.window_s);
  return r[0].as<double>();
}

void store(pqxx::transaction_base& txn, const std::string& key, double tokens, const bucket& b) {
  txn.exec_params("UPDATE rate_limits SET tokens = $2, updated_at = now() WHERE key = $1", key, tokens);
  // Buckets idle for a whole window are full again: forget them now and then.
  thread_local std::mt19937 rng{std::random_device{}()};
  if (rng() % 256 == 0)
    txn.exec_params("DELETE FROM rate_limits WHERE updated_at < now() - make_interval(secs => $1::float8)", b.window_s);
}

}  // namespace

int64_t take(pqxx::transaction_base& txn, const std::string& key, const bucket& b) {
  auto t = refilled(txn, key, b);
  if (t >= 1.0) {
    store(txn, key, t - 1.0, b);
    return 0;
  }
  store(txn, key, t, b);
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - t) * b.window_s / b.capacity)));
}

bool exhausted(pqxx::transaction_base& txn, const std::string& key, const bucket& b) {
  return refilled(txn, key, b) < 1.0;
}

void spend(pqxx::transaction_base& txn, const std::string& key, const bucket& b) {
  store(txn, key, std::max(0.0, refilled(txn, key, b) - 1.0), b);
}

std::string issue_device(pqxx::transaction_base& txn, const std::string& user_id, int64_t ttl_s) {
  auto token = crypto::random_token(32);
  txn.exec_params(
      "INSERT INTO login_devices (token_hash, user_id, expires_at) VALUES ($1, $2::uuid, now() + make_interval(secs "
      "=> $3))",
      crypto::sha256_hex(token), user_id, ttl_s);
  return token;
}

bool known_device(pqxx::transaction_base& txn, const std::string& user_id, const std::string& token) {
  if (token.empty() || token.size() > 100)
    return false;
  auto r = txn.exec_params(
      "UPDATE login_devices SET last_used_at = now() WHERE token_hash = $1 AND user_id = $2::uuid AND expires_at > "
      "now() RETURNING 1",
      crypto::sha256_hex(token), user_id);
  return !r.empty();
}

std::string revoke_family(pqxx::transaction_base& txn, const std::string& token) {
  auto r = txn.exec_params(
      "UPDATE refresh_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE family_id = "
      "(SELECT family_id FROM refresh_tokens WHERE token_hash = $1) RETURNING family_id::text",
      crypto::sha256_hex(token));
  return r.empty() ? std::string{} : r[0][0].as<std::string>();
}

std::string create_admin(pqxx::transaction_base& txn, const std::string& email, const std::string& password_hash,
                         const std::string& totp_key) {
  auto id = ids::random_uuid();
  try {
    txn.exec_params(
        "INSERT INTO users (id, email, password_hash, user_type, totp_secret) VALUES ($1::uuid, $2, $3, 'admin', $4)",
        id, email, password_hash, crypto::base32_encode(totp_key));
  } catch (const pqxx::sql_error& e) {
    if (unique_violation(e, "idx_users_email_lower"))
      throw make_error(accounts_errc::already_exists, "an account with this e-mail address already exists", "email");
    throw;
  }
  return id;
}

json me(pqxx::transaction_base& txn, const std::string& user_id) {
  auto r = txn.exec_params(
      std::string{"SELECT u.id::text, u.email, u.user_type, u.time_zone, " HH_SQL_ISO("u.created_at") ", "} +
          profile_json_sql + ", m.company_id::text, m.name, m.position, m.is_primary, " + company_json_sql +
          " FROM users u LEFT JOIN jobseeker_profiles p ON p.user_id = u.id "
          "LEFT JOIN company_members m ON m.user_id = u.id LEFT JOIN companies c ON c.id = m.company_id "
          "WHERE u.id = $1::uuid",
      user_id);
  if (r.empty())
    throw make_error(errc::not_found, "no account for this token (signed by `hirehub token`?)");
  auto row = r[0];
  json out = {{"id", row[0].as<std::string>()},
              {"email", row[1].as<std::string>()},
              {"role", row[2].as<std::string>()},
              {"time_zone", row[3].as<std::string>()},
              {"created_at", row[4].as<std::string>()}};
  if (out["role"] == "jobseeker" && !row[5].is_null())
    out["profile"] = json::parse(row[5].as<std::string>());
  if (!row[6].is_null()) {
    out["membership"] = {{"company_id", row[6].as<std::string>()},
                         {"name", row[7].is_null() ? json(nullptr) : json(row[7].as<std::string>())},
                         {"position", row[8].is_null() ? json(nullptr) : json(row[8].as<std::string>())},
                         {"is_primary", row[9].as<bool>()}};
    out["company"] = json::parse(row[10].as<std::string>());
  }
  return out;
}

json update_profile(pqxx::transaction_base& txn, const std::string& user_id, const json& fields) {
  json profile = fields;
  if (auto tz = profile.find("time_zone"); tz != profile.end()) {
    check_time_zone(txn, tz->get<std::string>());
    txn.exec_params("UPDATE users SET time_zone = $2, updated_at = now() WHERE id = $1::uuid", user_id,
                    tz->get<std::string>());
    profile.erase("time_zone");
  }
  if (!profile.empty()) {
    try {
      auto before = txn.exec_params(
          "SELECT open_to_matching FROM jobseeker_profiles WHERE user_id = $1::uuid FOR UPDATE", user_id);
      auto r = txn.exec("UPDATE jobseeker_profiles SET " + sql_assignments(txn, profile) +
                        ", updated_at = now() WHERE user_id = " + txn.quote(user_id) +
                        "::uuid RETURNING id, open_to_matching");
      if (r.empty() || before.empty())
        throw make_error(errc::not_found, "no jobseeker profile for this account");
      // Matching switched: the scorer drops (or adds) the jobseeker everywhere.
      if (before[0][0].as<bool>() != r[0][1].as<bool>())
        write_outbox(txn, "user.matching_changed", user_id,
                     {{"event_id", ids::random_uuid()},
                      {"user_id", user_id},
                      {"open_to_matching", r[0][1].as<bool>()},
                      {"occurred_at", sql_now_iso(txn)}});
    } catch (const pqxx::check_violation&) {
      throw make_error(errc::bad_request, "desired_salary_min must not exceed desired_salary_max",
                       "desired_salary_min");
    }
  }
  return me(txn, user_id);
}

json company(pqxx::transaction_base& txn, const std::string& company_id) {
  auto r = txn.exec_params(std::string{"SELECT "} + company_json_sql + " FROM companies c WHERE c.id = $1::uuid",
                           company_id);
  if (r.empty())
    throw make_error(errc::not_found, "no company with this id");
  return json::parse(r[0][0].as<std::string>());
}

json update_company(pqxx::transaction_base& txn, const std::string& company_id, const json& fields) {
  if (!fields.empty()) {
    try {
      auto r = txn.exec("UPDATE companies SET " + sql_assignments(txn, fields) +
                        ", updated_at = now() WHERE id = " + txn.quote(company_id) + "::uuid RETURNING id");
      if (r.empty())
        throw make_error(errc::not_found, "no company with this id");
    } catch (const pqxx::sql_error& e) {
      if (unique_violation(e, "business_number"))
        throw make_error(accounts_errc::already_exists, "a company with this business number is already registered",
                         "business_number");
      throw;
    }
    json ev = {{"event_id", ids::random_uuid()},
               {"company_id", company_id},
               {"updated_fields", json::array()},
               {"occurred_at", sql_now_iso(txn)}};
    for (auto& [k, v] : fields.items())
      ev["updated_fields"].push_back(k);
    write_outbox(txn, "company.updated", company_id, ev);
  }
  return company(txn, company_id);
}

json members(pqxx::transaction_base& txn, const std::string& company_id) {
  auto r = txn.exec_params(
      "SELECT json_build_object('user_id', m.user_id, 'email', u.email, 'name', m.name, 'position', m.position, "
      "'is_primary', m.is_primary, 'joined_at', " HH_SQL_ISO("m.created_at") ")::text FROM company_members m "
      "JOIN users u ON u.id = m.user_id WHERE m.company_id = $1::uuid ORDER BY m.created_at, m.user_id",
      company_id);
  json items = json::array();
  for (auto row : r)
    items.push_back(json::parse(row[0].as<std::string>()));
  return {{"members", items}};
}

json invite(pqxx::transaction_base& txn, const std::string& company_id, const std::string& by_user,
            const std::string& email, int64_t ttl_s) {
  auto taken = txn.exec_params(
      "SELECT 1 FROM users u JOIN company_members m ON m.user_id = u.id "
      "WHERE lower(u.email) = lower($1) AND m.company_id = $2::uuid",
      email, company_id);
  if (!taken.empty())
    throw make_error(accounts_errc::already_exists, "this address is already a member of the company", "email");
  auto token = crypto::random_token(32);
  auto r = txn.exec_params(
      "INSERT INTO company_invitations (company_id, email, token_hash, invited_by, expires_at) "
      "VALUES ($1::uuid, $2, $3, $4::uuid, now() + make_interval(secs => $5)) RETURNING id::text, " HH_SQL_ISO(
          "expires_at"),
      company_id, email, crypto::sha256_hex(token), by_user, ttl_s);
  json out = {{"id", r[0][0].as<std::string>()},
              {"company_id", company_id},
              {"email", email},
              {"token", token},
              {"expires_at", r[0][1].as<std::string>()}};
  write_outbox(txn, "company.member_invited", company_id,
               {{"event_id", ids::random_uuid()},
                {"company_id", company_id},
                {"invitation_id", out["id"]},
                {"email", email},
                {"invited_by", by_user},
                {"occurred_at", sql_now_iso(txn)}});
  return out;
}

json notification_settings(pqxx::transaction_base& txn, const std::string& user_id) {
  auto r = txn.exec_params(
      "SELECT json_build_object('email_enabled', COALESCE(s.email_enabled, true), 'push_enabled', "
      "COALESCE(s.push_enabled, true), 'sms_enabled', COALESCE(s.sms_enabled, false), 'in_app_enabled', "
      "COALESCE(s.in_app_enabled, true), 'disabled_event_types', COALESCE(s.disabled_event_types, '{}'))::text "
      "FROM (SELECT 1) one LEFT JOIN user_notification_settings s ON s.user_id = $1::uuid",
      user_id);
  return json::parse(r[0][0].as<std::string>());
}

json update_notification_settings(pqxx::transaction_base& txn, const std::string& user_id, const json& fields) {
  txn.exec_params("INSERT INTO user_notification_settings (user_id) VALUES ($1::uuid) ON CONFLICT (user_id) DO NOTHING",
                  user_id);
  if (!fields.empty())
    txn.exec("UPDATE user_notification_settings SET " + sql_assignments(txn, fields) +
             ", updated_at = now() WHERE user_id = " + txn.quote(user_id) + "::uuid");
  return notification_settings(txn, user_id);
}

namespace {
const char* device_json_sql =
    "json_build_object('id', d.id, 'device_type', d.device_type, 'token', d.token, 'created_at', " HH_SQL_ISO(
        "d.created_at") ", 'updated_at', " HH_SQL_ISO("d.updated_at") ")::text";
}

json device_tokens(pqxx::transaction_base& txn, const std::string& user_id) {
  auto r = txn.exec_params(std::string{"SELECT "} + device_json_sql +
                               " FROM device_tokens d WHERE d.user_id = $1::uuid AND d.is_active "
                               "ORDER BY d.created_at, d.id",
                           user_id);
  json items = json::array();
  for (auto row : r)
    items.push_back(json::parse(row[0].as<std::string>()));
  return {{"device_tokens", items}};
}

json add_device_token(pqxx::transaction_base& txn, const std::string& user_id, const std::string& device_type,
                      const std::string& token) {
  auto r = txn.exec_params(
      std::string{"INSERT INTO device_tokens AS d (user_id, device_type, token) VALUES ($1::uuid, $2, $3) "
                  "ON CONFLICT (user_id, token) DO UPDATE SET is_active = true, device_type = EXCLUDED.device_type, "
                  "updated_at = now() RETURNING "} +
          device_json_sql,
      user_id, device_type, token);
  return json::parse(r[0][0].as<std::string>());
}

void remove_device_token(pqxx::transaction_base& txn, const std::string& user_id, const std::string& id) {
  auto r = txn.exec_params(
      "UPDATE device_tokens SET is_active = false, updated_at = now() WHERE id = $1::uuid AND user_id = $2::uuid "
      "AND is_active RETURNING id",
      id, user_id);
  if (r.empty())
    throw make_error(errc::not_found, "no such device token");
}

admin_account create_admin_account(const std::string& db_url, const std::string& email, const std::string& password,
                                   uint64_t opslimit, size_t memlimit_bytes) {
  migrate(db_url);
  admin_account out;
  out.totp_key = crypto::random_bytes(20);
  auto hash = crypto::password_hash(password, {opslimit, memlimit_bytes});
  auto conn = connect(db_url);
  pqxx::work txn{*conn};
  try {
    out.user_id = create_admin(txn, email, hash, out.totp_key);
  } catch (const caf::error& e) {
    throw std::runtime_error(view(e).message);
  }
  txn.commit();
  return out;
}

std::vector<subject> signup_many(const std::string& db_url, const std::vector<signup_input>& inputs) {
  std::vector<subject> out;
  auto conn = connect(db_url);
  for (size_t i = 0; i < inputs.size(); i += 100) {
    pqxx::work txn{*conn};
    try {
      for (size_t j = i; j < std::min(inputs.size(), i + 100); ++j)
        out.push_back(signup(txn, inputs[j]));
    } catch (const caf::error& e) {
      throw std::runtime_error(view(e).message);
    }
    txn.commit();
  }
  return out;
}

}  // namespace hirehub::persistence::accounts
