#include "gateway/request_context.hpp"
#include "persistence/file_store.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>

#include "gateway/jwt.hpp"
#include "runtime/services.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway {

namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    auto part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto b = part.find_first_not_of(" \t");
    auto e = part.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

jwt::keys load_keys(const config& cfg, bool dev) {
  if (cfg.get_string("auth.jwt_alg") == "RS256") {
    auto path = cfg.get_string("auth.jwt_private_key_file");
    if (path.empty())
      throw std::runtime_error("auth.jwt_alg = RS256 needs auth.jwt_private_key_file (a PEM RSA private key)");
    return jwt::keys::rs256_from_file(path);
  }
  auto secret = cfg.get_string("auth.jwt_secret");
  std::string from = "auth.jwt_secret";
  if (secret.empty()) {
    auto file = cfg.get_string("auth.jwt_secret_file");
    if (!file.empty()) {
      std::ifstream in{file, std::ios::binary};
      if (in) {
        std::getline(in, secret);
        while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back())))
          secret.pop_back();
        from = "auth.jwt_secret_file (" + file + ")";
      }
    }
  }
  if (secret.empty() && dev)
    return jwt::keys::hs256(dev_jwt_secret);
  if (auto why = jwt::weak_secret(secret); why && !dev)
    throw std::runtime_error(
        "refusing to sign access tokens with " + from + ": " + *why +
        ". Set auth.jwt_secret (HIREHUB_AUTH_JWT_SECRET) to at least 32 random bytes, e.g. `openssl rand -base64 48`, "
        "or auth.jwt_secret_file to a file holding one; for local experiments only, start with --dev "
        "(HIREHUB_DEV=1)");
  return jwt::keys::hs256(secret);
}

resume::isolation extraction_from(const config& cfg) {
  resume::isolation iso;
  iso.cpu_seconds = static_cast<int>(cfg.get_int("resume.extract_cpu_s"));
  iso.memory_mib = static_cast<size_t>(cfg.get_int("resume.extract_memory_mib"));
  iso.wall = cfg.get_ms("resume.extract_timeout_ms");
  return iso;
}

api_options api_options_from(const config& cfg, bool dev) {
  api_options o;
  o.keys = load_keys(cfg, dev);
  o.issuer = cfg.get_string("auth.issuer");
  o.access_ttl_s = cfg.get_int("auth.access_ttl_s");
  o.refresh_ttl_s = cfg.get_int("auth.refresh_ttl_s");
  o.admin_refresh_ttl_s = cfg.get_int("auth.admin_refresh_ttl_s");
  o.password_cost.opslimit = static_cast<uint64_t>(cfg.get_int("auth.password_opslimit"));
  o.password_cost.memlimit_bytes = static_cast<size_t>(cfg.get_int("auth.password_memlimit_kib")) * 1024;
  o.login_window = std::chrono::milliseconds{cfg.get_int("auth.login_window_s") * 1000};
  o.login_attempts_per_account = cfg.get_int("auth.login_attempts_per_account");
  o.device_ttl_s = cfg.get_int("auth.device_ttl_s");
  for (auto& p : split_list(cfg.get_string("http.trusted_proxies"))) {
    if (!parse_network(p))
      throw std::runtime_error("http.trusted_proxies: '" + p + "' is not an address or a CIDR range");
    o.trusted_proxies.push_back(p);
  }
  o.login_attempts_per_address = cfg.get_int("auth.login_attempts_per_address");
  o.signups_per_address = cfg.get_int("auth.signups_per_address");
  o.invitation_ttl_s = cfg.get_int("auth.invitation_ttl_s");
  o.invitation_emails = !cfg.get_string("notify.email.smtp_url").empty();
  o.public_url = cfg.get_string("notify.public_url");
  o.relevance_window = static_cast<int>(cfg.get_int("search.relevance_window"));
  o.request_timeout = cfg.get_ms("http.request_timeout_ms");
  o.max_inflight = static_cast<size_t>(cfg.get_int("http.max_inflight_requests"));
  o.ws_max_subscriptions = static_cast<size_t>(cfg.get_int("ws.max_subscriptions"));
  o.ws_ops_per_second = static_cast<double>(cfg.get_int("ws.ops_per_second"));
  o.metrics_token = cfg.get_string("http.metrics_token");
  if (!o.metrics_token.empty() && o.metrics_token.size() < 32)
    throw std::runtime_error("http.metrics_token must be at least 32 bytes (e.g. `openssl rand -hex 32`)");
  o.metrics_public = cfg.get_string("http.metrics_access") == "public";
  o.max_body_bytes = static_cast<size_t>(cfg.get_int("http.max_body_bytes"));
  o.max_upload_bytes = static_cast<size_t>(cfg.get_int("resume.max_upload_bytes"));
  o.uploads_per_user = static_cast<int>(cfg.get_int("resume.uploads_per_user"));
  o.extraction = extraction_from(cfg);
  o.resume_files = persistence::make_local_file_store(cfg.get_string("resume.storage_dir"));
  o.embedder = embedder_from(cfg);
  return o;
}

caf::actor service(caf::actor_system& sys, const char* name) {
  return services::find(sys, name);
}

std::string query_param(const std::string& query, const std::string& name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name)
      return eq == std::string::npos ? "" : part.substr(eq + 1);
    if (amp == std::string::npos)
      break;
    pos = amp + 1;
  }
  return {};
}

int64_t parse_int(const std::string& text, const char* field, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < min || v > max)
    throw bad_input{
        errc::bad_request,
        std::string{field} + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
        field};
  return v;
}

std::string client_address(const http_request& req, const std::vector<std::string>& trusted_proxies) {
  return client_of(req.remote, req.forwarded_for, trusted_proxies);
}

void check_choice(const std::string& value, const std::string& field, std::initializer_list<const char*> choices) {
  std::string list;
  for (auto* c : choices) {
    if (value == c)
      return;
    list += (list.empty() ? "" : ", ") + std::string{c};
  }
  throw bad_input{errc::bad_request, field + " must be one of: " + list, field};
}

// ---- query_reader ------------------------------------------------------------------

query_reader::query_reader(const std::string& query, std::initializer_list<const char*> allowed) {
  size_t pos = 0;
  while (pos < query.size()) {
    auto amp = query.find('&', pos);
    auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    pos = amp == std::string::npos ? query.size() : amp + 1;
    if (part.empty())
      continue;
    auto eq = part.find('=');
    auto name = url_decode(part.substr(0, eq)).value_or("?");
    bool known = false;
    for (auto* a : allowed)
      known = known || name == a;
    if (!known)
      throw bad_input{errc::bad_request, "unknown query parameter '" + name + "'", name};
    auto value = url_decode(eq == std::string::npos ? "" : part.substr(eq + 1));
    if (!value)
      throw bad_input{errc::bad_request, name + " is not valid percent-encoded UTF-8", name};
    if (values_.count(name))
      throw bad_input{errc::bad_request, name + " is given twice", name};
    // Ids in one spelling (ids::is_uuid): a UUID in upper case is the same id.
    if (auto id = ids::canonical_uuid(*value); !id.empty())
      value = std::move(id);
    values_[name] = *value;
  }
}

std::string query_reader::text(const char* name, size_t max_len) const {
  auto it = values_.find(name);
  if (it == values_.end())
    return {};
  if (it->second.size() > max_len)
    throw bad_input{errc::bad_request, std::string{name} + " is longer than " + std::to_string(max_len) + " bytes",
                    name};
  return it->second;
}

std::vector<std::string> query_reader::list(const char* name, size_t max_items, size_t max_len) const {
  auto all = text(name, max_items * (max_len + 1));
  std::vector<std::string> out;
  size_t pos = 0;
  while (!all.empty() && pos <= all.size()) {
    auto comma = all.find(',', pos);
    auto item = all.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.empty() || item.size() > max_len)
      throw bad_input{errc::bad_request, std::string{name} + " must be a comma-separated list of names", name};
    out.push_back(item);
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  if (out.size() > max_items)
    throw bad_input{errc::bad_request, std::string{name} + " has more than " + std::to_string(max_items) + " items",
                    name};
  return out;
}

std::string query_reader::choice(const char* name, std::initializer_list<const char*> choices) const {
  auto v = text(name, 64);
  if (!v.empty())
    check_choice(v, name, choices);
  return v;
}

std::optional<int64_t> query_reader::integer(const char* name, int64_t min, int64_t max) const {
  auto v = text(name, 20);
  if (v.empty())
    return std::nullopt;
  return parse_int(v, name, min, max);
}

// ---- body_reader ------------------------------------------------------------------

body_reader::body_reader(const http_request& req, std::initializer_list<const char*> allowed) {
  auto ct = req.content_type.substr(0, req.content_type.find(';'));
  if (ct != "application/json")
    throw bad_input{errc::unsupported_media_type, "the body must be application/json", "Content-Type"};
  obj_ = nlohmann::json::parse(req.body, nullptr, false);
  if (obj_.is_discarded())
    throw bad_input{errc::bad_request, "the body is not valid JSON", ""};
  if (!obj_.is_object())
    throw bad_input{errc::bad_request, "the body must be a JSON object", ""};
  check_fields(allowed);
}

body_reader::body_reader(const nlohmann::json& obj, std::string prefix, std::initializer_list<const char*> allowed)
    : obj_(obj), prefix_(std::move(prefix)) {
  if (!obj_.is_object())
    throw bad_input{errc::bad_request, prefix_ + " must be a JSON object", prefix_};
  check_fields(allowed);
}

void body_reader::check_fields(std::initializer_list<const char*> allowed) {
  for (auto& [k, v] : obj_.items()) {
    bool known = false;
    for (auto* a : allowed)
      known = known || k == a;
    if (!known) {
      auto f = prefix_.empty() ? k : prefix_ + "." + k;
      throw bad_input{errc::bad_request, "unknown field '" + f + "'", f};
    }
  }
}

const nlohmann::json* body_reader::find(const char* name) const {
  auto it = obj_.find(name);
  if (it == obj_.end() || it->is_null())
    return nullptr;
  return &*it;
}

bool body_reader::has(const char* name) const {
  return obj_.contains(name);
}

bool body_reader::is_null(const char* name) const {
  auto it = obj_.find(name);
  return it != obj_.end() && it->is_null();
}

std::string body_reader::text(const char* name, bool required, size_t max_len) {
  auto* v = find(name);
  if (v == nullptr) {
    if (required)
      throw bad_input{errc::bad_request, field(name) + " is required", field(name)};
    if (is_null(name))
      collected_[name] = nullptr;
    return {};
  }
  if (!v->is_string())
    throw bad_input{errc::bad_request, field(name) + " must be a string", field(name)};
  auto s = v->get<std::string>();
  if (required && s.empty())
    throw bad_input{errc::bad_request, field(name) + " must not be empty", field(name)};
  if (s.size() > max_len)
    throw bad_input{errc::payload_too_large, field(name) + " is longer than " + std::to_string(max_len) + " bytes",
                    field(name)};
  collected_[name] = s;
  return s;
}

std::string body_reader::uuid(const char* name, bool required) {
  auto s = text(name, required, 36);
  if (s.empty())
    return s;
  // The canonical form (PostgreSQL's): ids are compared as text after a round trip.
  auto id = ids::canonical_uuid(s);
  if (id.empty())
    throw bad_input{errc::bad_request, field(name) + " must be a UUID", field(name)};
  return id;
}

std::string body_reader::email(const char* name) {
  auto s = text(name, true, 254);
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  auto at = s.find('@');
  bool ok = at != std::string::npos && at > 0 && s.find('@', at + 1) == std::string::npos &&
            s.find('.', at + 2) != std::string::npos && s.back() != '.' &&
            std::none_of(s.begin(), s.end(), [](char c) { return c <= ' ' || c == 0x7f; });
  if (!ok)
    throw bad_input{errc::bad_request, field(name) + " must be an e-mail address", field(name)};
  collected_[name] = s;
  return s;
}

std::optional<int64_t> body_reader::integer(const char* name, bool required, int64_t min, int64_t max) {
  auto* v = find(name);
  if (v == nullptr) {
    if (required)
      throw bad_input{errc::bad_request, field(name) + " is required", field(name)};
    if (is_null(name))
      collected_[name] = nullptr;
    return std::nullopt;
  }
  if (!v->is_number_integer() || v->get<int64_t>() < min || v->get<int64_t>() > max)
    throw bad_input{errc::bad_request,
                    field(name) + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
                    field(name)};
  collected_[name] = v->get<int64_t>();
  return v->get<int64_t>();
}

std::optional<bool> body_reader::boolean(const char* name) {
  auto* v = find(name);
  if (v == nullptr)
    return std::nullopt;
  if (!v->is_boolean())
    throw bad_input{errc::bad_request, field(name) + " must be true or false", field(name)};
  collected_[name] = v->get<bool>();
  return v->get<bool>();
}

std::vector<std::string> body_reader::text_list(const char* name, size_t max_items, size_t max_len) {
  auto* v = find(name);
  if (v == nullptr) {
    if (is_null(name))
      collected_[name] = nlohmann::json::array();
    return {};
  }
  if (!v->is_array())
    throw bad_input{errc::bad_request, field(name) + " must be an array of strings", field(name)};
  if (v->size() > max_items)
    throw bad_input{errc::payload_too_large, field(name) + " has more than " + std::to_string(max_items) + " items",
                    field(name)};
  std::vector<std::string> out;
  for (auto& x : *v) {
    if (!x.is_string() || x.get<std::string>().empty())
      throw bad_input{errc::bad_request, field(name) + " must be an array of non-empty strings", field(name)};
    if (x.get<std::string>().size() > max_len)
      throw bad_input{errc::payload_too_large,
                      field(name) + " items must be at most " + std::to_string(max_len) + " bytes", field(name)};
    out.push_back(x.get<std::string>());
  }
  collected_[name] = out;
  return out;
}

std::optional<body_reader> body_reader::object(const char* name, std::initializer_list<const char*> allowed) {
  auto* v = find(name);
  if (v == nullptr)
    return std::nullopt;
  return body_reader{*v, field(name), allowed};
}

std::string body_reader::choice(const char* name, bool required, std::initializer_list<const char*> choices) {
  auto s = text(name, required, 64);
  if (!s.empty()) {
    try {
      check_choice(s, field(name), choices);
    } catch (const bad_input&) {
      collected_.erase(name);
      throw;
    }
  }
  return s;
}

// ---- responder ---------------------------------------------------------------------

void responder::reply(http_response r) {
  if (done || !job)
    return;
  done = true;
  if (r.status >= 500)
    log::warn(
        "request failed",
        {{"request_id", job->req.request_id}, {"method", job->req.method}, {"route", route}, {"status", r.status}});
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - job->started).count();
  metrics::get_counter("hirehub_http_requests_total", "HTTP requests by route and status",
                       {{"route", route}, {"status", std::to_string(r.status)}})
      .inc();
  metrics::get_histogram("hirehub_http_request_seconds", "HTTP request latency by route", {{"route", route}})
      .observe(secs);
  if (inflight)
    --*inflight;
  job->reply(std::move(r));
}

void responder::error(error_code code, const std::string& message, const std::string& field, int64_t retry_after_s) {
  auto e = http_error_of(code);
  http_response r;
  r.status = e.status;
  r.body = error_body(code, message, field);
  if (code == errc::unauthorized)
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (e.retry_after)
    r.headers.emplace_back("Retry-After", "1");
  if (code == errc::rate_limited)
    r.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, retry_after_s)));
  reply(std::move(r));
}

responder::~responder() {
  if (!done && job) {
    log::error("request actor ended without answering", {{"request_id", job->req.request_id}, {"route", route}});
    error(errc::internal, "internal error");
  }
}

// ---- auth and answers ------------------------------------------------------------------

principal authenticate(const api_shared& sh, const std::string& header_or_token, bool raw_token,
                       jwt::claims* verified) {
  std::string token = header_or_token;
  if (!raw_token) {
    if (header_or_token.empty())
      throw bad_input{errc::unauthorized, "missing Authorization: Bearer <token>", ""};
    if (header_or_token.rfind("Bearer ", 0) != 0)
      throw bad_input{errc::unauthorized, "the Authorization header must be 'Bearer <token>'", ""};
    token = header_or_token.substr(7);
  }
  auto v = sh.opts.keys.verify(token, sh.opts.issuer, now_ms() / 1000);
  if (!v.ok)
    throw bad_input{errc::unauthorized, v.error, ""};
  if (verified)
    *verified = *v.ok;
  return principal{v.ok->sub, v.ok->role, v.ok->company_id};
}

principal caller(request_actor* self, const api_shared& sh) {
  auto& req = req_of(self);
  if (req.auth)
    return req.auth->by;
  return authenticate(sh, req.authorization);
}

void require_role(const principal& p, const char* role) {
  if (p.role != role)
    throw bad_input{errc::forbidden, std::string{"this endpoint is for the "} + role + " role", ""};
}

http_response json_response(int status, std::string body) {
  http_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http_response error_response(error_code code, const std::string& message) {
  return json_response(http_status_of(code), error_body(code, message));
}

std::shared_ptr<void> take_upload_slot(api_shared& sh, const std::string& user) {
  {
    std::lock_guard<std::mutex> g{sh.uploads_mtx};
    auto& n = sh.uploads[user];
    if (n >= sh.opts.uploads_per_user)
      throw bad_input{errc::rate_limited,
                      "you have " + std::to_string(n) +
                          " uploads in progress (resume.uploads_per_user); retry when one "
                          "is done",
                      "", 1};
    ++n;
  }
  return std::shared_ptr<void>(nullptr, [&sh, user](void*) {
    std::lock_guard<std::mutex> g{sh.uploads_mtx};
    if (auto it = sh.uploads.find(user); it != sh.uploads.end() && --it->second <= 0)
      sh.uploads.erase(it);
  });
}

void fail(request_actor* self, const caf::error& err, int64_t retry_after_s) {
  auto v = view(err);
  self->state.out.error(v.code, v.message.empty() ? "internal error" : v.message, v.field, retry_after_s);
  self->quit();
}

}  // namespace hirehub::gateway
