#pragma once
/// The one mapping from HireHub errors (the common vocabulary and every domain's,
/// domain/errors.hpp) to HTTP: status, the code a client sees, whether to send
/// Retry-After, and the JSON body {"error": {"code", "message", "details"}}.

#include <string>

#include "runtime/errors.hpp"

namespace hirehub::gateway {

struct http_error {
  int status = 500;
  const char* code = "internal";  ///< the body's error.code
  bool retry_after = false;       ///< transient: answer Retry-After
};

http_error http_error_of(error_code code);

inline int http_status_of(error_code code) {
  return http_error_of(code).status;
}

/// The JSON error body; `field` (if any) goes into details.field.
std::string error_body(error_code code, const std::string& message, const std::string& field = {});

}  // namespace hirehub::gateway
