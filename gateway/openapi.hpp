#pragma once
/// The OpenAPI 3 document served at /api/v1/openapi.json.

#include <string>

namespace hirehub::gateway {

const std::string& openapi_document();

}  // namespace hirehub::gateway
