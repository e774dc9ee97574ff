#include "gateway/openapi.hpp"

#include <nlohmann/json.hpp>

namespace hirehub::gateway {

namespace {

using nlohmann::json;

json ref(const std::string& name) {
  return {{"$ref", "#/components/schemas/" + name}};
}

json response(const std::string& desc, const json& schema) {
  return {{"description", desc}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

json errors(std::initializer_list<int> codes) {
  json out = json::object();
  for (int c : codes)
    out[std::to_string(c)] = response("error", ref("Error"));
  return out;
}

json op(const std::string& summary, const json& responses, bool auth = true, const json& body = nullptr,
        const json& params = json::array()) {
  json o = {{"summary", summary}, {"responses", responses}};
  if (auth)
    o["security"] = json::array({{{"bearer", json::array()}}});
  if (!body.is_null())
    o["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", body}}}}}};
  if (!params.empty())
    o["parameters"] = params;
  return o;
}

json id_param() {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}, {"format", "uuid"}}}};
}

json merge(json a, const json& b) {
  for (auto& [k, v] : b.items())
    a[k] = v;
  return a;
}

json build() {
  json statuses = {"submitted", "reviewing", "interview_scheduled", "interview_completed", "offered", "accepted",
                   "rejected",  "withdrawn"};
  json nullable_string = {{"type", "string"}, {"nullable", true}};
  json schemas = {
      {"Error",
       {{"type", "object"},
        {"required", {"error"}},
        {"properties",
         {{"error",
           {{"type", "object"},
            {"required", {"code", "message", "details"}},
            {"properties",
             {{"code", {{"type", "string"}}},
              {"message", {{"type", "string"}}},
              {"details", {{"type", "object"}}}}}}}}}}},
      {"Job",
       {{"type", "object"},
        {"required", {"id", "company_id", "title", "status"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"company_id", {{"type", "string"}, {"format", "uuid"}}},
          {"created_by", {{"type", "string"}, {"format", "uuid"}}},
          {"title", {{"type", "string"}, {"maxLength", 200}}},
          {"status", {{"type", "string"}, {"enum", {"draft", "open", "closed"}}}},
          {"applies_count", {{"type", "integer"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"NewJob",
       {{"type", "object"},
        {"required", {"title"}},
        {"additionalProperties", false},
        {"properties",
         {{"title", {{"type", "string"}, {"maxLength", 200}}},
          {"status", {{"type", "string"}, {"enum", {"draft", "open"}}, {"default", "open"}}}}}}},
      {"Application",
       {{"type", "object"},
        {"required",
         {"id", "job_id", "user_id", "company_id", "resume_id", "status", "seq", "applied_at", "updated_at"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"job_id", {{"type", "string"}, {"format", "uuid"}}},
          {"user_id", {{"type", "string"}, {"format", "uuid"}}},
          {"company_id", {{"type", "string"}, {"format", "uuid"}}},
          {"job_title", {{"type", "string"}}},
          {"resume_id", {{"type", "string"}, {"format", "uuid"}}},
          {"cover_letter", nullable_string},
          {"status", {{"type", "string"}, {"enum", statuses}}},
          {"reason", nullable_string},
          {"seq", {{"type", "integer"}}},
          {"applied_at", {{"type", "string"}, {"format", "date-time"}}},
          {"updated_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"NewApplication",
       {{"type", "object"},
        {"required", {"job_id", "resume_id"}},
        {"additionalProperties", false},
        {"properties",
         {{"job_id", {{"type", "string"}, {"format", "uuid"}}},
          {"resume_id", {{"type", "string"}, {"format", "uuid"}}},
          {"cover_letter", {{"type", "string"}, {"maxLength", 10000}}}}}}},
      {"StatusChange",
       {{"type", "object"},
        {"required", {"status"}},
        {"additionalProperties", false},
        {"properties",
         {{"status", {{"type", "string"}, {"enum", statuses}}},
          {"reason", {{"type", "string"}, {"description", "required for rejected and withdrawn: a reason code"}}}}}}},
      {"Event",
       {{"type", "object"},
        {"required", {"id", "seq", "type", "to_status", "at"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"seq", {{"type", "integer"}}},
          {"type", {{"type", "string"}, {"enum", {"submitted", "status_changed"}}}},
          {"from_status", nullable_string},
          {"to_status", {{"type", "string"}}},
          {"actor_id", {{"type", "string"}}},
          {"actor_type", {{"type", "string"}}},
          {"reason", nullable_string},
          {"at", {{"type", "string"}, {"format", "date-time"}}}}}}},
      {"Notification",
       {{"type", "object"},
        {"required", {"id", "seq", "event_id", "event_type", "channel", "title", "content", "status", "created_at"}},
        {"properties",
         {{"id", {{"type", "string"}, {"format", "uuid"}}},
          {"seq", {{"type", "integer"}}},
          {"event_id", {{"type", "string"}, {"format", "uuid"}}},
          {"event_type", {{"type", "string"}}},
          {"channel", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"content", {{"type", "string"}}},
          {"data", {{"type", "object"}}},
          {"status", {{"type", "string"}, {"enum", {"pending", "sent", "delivered", "failed", "read"}}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}},
          {"read_at", nullable_string}}}}},
  };
  json paths = {
      {"/health", {{"get", op("Liveness", {{"200", response("alive", {{"type", "object"}})}}, false)}}},
      {"/ready",
       {{"get",
         op("Readiness: PostgreSQL, Kafka, migrations, actors",
            {{"200", response("ready", {{"type", "object"}})}, {"503", response("not ready", {{"type", "object"}})}},
            false)}}},
      {"/metrics",
       {{"get", op("Prometheus metrics",
                   {{"200",
                     {{"description", "text exposition format"},
                      {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}},
                   false)}}},
      {"/api/v1/openapi.json",
       {{"get", op("This document", {{"200", response("OpenAPI 3", {{"type", "object"}})}}, false)}}},
      {"/api/v1/jobs",
       {{"post", op("Create a job (company)",
                    merge({{"201", response("created", ref("Job"))}}, errors({400, 401, 403, 413, 415})), true,
                    ref("NewJob"))}}},
      {"/api/v1/jobs/{id}",
       {{"get", op("A job", merge({{"200", response("the job", ref("Job"))}}, errors({401, 404})), true, nullptr,
                   json::array({id_param()}))}}},
      {"/api/v1/applications",
       {{"post", op("Apply to a job (jobseeker). Idempotency-Key makes a retried POST return the first answer.",
                    merge({{"201", response("committed", ref("Application"))}},
                          errors({400, 401, 403, 404, 409, 413, 415, 422, 503})),
                    true, ref("NewApplication"),
                    json::array({{{"name", "Idempotency-Key"},
                                  {"in", "header"},
                                  {"required", false},
                                  {"schema", {{"type", "string"}, {"maxLength", 200}}}}}))}}},
      {"/api/v1/applications/{id}",
       {{"get", op("An application (the applicant, the job's company, admins)",
                   merge({{"200", response("current state", ref("Application"))}}, errors({401, 404})), true, nullptr,
                   json::array({id_param()}))}}},
      {"/api/v1/applications/{id}/status",
       {{"patch",
         op("Move an application along the pipeline",
            merge({{"200", response("new state", ref("Application"))}}, errors({400, 401, 403, 404, 409, 415})), true,
            ref("StatusChange"), json::array({id_param()}))}}},
      {"/api/v1/applications/{id}/events",
       {{"get", op("The application's history",
                   merge({{"200", response("events", {{"type", "object"},
                                                      {"required", {"events", "last_seq"}},
                                                      {"properties",
                                                       {{"events", {{"type", "array"}, {"items", ref("Event")}}},
                                                        {"last_seq", {{"type", "integer"}}}}}})}},
                         errors({401, 404})),
                   true, nullptr, json::array({id_param()}))}}},
      {"/api/v1/notifications",
       {{"get",
         op("Own in-app notifications after a sequence number",
            merge({{"200",
                    response("notifications", {{"type", "object"},
                                               {"required", {"notifications", "last_seq"}},
                                               {"properties",
                                                {{"notifications", {{"type", "array"}, {"items", ref("Notification")}}},
                                                 {"last_seq", {{"type", "integer"}}}}}})}},
                  errors({400, 401})),
            true, nullptr,
            json::array({{{"name", "after_seq"}, {"in", "query"}, {"schema", {{"type", "integer"}, {"minimum", 0}}}},
                         {{"name", "limit"},
                          {"in", "query"},
                          {"schema", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}}}}))}}},
      {"/api/v1/notifications/{id}/read",
       {{"post",
         op("Mark a notification read", merge({{"200", response("read", ref("Notification"))}}, errors({401, 404})),
            true, nullptr, json::array({id_param()}))}}},
      {"/ws",
       {{"get",
         op("WebSocket: subscribe to application:<id> or notifications; frames carry seq for resume (after_seq)",
            {{"101", {{"description", "switching protocols"}}}, {"401", response("error", ref("Error"))}}, true,
            nullptr, json::array({{{"name", "access_token"}, {"in", "query"}, {"schema", {{"type", "string"}}}}}))}}},
  };
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "HireHub API"}, {"version", "0.1.0"}}},
          {"paths", paths},
          {"components",
           {{"schemas", schemas},
            {"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}}};
}

}  // namespace

const std::string& openapi_document() {
  static const std::string doc = build().dump();
  return doc;
}

}  // namespace hirehub::gateway
