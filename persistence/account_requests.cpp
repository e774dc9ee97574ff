#include "persistence/account_requests.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <pqxx/pqxx>

#include "domain/templates.hpp"
#include "persistence/notifications.hpp"
#include "runtime/clock.hpp"
#include "runtime/errors.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::persistence::accounts {

namespace {

namespace rules = domain::accounts;
using nlohmann::json;

/// A refusal that is committed with what the attempt changed (the limits it spent).
db_reply refused(errc code, const std::string& message, const std::string& field = {}, int64_t retry_after_s = 0) {
  auto text = retry_after_s > 0 ? message + "; retry in " + std::to_string(retry_after_s) + " s" : message;
  return db_reply{json{{"retry_after", retry_after_s}}, make_error(code, text, field), false};
}

json grant(const subject& who, const std::string& refresh_token, const std::string& family_id, int64_t expires_in) {
  json user = {{"id", who.user_id}, {"email", who.email}, {"role", who.role}};
  if (!who.company_id.empty())
    user["company_id"] = who.company_id;
  return {{"user", std::move(user)},
          {"session_id", family_id},
          {"refresh_token", refresh_token},
          {"refresh_expires_in", expires_in}};
}

/// A hash to verify against when the account does not exist, so that a wrong
/// address costs as much time as a wrong password.
const std::string& dummy_hash(const crypto::hash_cost& cost) {
  static const std::string h = crypto::password_hash(crypto::random_token(16), cost);
  return h;
}

std::string lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// The invitation e-mail: its sign-up link carries the token, which never goes to Kafka.
void email_invitation(pqxx::transaction_base& txn, const json& inv, const std::string& inviter,
                      const std::string& public_url) {
  namespace store = persistence::notifications;
  auto t = store::active_template(txn, "company.member_invited", "email");
  if (!t)
    return;
  std::map<std::string, store::person> users;
  std::map<std::string, std::string> companies;
  auto company_id = inv.value("company_id", "");
  store::lookup(txn, {inviter}, {company_id}, users, companies);
  std::map<std::string, std::string> vars = {
      {"company_name", companies[company_id]},
      {"inviter_name", users[inviter].name},
      {"invitation_url", public_url + "/signup?invitation=" + inv.value("token", "")},
      {"expires_at", inv.value("expires_at", "")}};
  auto title = templates::render((*t)[1], vars);
  auto body = templates::render((*t)[2], vars);
  if (!title.ok || !body.ok)
    return;  // cannot happen for a template saved through the API (checked then)
  store::store_addressed_email(txn, inv.value("id", ""), "company.member_invited", inv.value("email", ""), (*t)[0],
                               title.text, body.text,
                               {{"invitation_id", inv.value("id", "")}, {"company_id", company_id}});
}

}  // namespace

db_fn signup_command(signup_input in, std::string password, auth_policy policy, std::string address) {
  return [in = std::move(in), pw = std::move(password), policy, address](pqxx::transaction_base& txn) mutable {
    // Every attempt counts against the client's network, on every node, whether it succeeds or not.
    if (auto wait = take(txn, "signup:address:" + address, policy.signups_per_address))
      return refused(errc::rate_limited, "too many sign-ups from this address", "", wait);
    in.password_hash = crypto::password_hash(pw, policy.password_cost);
    // The account's rows in a savepoint: a refusal (address taken, invitation gone)
    // undoes them and keeps the spent attempt.
    return in_savepoint(txn, [&](pqxx::transaction_base& account) {
      auto who = signup(account, in);
      auto refresh = issue_refresh(account, who.user_id, policy.refresh_ttl_s);
      return reply(grant(who, refresh.token, refresh.family_id, policy.refresh_ttl_s), true);
    });
  };
}

/// Limits: attempts per client network (every attempt), and failed attempts per
/// account. An account whose failures used its budget is under attack: it is slowed,
/// not locked: an attempt is answered 429 without looking at the password, unless it
/// comes from a device the account logged in from before or is an admin's with a TOTP
/// code; those are checked as usual, so the owner still gets in while a guesser is
/// held at one try per refill.
db_fn login_command(login_attempt a, auth_policy policy) {
  return [a = std::move(a), policy](pqxx::transaction_base& txn) {
    auto account_key = "login:account:" + lowercase(a.email);
    if (auto wait = take(txn, "login:address:" + a.address, policy.logins_per_address))
      return refused(errc::rate_limited, "too many login attempts from this address", "", wait);
    auto row = find_login(txn, a.email);
    bool from_known_device = row && known_device(txn, row->who.user_id, a.device_token);
    if (!rules::may_try_under_attack(from_known_device, row ? row->who.role : "", !a.totp.empty()) &&
        exhausted(txn, account_key, policy.failed_logins_per_account)) {
      static auto& held = metrics::get_counter("hirehub_login_attempts_held_total",
                                               "Logins answered 429 because their account was under attack");
      held.inc();
      auto& b = policy.failed_logins_per_account;
      return refused(errc::rate_limited,
                     "too many failed logins for this account; log in from a device you used before, or wait", "",
                     static_cast<int64_t>(b.window_s / b.capacity));
    }
    rules::login_facts facts;
    facts.account_found = row.has_value();
    facts.password_ok = row ? crypto::password_verify(row->password_hash, a.password)
                            : (crypto::password_verify(dummy_hash(policy.password_cost), a.password), false);
    facts.totp_given = !a.totp.empty();
    if (row) {
      facts.role = row->who.role;
      facts.status = row->status;
      facts.totp_last_step = row->totp_last_step;
      if (facts.password_ok && facts.role == "admin" && facts.totp_given)
        facts.totp_step = crypto::totp_match(row->totp_secret, a.totp, now_ms() / 1000);
    }
    auto verdict = rules::judge_login(facts);
    if (verdict.outcome != rules::login_outcome::ok) {
      auto r = rules::refusal_of(verdict);
      if (!verdict.counts_as_failure())
        throw make_error(r.code, r.message, r.field);             // nothing of the attempt is kept
      spend(txn, account_key, policy.failed_logins_per_account);  // only failures count against the account
      return refused(r.code, r.message, r.field);
    }
    record_login(txn, row->who.user_id, verdict.totp_step);
    // An admin's login ends sooner, however often it is refreshed.
    auto ttl = rules::login_lifetime_s(row->who.role, policy.refresh_ttl_s, policy.admin_refresh_ttl_s);
    auto refresh = issue_refresh(txn, row->who.user_id, ttl);
    auto out = grant(row->who, refresh.token, refresh.family_id, ttl);
    // The device is known from now on (a new token each login; old ones stay valid until they expire).
    out["device_token"] = issue_device(txn, row->who.user_id, policy.device_ttl_s);
    return reply(std::move(out));
  };
}

db_fn refresh_command(std::string refresh_token, login_ended on_ended) {
  return [token = std::move(refresh_token), on_ended = std::move(on_ended)](pqxx::transaction_base& txn) {
    auto rot = rotate_refresh(txn, token);
    if (rot.reused) {
      if (on_ended && !rot.family_id.empty())
        on_ended(rot.family_id);
      return db_reply{
          {},
          make_error(errc::unauthorized, "this refresh token was already used; every session of this login is revoked",
                     "refresh_token"),
          false};
    }
    if (!rot.who)
      throw make_error(errc::unauthorized, "invalid, expired or revoked refresh token", "refresh_token");
    return reply(grant(*rot.who, rot.token, rot.family_id, rot.expires_in));
  };
}

db_fn logout_command(std::string refresh_token, login_ended on_ended) {
  return [token = std::move(refresh_token), on_ended = std::move(on_ended)](pqxx::transaction_base& txn) {
    auto family = revoke_family(txn, token);
    if (on_ended && !family.empty())
      on_ended(family);
    return reply(nullptr);
  };
}

db_fn me_query(std::string user_id) {
  return [id = std::move(user_id)](pqxx::transaction_base& txn) { return reply(me(txn, id)); };
}

db_fn notification_settings_query(std::string user_id) {
  return [id = std::move(user_id)](pqxx::transaction_base& txn) { return reply(notification_settings(txn, id)); };
}

db_fn device_tokens_query(std::string user_id) {
  return [id = std::move(user_id)](pqxx::transaction_base& txn) { return reply(device_tokens(txn, id)); };
}

db_fn update_profile_command(std::string user_id, json fields) {
  return [id = std::move(user_id), fields = std::move(fields)](pqxx::transaction_base& txn) {
    return reply(update_profile(txn, id, fields));
  };
}

db_fn update_settings_command(std::string user_id, json fields) {
  return [id = std::move(user_id), fields = std::move(fields)](pqxx::transaction_base& txn) {
    return reply(update_notification_settings(txn, id, fields));
  };
}

db_fn add_device_command(std::string user_id, std::string device_type, std::string token) {
  return [id = std::move(user_id), type = std::move(device_type), token = std::move(token)](
             pqxx::transaction_base& txn) { return reply(add_device_token(txn, id, type, token)); };
}

db_fn remove_device_command(std::string user_id, std::string device_id) {
  return [id = std::move(user_id), dev = std::move(device_id)](pqxx::transaction_base& txn) {
    remove_device_token(txn, id, dev);
    return reply(nullptr);
  };
}

db_fn company_query(std::string company_id) {
  return [id = std::move(company_id)](pqxx::transaction_base& txn) { return reply(company(txn, id)); };
}

db_fn update_company_command(std::string company_id, json fields) {
  return [id = std::move(company_id), fields = std::move(fields)](pqxx::transaction_base& txn) {
    return reply(update_company(txn, id, fields), true);
  };
}

db_fn members_query(std::string company_id) {
  return [id = std::move(company_id)](pqxx::transaction_base& txn) { return reply(members(txn, id)); };
}

db_fn invite_command(std::string company_id, std::string by_user, std::string email, int64_t ttl_s,
                     invitation_mail mail) {
  return [id = std::move(company_id), user = std::move(by_user), email = std::move(email), ttl_s,
          mail = std::move(mail)](pqxx::transaction_base& txn) {
    auto inv = invite(txn, id, user, email, ttl_s);
    if (mail.enabled)
      email_invitation(txn, inv, user, mail.public_url);
    return reply(std::move(inv), true);
  };
}

}  // namespace hirehub::persistence::accounts
