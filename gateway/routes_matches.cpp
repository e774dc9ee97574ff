/// Matching: a job's best candidates (its company, admins), a jobseeker's
/// recommended jobs, one match, and feedback on it. Lists are answered by the job's
/// match actor and the jobseeker's recommendation actor (actors/match_entities), from
/// memory; one match and feedback from PostgreSQL.
#include <nlohmann/json.hpp>

#include "actors/match_atoms.hpp"
#include "gateway/request_context.hpp"
#include "persistence/matches.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/ids.hpp"

namespace hirehub::gateway {

namespace {

using nlohmann::json;
namespace pm = persistence::matches;

json by_json(const principal& by) {
  return {{"user_id", by.user_id}, {"role", by.role}, {"company_id", by.company_id}};
}

pm::party party_of(const principal& by) {
  return {by.user_id, by.role, by.company_id};
}

void check_id(const std::string& id, const char* what) {
  if (!ids::is_uuid(id))
    throw bad_input{errc::not_found, std::string{"no "} + what + " with this id", ""};
}

/// GET /api/v1/jobs/{id}/matches?limit=&min_score=&cursor=
void job_matches(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  check_id(p[0], "job");
  if (by.role != "company" && by.role != "admin")
    throw bad_input{errc::forbidden, "only the job's company sees its matches", ""};
  query_reader in{req.query, {"limit", "min_score", "cursor"}};
  json q{{"by", by_json(by)},
         {"limit", in.integer("limit", 1, 100).value_or(20)},
         {"min_score", in.integer("min_score", 0, 100).value_or(0)},
         {"cursor", in.text("cursor", 80)}};
  ask<std::string>(
      self, sh, "registry", [](std::string& body) { return json_response(200, std::move(body)); },
      route_message("match", p[0], false, caf::make_message(matches_atom::value, q.dump())));
}

/// GET /api/v1/me/recommendations?limit=&cursor=
void recommendations(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "jobseeker");
  query_reader in{req.query, {"limit", "cursor"}};
  json q{{"by", by_json(by)}, {"limit", in.integer("limit", 1, 100).value_or(20)}, {"cursor", in.text("cursor", 12)}};
  ask<std::string>(
      self, sh, "registry", [](std::string& body) { return json_response(200, std::move(body)); },
      route_message("recommend", by.user_id, false, caf::make_message(recommend_atom::value, q.dump())));
}

/// GET /api/v1/matches/{id}
void get_match(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  check_id(p[0], "match");
  ask_task(self, sh, "db", pm::get_query(p[0], party_of(by)), json_reply());
}

/// POST /api/v1/matches/{id}/feedback {feedback_type}
void feedback(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  check_id(p[0], "match");
  body_reader body{req, {"feedback_type"}};
  auto type = body.choice("feedback_type", true, {"helpful", "not_helpful", "hired", "rejected"});
  ask_task(self, sh, "db", pm::feedback_command(p[0], party_of(by), type), [](json& v) {
    bool created = v.value("created", false);
    v.erase("created");
    return json_response(created ? 201 : 200, v.dump());
  });
}

}  // namespace

void add_match_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"GET", "/api/v1/jobs/{id}/matches", job_matches},
                            {"GET", "/api/v1/me/recommendations", recommendations, access::token, "jobseeker"},
                            {"GET", "/api/v1/matches/{id}", get_match},
                            {"POST", "/api/v1/matches/{id}/feedback", feedback},
                        });
}

}  // namespace hirehub::gateway
