#pragma once
// Checks JSON responses against the OpenAPI 3 document the node serves: the
// subset of JSON Schema that document uses ($ref, type, nullable, required,
// properties, additionalProperties: false, items, enum, minimum/maximum,
// maxLength, format uuid/date-time).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hh_test {

class openapi_spec {
 public:
  explicit openapi_spec(nlohmann::json doc);

  /// Problems of `body` as the `status` response of `method` `path_template`
  /// ("/api/v1/companies/{id}"); empty when it conforms. A status the operation
  /// does not document is a problem.
  std::vector<std::string> check(const std::string& method, const std::string& path_template, int status,
                                 const nlohmann::json& body) const;

  /// Problems of `value` against `schema`, reported under `where`.
  void validate(const nlohmann::json& schema, const nlohmann::json& value, const std::string& where,
                std::vector<std::string>& problems) const;

  /// Every $ref in the document resolves; every operation documents responses.
  std::vector<std::string> lint() const;

  const nlohmann::json& doc() const { return doc_; }

 private:
  const nlohmann::json& resolve(const nlohmann::json& schema) const;
  nlohmann::json doc_;
};

}  // namespace hh_test
