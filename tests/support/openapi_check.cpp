#include "support/openapi_check.hpp"

#include <algorithm>
#include <regex>

namespace hh_test {

using nlohmann::json;

openapi_spec::openapi_spec(json doc) : doc_(std::move(doc)) {}

const json& openapi_spec::resolve(const json& schema) const {
  const json* s = &schema;
  for (int depth = 0; depth < 16 && s->is_object() && s->contains("$ref"); ++depth) {
    auto ref = (*s)["$ref"].get<std::string>();
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0)
      throw std::runtime_error("unsupported $ref " + ref);
    s = &doc_.at("components").at("schemas").at(ref.substr(prefix.size()));
  }
  return *s;
}

void openapi_spec::validate(const json& schema_in, const json& v, const std::string& where,
                            std::vector<std::string>& problems) const {
  const json& schema = resolve(schema_in);
  if (v.is_null()) {
    if (!schema.value("nullable", false) && schema.contains("type"))
      problems.push_back(where + ": null but not nullable");
    return;
  }
  auto type = schema.value("type", "");
  auto bad = [&](const std::string& what) { problems.push_back(where + ": " + what + " (got " + v.dump() + ")"); };
  if (type == "object" && !v.is_object())
    return bad("expected an object");
  if (type == "array" && !v.is_array())
    return bad("expected an array");
  if (type == "string" && !v.is_string())
    return bad("expected a string");
  if (type == "integer" && !v.is_number_integer())
    return bad("expected an integer");
  if (type == "number" && !v.is_number())
    return bad("expected a number");
  if (type == "boolean" && !v.is_boolean())
    return bad("expected a boolean");
  if (schema.contains("enum")) {
    auto& e = schema["enum"];
    if (std::find(e.begin(), e.end(), v) == e.end())
      bad("not one of " + e.dump());
  }
  if (v.is_string()) {
    auto& s = v.get_ref<const std::string&>();
    if (schema.contains("maxLength") && s.size() > schema["maxLength"].get<size_t>())
      bad("longer than maxLength");
    auto fmt = schema.value("format", "");
    static const std::regex uuid_re{"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"};
    static const std::regex time_re{R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)"};
    if (fmt == "uuid" && !std::regex_match(s, uuid_re))
      bad("not a uuid");
    if (fmt == "date-time" && !std::regex_match(s, time_re))
      bad("not an RFC 3339 date-time");
  }
  if (v.is_number()) {
    if (schema.contains("minimum") && v.get<double>() < schema["minimum"].get<double>())
      bad("below minimum");
    if (schema.contains("maximum") && v.get<double>() > schema["maximum"].get<double>())
      bad("above maximum");
  }
  if (v.is_object()) {
    if (schema.contains("required"))
      for (auto& r : schema["required"])
        if (!v.contains(r.get<std::string>()))
          problems.push_back(where + ": required property '" + r.get<std::string>() + "' is missing");
    auto props = schema.value("properties", json::object());
    bool closed = schema.contains("additionalProperties") && schema["additionalProperties"] == false;
    for (auto& [k, x] : v.items()) {
      if (props.contains(k))
        validate(props[k], x, where + "." + k, problems);
      else if (closed)
        problems.push_back(where + ": property '" + k + "' is not in the schema");
    }
  }
  if (v.is_array() && schema.contains("items"))
    for (size_t i = 0; i < v.size(); ++i)
      validate(schema["items"], v[i], where + "[" + std::to_string(i) + "]", problems);
}

std::vector<std::string> openapi_spec::check(const std::string& method, const std::string& path_template, int status,
                                             const json& body) const {
  std::vector<std::string> problems;
  std::string m = method;
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  auto& paths = doc_.at("paths");
  if (!paths.contains(path_template) || !paths[path_template].contains(m)) {
    problems.push_back(method + " " + path_template + " is not documented");
    return problems;
  }
  auto& responses = paths[path_template][m].at("responses");
  auto code = std::to_string(status);
  if (!responses.contains(code)) {
    problems.push_back(method + " " + path_template + ": status " + code + " is not documented");
    return problems;
  }
  auto& r = responses[code];
  if (!r.contains("content"))
    return problems;
  if (!r["content"].contains("application/json"))
    return problems;
  validate(r["content"]["application/json"]["schema"], body, method + " " + path_template + " " + code, problems);
  return problems;
}

std::vector<std::string> openapi_spec::lint() const {
  std::vector<std::string> problems;
  std::function<void(const json&, const std::string&)> walk = [&](const json& j, const std::string& where) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        try {
          resolve(j);
        } catch (const std::exception& e) {
          problems.push_back(where + ": $ref does not resolve: " + j["$ref"].dump());
        }
      }
      for (auto& [k, v] : j.items())
        walk(v, where + "/" + k);
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i)
        walk(j[i], where + "/" + std::to_string(i));
    }
  };
  walk(doc_, "#");
  for (auto& [path, ops] : doc_.at("paths").items())
    for (auto& [m, op] : ops.items())
      if (!op.contains("responses") || op["responses"].empty())
        problems.push_back(m + " " + path + " documents no responses");
  return problems;
}

}  // namespace hh_test
