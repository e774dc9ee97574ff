#pragma once
/// The one mapping from HireHub errors to HTTP: status codes and the JSON body
/// {"error": {"code", "message", "details"}}.

#include <string>

#include "runtime/errors.hpp"

namespace hirehub::gateway {

int http_status_of(errc code);

/// The JSON error body; `field` (if any) goes into details.field.
std::string error_body(errc code, const std::string& message, const std::string& field = {});

}  // namespace hirehub::gateway
