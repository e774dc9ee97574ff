#include "gateway/http_errors.hpp"

#include <nlohmann/json.hpp>

#include "domain/errors.hpp"

namespace hirehub::gateway {

namespace {

int status_of(errc code) {
  switch (code) {
    case errc::ok: return 200;
    case errc::bad_request: return 400;
    case errc::unauthorized: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::conflict: return 409;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::rate_limited: return 429;
    case errc::internal: return 500;
    case errc::overloaded:
    case errc::unavailable:
    case errc::timeout: return 503;
  }
  return 500;
}

int status_of(accounts_errc code) {
  switch (code) {
    case accounts_errc::already_exists: return 409;
  }
  return 500;
}

int status_of(jobs_errc code) {
  switch (code) {
    case jobs_errc::illegal_transition: return 409;
  }
  return 500;
}

int status_of(applications_errc code) {
  switch (code) {
    case applications_errc::illegal_transition:
    case applications_errc::duplicate_application:
    case applications_errc::job_not_open: return 409;
    case applications_errc::idempotency_mismatch: return 422;
  }
  return 500;
}

int status_of(resumes_errc code) {
  switch (code) {
    case resumes_errc::illegal_transition: return 409;
    case resumes_errc::unprocessable_file: return 422;
  }
  return 500;
}

int status_of(cluster_errc code) {
  switch (code) {
    case cluster_errc::not_member:
    case cluster_errc::not_connected: return 503;
    case cluster_errc::refused_drain:
    case cluster_errc::not_supervised:
    case cluster_errc::node_gone: return 409;
  }
  return 500;
}

}  // namespace

http_error http_error_of(error_code c) {
  namespace cat = error_categories;
  http_error out;
  if (c.category == cat::common)
    out.status = status_of(static_cast<errc>(c.value));
  else if (c.category == cat::accounts)
    out.status = status_of(static_cast<accounts_errc>(c.value));
  else if (c.category == cat::jobs)
    out.status = status_of(static_cast<jobs_errc>(c.value));
  else if (c.category == cat::applications)
    out.status = status_of(static_cast<applications_errc>(c.value));
  else if (c.category == cat::resumes)
    out.status = status_of(static_cast<resumes_errc>(c.value));
  else if (c.category == cat::cluster)
    out.status = status_of(static_cast<cluster_errc>(c.value));
  out.code = out.status == 500 ? "internal" : name_of(c);
  // A conflict is retried by the caller that knows what it raced with, not by a timer.
  out.retry_after = out.status == 503;
  return out;
}

std::string error_body(error_code code, const std::string& message, const std::string& field) {
  nlohmann::json details = nlohmann::json::object();
  if (!field.empty())
    details["field"] = field;
  nlohmann::json body = {{"error", {{"code", http_error_of(code).code}, {"message", message}, {"details", details}}}};
  return body.dump();
}

}  // namespace hirehub::gateway
