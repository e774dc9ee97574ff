#include "runtime/errors.hpp"

#include <caf/message.hpp>
#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace hirehub {

const char* to_string(errc x) {
  switch (x) {
    case errc::ok: return "ok";
    case errc::bad_request: return "bad_request";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unsupported_media_type: return "unsupported_media_type";
    case errc::overloaded: return "overloaded";
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::internal: return "internal";
    case errc::rate_limited: return "rate_limited";
    case errc::method_not_allowed: return "method_not_allowed";
  }
  return "internal";
}

bool is_hirehub_category(caf::atom_value c) {
  namespace cat = error_categories;
  return c == cat::common || c == cat::accounts || c == cat::jobs || c == cat::applications || c == cat::resumes ||
         c == cat::cluster;
}

caf::error make_error(error_code code, std::string message, std::string field) {
  return caf::error{code.value, code.category, caf::make_message(std::move(message), std::move(field))};
}

error_view view(const caf::error& err) {
  error_view out;
  if (!err) {
    out.code = errc::ok;
    return out;
  }
  if (is_hirehub_category(err.category())) {
    out.code = error_code{err.category(), err.code()};
    auto& ctx = err.context();
    if (ctx.match_elements<std::string, std::string>()) {
      out.message = ctx.get_as<std::string>(0);
      out.field = ctx.get_as<std::string>(1);
    }
    return out;
  }
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        out.code = errc::timeout;
        out.message = "the request timed out inside the node; retry";
        return out;
      case caf::sec::request_receiver_down:
      case caf::sec::no_route_to_receiving_node:
      case caf::sec::cannot_connect_to_node:
      case caf::sec::remote_linking_failed:
        // The node that owned it died or went away: another takes over its shards.
        out.code = errc::unavailable;
        out.message = "the actor serving this request stopped; retry";
        return out;
      default: break;
    }
  }
  if (err.category() == caf::atom("exit")) {
    // An actor on the way ended (a node stopping, a remote link lost): retrying reaches its successor.
    out.code = errc::unavailable;
    out.message = "the actor serving this request stopped; retry";
    return out;
  }
  out.code = errc::internal;
  out.message = "internal error";
  return out;
}

}  // namespace hirehub
