#include "gateway/http_errors.hpp"

#include <nlohmann/json.hpp>

namespace hirehub::gateway {

int http_status_of(errc code) {
  switch (code) {
    case errc::ok: return 200;
    case errc::bad_request: return 400;
    case errc::unauthorized: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::illegal_transition: return 409;
    case errc::duplicate_application: return 409;
    case errc::idempotency_mismatch: return 422;
    case errc::conflict: return 409;
    case errc::job_not_open: return 409;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::overloaded: return 503;
    case errc::unavailable: return 503;
    case errc::timeout: return 503;
    case errc::internal: return 500;
    case errc::rate_limited: return 429;
    case errc::already_exists: return 409;
    case errc::unprocessable_file: return 422;
  }
  return 500;
}

std::string error_body(errc code, const std::string& message, const std::string& field) {
  nlohmann::json details = nlohmann::json::object();
  if (!field.empty())
    details["field"] = field;
  nlohmann::json body = {{"error", {{"code", to_string(code)}, {"message", message}, {"details", details}}}};
  return body.dump();
}

}  // namespace hirehub::gateway
