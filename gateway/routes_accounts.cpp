/// Accounts and auth: sign-up, login (TOTP for admins), refresh-token rotation,
/// logout, the JWK set, the caller's account and profile, companies, members
/// and invitations: each route checks its body, then runs the use case of
/// persistence/account_requests on the "accounts" pool.

#include "gateway/request_context.hpp"
#include "domain/accounts.hpp"
#include "persistence/account_requests.hpp"
#include "runtime/atoms.hpp"
#include "runtime/clock.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway {

namespace {

namespace acc = persistence::accounts;
namespace rules = domain::accounts;
using nlohmann::json;

/// What a successful login, sign-up or refresh answers: the grant of
/// persistence/account_requests with an access token signed for it.
http_response token_reply(const api_options& o, json& grant, int status) {
  auto& user = grant["user"];
  jwt::claims c;
  c.session_id = grant.value("session_id", "");
  c.sub = user.value("id", "");
  c.role = user.value("role", "");
  c.company_id = user.value("company_id", "");
  c.issuer = o.issuer;
  c.issued_at = now_ms() / 1000;
  c.expires_at = c.issued_at + o.access_ttl_s;
  json out = {{"access_token", o.keys.sign(c)},
              {"token_type", "Bearer"},
              {"expires_in", o.access_ttl_s},
              {"refresh_token", grant["refresh_token"]},
              {"refresh_expires_in", grant["refresh_expires_in"]},
              {"user", user}};
  if (grant.contains("device_token"))
    out["device_token"] = grant["device_token"];
  return json_response(status, out.dump());
}

auto token_replies(const api_options& o, int status = 200) {
  return [&o, status](json& grant) { return token_reply(o, grant, status); };
}

acc::auth_policy policy_of(const api_options& o) {
  auto window = std::chrono::duration<double>(o.login_window).count();
  acc::auth_policy p;
  p.password_cost = o.password_cost;
  p.refresh_ttl_s = o.refresh_ttl_s;
  p.admin_refresh_ttl_s = o.admin_refresh_ttl_s;
  p.device_ttl_s = o.device_ttl_s;
  p.signups_per_address = {static_cast<double>(o.signups_per_address), window};
  p.logins_per_address = {static_cast<double>(o.login_attempts_per_address), window};
  p.failed_logins_per_account = {static_cast<double>(o.login_attempts_per_account), window};
  return p;
}

/// Tells the WebSockets of a login that ended (on every node) to close with 4001.
/// Called from the revoking transaction: a socket closed before that commits is
/// only a reconnect for its client.
acc::login_ended close_login_sockets(api_shared& sh) {
  return [hub = service(*sh.sys, "hub")](const std::string& family_id) {
    if (hub)
      caf::anon_send(hub, publish_atom::value, login_topic(family_id), int64_t{0}, std::string{"logout"});
  };
}

rules::actor actor_of(const principal& by) {
  return {by.user_id, by.role, by.company_id};
}

std::string password(body_reader& body) {
  auto pw = body.text("password", true, rules::max_password);
  rules::check_password(pw);
  return pw;
}

void read_profile_fields(body_reader& b) {
  b.text("phone", false, 20);
  b.integer("experience_years", false, 0, 70);
  b.text("desired_position", false, 100);
  auto lo = b.integer("desired_salary_min", false, 0, 2000000000);
  auto hi = b.integer("desired_salary_max", false, 0, 2000000000);
  rules::check_salary_range(lo, hi, b.field("desired_salary_min"));
  b.text_list("skills", 100, 100);
  auto& c = b.collected();
  if (c.contains("phone") && c["phone"].is_string())
    rules::check_phone(c["phone"].get_ref<const std::string&>(), b.field("phone"));
}

void read_company_fields(body_reader& b, bool create) {
  b.text("name", create, 200);
  b.text("business_number", false, 20);
  b.text("industry", false, 100);
  b.choice("company_size", false, rules::company_sizes);
  auto logo = b.text("logo_url", false, 500);
  rules::check_logo_url(logo, b.field("logo_url"));
  b.text("description", false, 20000);
}

void require_member(const principal& by, const std::string& company_id, bool admin_may) {
  rules::require_member(actor_of(by), company_id, admin_may);
}

// ---- auth ------------------------------------------------------------------------

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
  ask_task(self, sh, "accounts", acc::signup_command(std::move(in), std::move(pw), policy_of(sh.opts), address),
           [&o = sh.opts](json& grant) {
             auto r = token_reply(o, grant, 201);
             r.headers.emplace_back("Location", "/api/v1/me");
             return r;
           });
}

/// POST /api/v1/auth/login (limits and the account under attack: acc::login_command).
void login(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  body_reader body{req, {"email", "password", "totp", "device_token"}};
  acc::login_attempt a;
  a.email = body.email("email");
  a.password = body.text("password", true, rules::max_password);
  a.totp = body.text("totp", false, 6);
  a.device_token = body.text("device_token", false, 100);
  a.address = client_address(req, sh.opts.trusted_proxies);
  ask_task(self, sh, "accounts", acc::login_command(std::move(a), policy_of(sh.opts)), token_replies(sh.opts));
}

void refresh(request_actor* self, api_shared& sh, const route_params&) {
  body_reader body{req_of(self), {"refresh_token"}};
  auto token = body.text("refresh_token", true, 100);
  ask_task(self, sh, "accounts", acc::refresh_command(token, close_login_sockets(sh)), token_replies(sh.opts));
}

void logout(request_actor* self, api_shared& sh, const route_params&) {
  body_reader body{req_of(self), {"refresh_token"}};
  auto token = body.text("refresh_token", true, 100);
  ask_task(self, sh, "accounts", acc::logout_command(token, close_login_sockets(sh)), no_content);
}

void jwks(request_actor* self, api_shared& sh, const route_params&) {
  auto r = json_response(200, sh.opts.keys.jwks());
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  finish(self, std::move(r));
}

// ---- the caller's account ----------------------------------------------------------

/// Reads something of the caller's own account.
template <persistence::db_fn (*Query)(std::string)>
void own(request_actor* self, api_shared& sh, const route_params&) {
  auto by = caller(self, sh);
  ask_task(self, sh, "accounts", Query(by.user_id), json_reply());
}

void patch_me(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"time_zone"}};
  auto tz = body.text("time_zone", true, 64);
  ask_task(self, sh, "accounts", acc::update_profile_command(by.user_id, {{"time_zone", tz}}), json_reply());
}

void patch_profile(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "jobseeker");
  body_reader body{req,
                   {"name", "phone", "experience_years", "desired_position", "desired_salary_min", "desired_salary_max",
                    "skills", "open_to_matching"}};
  body.text("name", false, 100);
  if (body.is_null("name"))
    throw bad_input{errc::bad_request, "name cannot be cleared", "name"};
  body.boolean("open_to_matching");
  if (body.is_null("open_to_matching"))
    throw bad_input{errc::bad_request, "open_to_matching must be true or false", "open_to_matching"};
  read_profile_fields(body);
  auto fields = body.collected();
  if (fields.empty())
    throw bad_input{errc::bad_request, "nothing to update: give at least one profile field", ""};
  ask_task(self, sh, "accounts", acc::update_profile_command(by.user_id, std::move(fields)), json_reply());
}

// ---- notification settings and device tokens ------------------------------------------

void patch_settings(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"email_enabled", "push_enabled", "sms_enabled", "in_app_enabled", "disabled_event_types"}};
  for (auto* f : {"email_enabled", "push_enabled", "sms_enabled", "in_app_enabled"})
    if (body.is_null(f))
      throw bad_input{errc::bad_request, std::string{f} + " must be true or false", f};
    else
      body.boolean(f);
  auto& known = rules::switchable_event_types;
  for (auto& t : body.text_list("disabled_event_types", 20, 50))
    if (std::none_of(known.begin(), known.end(), [&](const char* e) { return t == e; }))
      throw bad_input{errc::bad_request, "unknown event type '" + t + "'", "disabled_event_types"};
  auto fields = body.collected();
  if (fields.empty())
    throw bad_input{errc::bad_request, "nothing to update: give at least one setting", ""};
  ask_task(self, sh, "accounts", acc::update_settings_command(by.user_id, std::move(fields)), json_reply());
}

void add_device(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"device_type", "token"}};
  auto type = body.choice("device_type", true, {"ios", "android", "web"});
  auto token = body.text("token", true, 500);
  ask_task(self, sh, "accounts", acc::add_device_command(by.user_id, type, token), json_reply(201));
}

void remove_device(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no such device token", ""};
  ask_task(self, sh, "accounts", acc::remove_device_command(by.user_id, p[0]), no_content);
}

// ---- companies ------------------------------------------------------------------------

void get_company(request_actor* self, api_shared& sh, const route_params& p) {
  caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no company with this id", ""};
  ask_task(self, sh, "accounts", acc::company_query(p[0]), json_reply());
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
  ask_task(self, sh, "accounts", acc::update_company_command(p[0], std::move(fields)), json_reply());
}

void list_members(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  require_member(by, p[0], true);
  ask_task(self, sh, "accounts", acc::members_query(p[0]), json_reply());
}

void invite(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_member(by, p[0], false);
  body_reader body{req, {"email"}};
  auto email = body.email("email");
  auto& o = sh.opts;
  ask_task(self, sh, "accounts",
           acc::invite_command(p[0], by.user_id, email, o.invitation_ttl_s, {o.invitation_emails, o.public_url}),
           [sys = sh.sys, emails = o.invitation_emails](json& inv) {
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
                            {"GET", "/api/v1/me", own<acc::me_query>},
                            {"PATCH", "/api/v1/me", patch_me},
                            {"PATCH", "/api/v1/me/profile", patch_profile},
                            {"GET", "/api/v1/me/notification-settings", own<acc::notification_settings_query>},
                            {"PATCH", "/api/v1/me/notification-settings", patch_settings},
                            {"GET", "/api/v1/me/device-tokens", own<acc::device_tokens_query>},
                            {"POST", "/api/v1/me/device-tokens", add_device},
                            {"DELETE", "/api/v1/me/device-tokens/{id}", remove_device},
                            {"GET", "/api/v1/companies/{id}", get_company},
                            {"PATCH", "/api/v1/companies/{id}", patch_company},
                            {"GET", "/api/v1/companies/{id}/members", list_members},
                            {"POST", "/api/v1/companies/{id}/invitations", invite},
                        });
}

}  // namespace hirehub::gateway
