/// Accounts and auth: sign-up, login (TOTP for admins), refresh-token rotation,
/// logout, the JWK set, the caller's account and profile, companies, members
/// and invitations. Every use case runs as one db_task on the "accounts" pool,
/// whose detached workers also do the argon2id hashing.

#include "gateway/request_context.hpp"
#include "actors/template_render.hpp"
#include "persistence/accounts.hpp"
#include "persistence/notifications.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway {

namespace {

namespace acc = persistence::accounts;
using nlohmann::json;
using persistence::db_reply;

constexpr size_t min_password = 8;
constexpr size_t max_password = 256;

/// What a successful login, sign-up or refresh answers.
json token_body(const api_options& o, const acc::subject& who, const acc::refresh_grant& refresh,
                int64_t refresh_expires_in) {
  jwt::claims c;
  c.session_id = refresh.family_id;
  c.sub = who.user_id;
  c.role = who.role;
  c.company_id = who.company_id;
  c.issuer = o.issuer;
  c.issued_at = now_ms() / 1000;
  c.expires_at = c.issued_at + o.access_ttl_s;
  json user = {{"id", who.user_id}, {"email", who.email}, {"role", who.role}};
  if (!who.company_id.empty())
    user["company_id"] = who.company_id;
  return {{"access_token", o.keys.sign(c)},        {"token_type", "Bearer"},
          {"expires_in", o.access_ttl_s},          {"refresh_token", refresh.token},
          {"refresh_expires_in", refresh_expires_in}, {"user", user}};
}

/// Tells the WebSockets of a login that ended (on every node) to close with 4001.
/// Sent from the revoking transaction: a socket closed before that commits is
/// only a reconnect for its client.
void close_login_sockets(const caf::actor& hub, const std::string& family_id) {
  if (hub && !family_id.empty())
    caf::anon_send(hub, publish_atom::value, login_topic(family_id), int64_t{0}, std::string{"logout"});
}

/// A hash to verify against when the account does not exist, so that a wrong
/// address costs as much time as a wrong password.
const std::string& dummy_hash(const crypto::hash_cost& cost) {
  static const std::string h = crypto::password_hash(crypto::random_token(16), cost);
  return h;
}

std::string password(body_reader& body) {
  auto pw = body.text("password", true, max_password);
  if (pw.size() < min_password)
    throw bad_input{errc::bad_request, "password must be at least " + std::to_string(min_password) + " bytes",
                    "password"};
  return pw;
}

void read_profile_fields(body_reader& b) {
  b.text("phone", false, 20);
  b.integer("experience_years", false, 0, 70);
  b.text("desired_position", false, 100);
  auto lo = b.integer("desired_salary_min", false, 0, 2000000000);
  auto hi = b.integer("desired_salary_max", false, 0, 2000000000);
  if (lo && hi && *lo > *hi)
    throw bad_input{errc::bad_request, "desired_salary_min must not exceed desired_salary_max",
                    b.field("desired_salary_min")};
  b.text_list("skills", 100, 100);
  auto& c = b.collected();
  if (c.contains("phone") && c["phone"].is_string()) {
    auto& ph = c["phone"].get_ref<const std::string&>();
    if (ph.find_first_not_of("0123456789+-. ()") != std::string::npos)
      throw bad_input{errc::bad_request, "phone may contain digits, spaces and + - . ( ) only", b.field("phone")};
  }
}

void read_company_fields(body_reader& b, bool create) {
  b.text("name", create, 200);
  b.text("business_number", false, 20);
  b.text("industry", false, 100);
  b.choice("company_size", false, {"1-10", "11-50", "51-200", "201-500", "500+"});
  b.text("location", false, 200);
  auto logo = b.text("logo_url", false, 500);
  if (!logo.empty() && logo.rfind("https://", 0) != 0 && logo.rfind("http://", 0) != 0)
    throw bad_input{errc::bad_request, "logo_url must be an http(s) URL", b.field("logo_url")};
  b.text("description", false, 20000);
}

// ---- auth ------------------------------------------------------------------------

/// A refusal that is committed with what the attempt changed (the limits it spent).
db_reply refused(errc code, const std::string& message, const std::string& field = {}, int64_t retry_after_s = 0) {
  auto err = make_error(code, message, field);
  if (retry_after_s > 0)
    err = make_error(code, message + "; retry in " + std::to_string(retry_after_s) + " s", field);
  return db_reply{json{{"retry_after", retry_after_s}}, std::move(err), false};
}

/// The limits of logins and sign-ups, shared by every node (rate_limits in PostgreSQL).
acc::bucket per_address(const api_options& o, int64_t attempts) {
  return {static_cast<double>(attempts), std::chrono::duration<double>(o.login_window).count()};
}

void signup(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto address = client_address(req, sh.opts.trusted_proxies);
  body_reader body{
      req, {"email", "password", "role", "name", "time_zone", "profile", "company", "invitation_token", "position"}};
  acc::signup_input in;
  in.email = body.email("email");
  auto pw = password(body);
  in.role = body.choice("role", true, {"jobseeker", "company"});
  in.name = body.text("name", true, 100);
  in.time_zone = body.text("time_zone", false, 64);
  if (in.role == "jobseeker") {
    for (auto* f : {"company", "invitation_token", "position"})
      if (body.has(f))
        throw bad_input{errc::bad_request, std::string{f} + " is for company sign-ups", f};
    if (auto p = body.object("profile", {"phone", "experience_years", "desired_position", "desired_salary_min",
                                         "desired_salary_max", "skills"})) {
      read_profile_fields(*p);
      in.profile = p->collected();
    }
  } else {
    if (body.has("profile"))
      throw bad_input{errc::bad_request, "profile is for jobseeker sign-ups", "profile"};
    in.position = body.text("position", false, 100);
    in.invitation_token = body.text("invitation_token", false, 100);
    auto company = body.object(
        "company", {"name", "business_number", "industry", "company_size", "location", "logo_url", "description"});
    if (company.has_value() == !in.invitation_token.empty())
      throw bad_input{errc::bad_request, "a company sign-up needs either company (a new company) or invitation_token",
                      "company"};
    if (company) {
      read_company_fields(*company, true);
      in.company = company->collected();
    }
  }
  auto opts = sh.opts;
  ask_task(
      self, sh, "accounts",
      [in = std::move(in), pw = std::move(pw), opts, address](pqxx::transaction_base& txn) mutable {
        // Every attempt counts against the client's network, on every node, whether it succeeds or not.
        if (auto wait = acc::take(txn, "signup:address:" + address, per_address(opts, opts.signups_per_address)))
          return refused(errc::rate_limited, "too many sign-ups from this address", "", wait);
        in.password_hash = crypto::password_hash(pw, opts.password_cost);
        // The account's rows in a savepoint: a refusal (address taken, invitation gone)
        // undoes them and keeps the spent attempt.
        return persistence::in_savepoint(txn, [&](pqxx::transaction_base& account) {
          auto who = acc::signup(account, in);
          auto refresh = acc::issue_refresh(account, who.user_id, opts.refresh_ttl_s);
          return persistence::reply(token_body(opts, who, refresh, opts.refresh_ttl_s), true);
        });
      },
      [](json& v) {
        auto r = json_response(201, v.dump());
        r.headers.emplace_back("Location", "/api/v1/me");
        return r;
      });
}

/// POST /api/v1/auth/login. Limits: attempts per client network (every attempt), and
/// failed attempts per account. An account whose failures used its budget is under
/// attack: it is slowed, not locked: an attempt is answered 429 without looking at
/// the password, unless it comes from a device the account logged in from before
/// (`device_token`) or is an admin's with a TOTP code; those are checked as usual,
/// so the owner still gets in while a guesser is held at one try per refill.
void login(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  body_reader body{req, {"email", "password", "totp", "device_token"}};
  auto email = body.email("email");
  auto pw = body.text("password", true, max_password);
  auto totp = body.text("totp", false, 6);
  auto device = body.text("device_token", false, 100);
  std::string account = email;
  std::transform(account.begin(), account.end(), account.begin(), [](unsigned char c) { return std::tolower(c); });
  auto address = client_address(req, sh.opts.trusted_proxies);
  auto opts = sh.opts;
  ask_task(
      self, sh, "accounts",
      [email, pw, totp, device, account, address, opts](pqxx::transaction_base& txn) {
        auto by_address = per_address(opts, opts.login_attempts_per_address);
        auto by_account = per_address(opts, opts.login_attempts_per_account);
        auto account_key = "login:account:" + account;
        if (auto wait = acc::take(txn, "login:address:" + address, by_address))
          return refused(errc::rate_limited, "too many login attempts from this address", "", wait);
        auto row = acc::find_login(txn, email);
        bool from_known_device = row && acc::known_device(txn, row->who.user_id, device);
        bool with_totp = row && row->who.role == "admin" && !totp.empty();
        if (!from_known_device && !with_totp && acc::exhausted(txn, account_key, by_account)) {
          static auto& held = metrics::get_counter("hirehub_login_attempts_held_total",
                                                   "Logins answered 429 because their account was under attack");
          held.inc();
          return refused(errc::rate_limited,
                         "too many failed logins for this account; log in from a device you used before, or wait",
                         "", static_cast<int64_t>(by_account.window_s / by_account.capacity));
        }
        bool good = row ? crypto::password_verify(row->password_hash, pw)
                        : (crypto::password_verify(dummy_hash(opts.password_cost), pw), false);
        int64_t step = 0;
        std::optional<db_reply> failure;
        if (!good) {
          failure = refused(errc::unauthorized, "invalid e-mail address or password");
        } else if (row->who.role == "admin") {
          if (totp.empty()) {
            failure = refused(errc::unauthorized, "admin accounts need a TOTP code (totp)", "totp");
          } else {
            auto m = crypto::totp_match(row->totp_secret, totp, now_ms() / 1000);
            if (!m || *m <= row->totp_last_step)
              failure = refused(errc::unauthorized, "invalid or already used TOTP code", "totp");
            else
              step = *m;
          }
        }
        if (failure) {
          acc::spend(txn, account_key, by_account);  // only failures count against the account
          return std::move(*failure);
        }
        if (row->status != "active")
          throw make_error(errc::forbidden, "this account is disabled");
        acc::record_login(txn, row->who.user_id, step);
        // An admin's login ends sooner (auth.admin_refresh_ttl_s), however often it is refreshed.
        auto ttl = row->who.role == "admin" ? std::min(opts.admin_refresh_ttl_s, opts.refresh_ttl_s) : opts.refresh_ttl_s;
        auto refresh = acc::issue_refresh(txn, row->who.user_id, ttl);
        auto out = token_body(opts, row->who, refresh, ttl);
        // The device is known from now on (a new token each login; old ones stay valid until they expire).
        out["device_token"] = acc::issue_device(txn, row->who.user_id, opts.device_ttl_s);
        return persistence::reply(std::move(out));
      },
      json_reply());
}

void refresh(request_actor* self, api_shared& sh, const route_params&) {
  body_reader body{req_of(self), {"refresh_token"}};
  auto token = body.text("refresh_token", true, 100);
  auto opts = sh.opts;
  auto hub = service(*sh.sys, "hub");
  ask_task(
      self, sh, "accounts",
      [token, opts, hub](pqxx::transaction_base& txn) {
        auto rot = acc::rotate_refresh(txn, token);
        if (rot.reused) {
          close_login_sockets(hub, rot.family_id);
          return db_reply{{},
                          make_error(errc::unauthorized,
                                     "this refresh token was already used; every session of this login is revoked",
                                     "refresh_token"),
                          false};
        }
        if (!rot.who)
          throw make_error(errc::unauthorized, "invalid, expired or revoked refresh token", "refresh_token");
        return persistence::reply(token_body(opts, *rot.who, {rot.token, rot.family_id}, rot.expires_in));
      },
      json_reply());
}

void logout(request_actor* self, api_shared& sh, const route_params&) {
  body_reader body{req_of(self), {"refresh_token"}};
  auto token = body.text("refresh_token", true, 100);
  // Like RFC 7009: an unknown token is not an error (the answer reveals nothing).
  auto hub = service(*sh.sys, "hub");
  ask_task(
      self, sh, "accounts",
      [token, hub](pqxx::transaction_base& txn) {
        close_login_sockets(hub, acc::revoke_family(txn, token));
        return persistence::reply(nullptr);
      },
      no_content);
}

void jwks(request_actor* self, api_shared& sh, const route_params&) {
  auto r = json_response(200, sh.opts.keys.jwks());
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  finish(self, std::move(r));
}

// ---- the caller's account ----------------------------------------------------------

/// Reads something of the caller's own account with `Fn(txn, user_id)`.
template <json (*Fn)(pqxx::transaction_base&, const std::string&)>
void own(request_actor* self, api_shared& sh, const route_params&) {
  auto by = caller(self, sh);
  ask_task(
      self, sh, "accounts", [id = by.user_id](pqxx::transaction_base& txn) { return persistence::reply(Fn(txn, id)); },
      json_reply());
}

void patch_me(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"time_zone"}};
  auto tz = body.text("time_zone", true, 64);
  ask_task(
      self, sh, "accounts",
      [id = by.user_id, tz](pqxx::transaction_base& txn) {
        return persistence::reply(acc::update_profile(txn, id, {{"time_zone", tz}}));
      },
      json_reply());
}

void patch_profile(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "jobseeker");
  body_reader body{
      req,
      {"name", "phone", "experience_years", "desired_position", "desired_salary_min", "desired_salary_max", "skills"}};
  body.text("name", false, 100);
  if (body.is_null("name"))
    throw bad_input{errc::bad_request, "name cannot be cleared", "name"};
  read_profile_fields(body);
  auto fields = body.collected();
  if (fields.empty())
    throw bad_input{errc::bad_request, "nothing to update: give at least one profile field", ""};
  ask_task(
      self, sh, "accounts",
      [id = by.user_id, fields](pqxx::transaction_base& txn) {
        return persistence::reply(acc::update_profile(txn, id, fields));
      },
      json_reply());
}

// ---- notification settings and device tokens ------------------------------------------

/// Event types a user can switch off (every event that notifies someone).
/// The events that notify (templates::notifying_event_types) and those the resume
/// and matching work will add.
const std::initializer_list<const char*> event_types = {
    "application.submitted", "application.status_changed", "interview.scheduled", "interview.rescheduled",
    "interview.cancelled",   "resume.processed",           "match.recommended"};

void patch_settings(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"email_enabled", "push_enabled", "sms_enabled", "in_app_enabled", "disabled_event_types"}};
  for (auto* f : {"email_enabled", "push_enabled", "sms_enabled", "in_app_enabled"})
    if (body.is_null(f))
      throw bad_input{errc::bad_request, std::string{f} + " must be true or false", f};
    else
      body.boolean(f);
  auto types = body.text_list("disabled_event_types", 20, 50);
  for (auto& t : types) {
    bool known = false;
    for (auto* e : event_types)
      known = known || t == e;
    if (!known)
      throw bad_input{errc::bad_request, "unknown event type '" + t + "'", "disabled_event_types"};
  }
  auto fields = body.collected();
  if (fields.empty())
    throw bad_input{errc::bad_request, "nothing to update: give at least one setting", ""};
  ask_task(
      self, sh, "accounts",
      [id = by.user_id, fields](pqxx::transaction_base& txn) {
        return persistence::reply(acc::update_notification_settings(txn, id, fields));
      },
      json_reply());
}

void add_device(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"device_type", "token"}};
  auto type = body.choice("device_type", true, {"ios", "android", "web"});
  auto token = body.text("token", true, 500);
  ask_task(
      self, sh, "accounts",
      [id = by.user_id, type, token](pqxx::transaction_base& txn) {
        return persistence::reply(acc::add_device_token(txn, id, type, token));
      },
      json_reply(201));
}

void remove_device(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no such device token", ""};
  ask_task(
      self, sh, "accounts",
      [id = by.user_id, dev = p[0]](pqxx::transaction_base& txn) {
        acc::remove_device_token(txn, id, dev);
        return persistence::reply(nullptr);
      },
      no_content);
}

// ---- companies ------------------------------------------------------------------------

/// Members act for their own company only; admins may read any.
void require_member(const principal& by, const std::string& company_id, bool admin_may) {
  if (!ids::is_uuid(company_id))
    throw bad_input{errc::not_found, "no company with this id", ""};
  if (admin_may && by.role == "admin")
    return;
  if (by.role != "company" || by.company_id != company_id)
    throw bad_input{errc::forbidden, "only members of this company may do this", ""};
}

void get_company(request_actor* self, api_shared& sh, const route_params& p) {
  caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no company with this id", ""};
  ask_task(
      self, sh, "accounts",
      [id = p[0]](pqxx::transaction_base& txn) { return persistence::reply(acc::company(txn, id)); }, json_reply());
}

void patch_company(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_member(by, p[0], false);
  body_reader body{req, {"name", "business_number", "industry", "company_size", "location", "logo_url", "description"}};
  read_company_fields(body, false);
  if (body.is_null("name"))
    throw bad_input{errc::bad_request, "name cannot be cleared", "name"};
  auto fields = body.collected();
  if (fields.empty())
    throw bad_input{errc::bad_request, "nothing to update: give at least one company field", ""};
  ask_task(
      self, sh, "accounts",
      [id = p[0], fields](pqxx::transaction_base& txn) {
        return persistence::reply(acc::update_company(txn, id, fields), true);
      },
      json_reply());
}

void list_members(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  require_member(by, p[0], true);
  ask_task(
      self, sh, "accounts",
      [id = p[0]](pqxx::transaction_base& txn) { return persistence::reply(acc::members(txn, id)); }, json_reply());
}

/// The invitation e-mail, written in the invitation's transaction: its sign-up
/// link carries the token, which never goes to Kafka.
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

void invite(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_member(by, p[0], false);
  body_reader body{req, {"email"}};
  auto email = body.email("email");
  auto opts = sh.opts;
  ask_task(
      self, sh, "accounts",
      [id = p[0], user = by.user_id, email, opts](pqxx::transaction_base& txn) {
        auto inv = acc::invite(txn, id, user, email, opts.invitation_ttl_s);
        if (opts.invitation_emails)
          email_invitation(txn, inv, user, opts.public_url);
        return persistence::reply(std::move(inv), true);
      },
      [sys = sh.sys, emails = opts.invitation_emails](json& inv) {
        if (emails)
          if (auto sender = service(*sys, "email"))
            caf::anon_send(sender, kick_atom::value);
        return json_response(201, inv.dump());
      });
}

}  // namespace

void add_account_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"POST", "/api/v1/auth/signup", signup, access::anyone},
                            {"POST", "/api/v1/auth/login", login, access::anyone},
                            {"POST", "/api/v1/auth/refresh", refresh, access::anyone},
                            {"POST", "/api/v1/auth/logout", logout, access::anyone},
                            {"GET", "/.well-known/jwks.json", jwks, access::anyone},
                            {"GET", "/api/v1/me", own<acc::me>},
                            {"PATCH", "/api/v1/me", patch_me},
                            {"PATCH", "/api/v1/me/profile", patch_profile},
                            {"GET", "/api/v1/me/notification-settings", own<acc::notification_settings>},
                            {"PATCH", "/api/v1/me/notification-settings", patch_settings},
                            {"GET", "/api/v1/me/device-tokens", own<acc::device_tokens>},
                            {"POST", "/api/v1/me/device-tokens", add_device},
                            {"DELETE", "/api/v1/me/device-tokens/{id}", remove_device},
                            {"GET", "/api/v1/companies/{id}", get_company},
                            {"PATCH", "/api/v1/companies/{id}", patch_company},
                            {"GET", "/api/v1/companies/{id}/members", list_members},
                            {"POST", "/api/v1/companies/{id}/invitations", invite},
                        });
}

}  // namespace hirehub::gateway
