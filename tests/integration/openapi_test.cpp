// The OpenAPI document against the code: every route the gateway serves is
// documented with its method, every documented operation is served, and every
// $ref resolves. (Responses are checked against it in the end-to-end tests.)
#include <gtest/gtest.h>

#include "gateway/api.hpp"
#include "gateway/openapi.hpp"
#include "support/openapi_check.hpp"

using namespace hh_test;

TEST(openapi, every_route_is_documented_and_every_documented_operation_is_served) {
  auto doc = nlohmann::json::parse(hirehub::gateway::openapi_document());
  auto routes = hirehub::gateway::api_routes();
  ASSERT_GT(routes.size(), 10u);
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  for (auto& [method, path] : routes) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path << " is served but not in the OpenAPI document";
    EXPECT_TRUE(doc["paths"][path].contains(lower(method))) << method << " " << path << " is not documented";
  }
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [m, op] : ops.items()) {
      if (path == "/ws")
        continue;  // the WebSocket upgrade is served by the HTTP server itself
      bool served =
          std::any_of(routes.begin(), routes.end(), [&](auto& r) { return r.second == path && lower(r.first) == m; });
      EXPECT_TRUE(served) << m << " " << path << " is documented but not served";
    }
}

TEST(openapi, references_resolve_and_operations_document_responses) {
  openapi_spec spec{nlohmann::json::parse(hirehub::gateway::openapi_document())};
  auto problems = spec.lint();
  for (auto& p : problems)
    ADD_FAILURE() << p;
}

TEST(openapi, the_checker_finds_what_does_not_match) {
  openapi_spec spec{nlohmann::json::parse(hirehub::gateway::openapi_document())};
  // A conforming error body passes; wrong types, missing required fields and undocumented statuses do not.
  nlohmann::json err = {{"error", {{"code", "not_found"}, {"message", "m"}, {"details", nlohmann::json::object()}}}};
  EXPECT_TRUE(spec.check("GET", "/api/v1/companies/{id}", 404, err).empty());
  EXPECT_FALSE(spec.check("GET", "/api/v1/companies/{id}", 404, {{"error", "text"}}).empty());
  EXPECT_FALSE(spec.check("GET", "/api/v1/companies/{id}", 418, err).empty());
  EXPECT_FALSE(spec.check("GET", "/api/v1/nowhere", 200, err).empty());
  nlohmann::json company = {{"id", "not-a-uuid"},
                            {"name", "A"},
                            {"status", "active"},
                            {"created_at", "2026-01-01T00:00:00.000Z"},
                            {"updated_at", "yesterday"}};
  EXPECT_EQ(spec.check("GET", "/api/v1/companies/{id}", 200, company).size(), 2u);
}
