/// Service endpoints, jobs (minimal), applications and notifications.
#include "gateway/openapi.hpp"
#include "actors/match_atoms.hpp"
#include "gateway/request_context.hpp"
#include "persistence/application_queries.hpp"
#include "persistence/messages.hpp"
#include "persistence/types.hpp"
#include "runtime/crypto.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway {

namespace {

void health(request_actor* self, api_shared&, const route_params&) {
  finish(self, json_response(200, R"({"status":"ok"})"));
}

void ready(request_actor* self, api_shared& sh, const route_params&) {
  auto& r = *sh.ready;
  bool ok = r.postgres && r.kafka && r.migrations && r.started && r.cluster;
  nlohmann::json body = {{"status", ok ? "ready" : "not_ready"},
                         {"checks",
                          {{"postgres", r.postgres.load()},
                           {"kafka", r.kafka.load()},
                           {"migrations", r.migrations.load()},
                           {"actors", r.started.load()},
                           {"cluster", r.cluster.load()}}}};
  finish(self, json_response(ok ? 200 : 503, body.dump()));
}

/// Prometheus text: for the scraper's token (http.metrics_token) or an admin, unless
/// http.metrics_access = public. Series names and counts say a lot about the traffic.
void metrics_text(request_actor* self, api_shared& sh, const route_params&) {
  if (!sh.opts.metrics_public) {
    auto& header = req_of(self).authorization;
    bool scraper = !sh.opts.metrics_token.empty() && header.rfind("Bearer ", 0) == 0 &&
                   crypto::equal(header.substr(7), sh.opts.metrics_token);
    if (!scraper)
      require_role(caller(self, sh), "admin");
  }
  http_response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = metrics::render();
  finish(self, std::move(r));
}

void openapi(request_actor* self, api_shared&, const route_params&) {
  finish(self, json_response(200, openapi_document()));
}

void submit(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "jobseeker");
  body_reader body{req, {"job_id", "resume_id", "cover_letter"}};
  application::submit_application cmd;
  cmd.request_id = req.request_id;
  cmd.by = by;
  cmd.job_id = body.uuid("job_id", true);
  cmd.resume_id = body.uuid("resume_id", true);
  cmd.cover_letter = body.text("cover_letter", false, 10000);
  cmd.fingerprint = crypto::sha256_hex(cmd.job_id + '\n' + cmd.resume_id + '\n' + cmd.cover_letter);
  std::string id;
  bool fresh = true;
  if (!req.idempotency_key.empty()) {
    auto& k = req.idempotency_key;
    if (k.size() > 200 || std::any_of(k.begin(), k.end(), [](char c) { return c < 0x21 || c > 0x7e; }))
      throw bad_input{errc::bad_request, "Idempotency-Key must be 1-200 visible ASCII characters", "Idempotency-Key"};
    // The same user and key always name the same application: a retried POST
    // reaches the entity that answered the first one.
    id = ids::name_uuid("application:" + by.user_id + ":" + k);
    fresh = false;
  } else {
    id = ids::random_uuid();
  }
  auto route = [self, &sh, id, fresh](application::submit_application cmd) {
    ask_application<application::application_view>(self, sh, id, fresh, caf::make_message(std::move(cmd)),
                                                   [id](application::application_view& v) {
                                                     auto r = json_response(201, v.json);
                                                     r.headers.emplace_back("Location", "/api/v1/applications/" + id);
                                                     if (v.replayed)
                                                       r.headers.emplace_back("Idempotent-Replayed", "true");
                                                     return r;
                                                   });
  };
  // The resume's score for the job goes with the application (applications.match_score,
  // the company's e-mail). From this node's match index; without it (loading,
  // restarting, slow) the application goes on without a score rather than fail.
  auto index = service(*sh.sys, "matchindex");
  if (!index) {
    route(std::move(cmd));
    return;
  }
  self->request(index, std::chrono::seconds(2), score_atom::value, cmd.job_id, cmd.resume_id)
      .then(
          [route, cmd](double score) mutable {
            cmd.match_score = score;
            route(std::move(cmd));
          },
          [route, cmd](caf::error&) mutable { route(std::move(cmd)); });
}

void list_applications(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  query_reader in{req.query, {"job_id", "status", "limit", "cursor", "sort"}};
  persistence::applications::list_query q;
  q.job_id = in.text("job_id", 36);
  if (!q.job_id.empty() && !ids::is_uuid(q.job_id))
    throw bad_input{errc::bad_request, "job_id must be a UUID", "job_id"};
  q.status = in.choice("status", {"submitted", "reviewing", "interview_scheduled", "interview_completed", "offered",
                                  "accepted", "rejected", "withdrawn"});
  q.limit = static_cast<int>(in.integer("limit", 1, 100).value_or(20));
  q.cursor = in.text("cursor", 500);
  q.by_match_score = in.choice("sort", {"applied_at", "match_score"}) == "match_score";
  if (by.role == "jobseeker") {
    if (q.by_match_score)
      throw bad_input{errc::bad_request, "sort by match_score orders a company's lists", "sort"};
    if (!q.job_id.empty())
      throw bad_input{errc::bad_request, "job_id filters a company's lists", "job_id"};
    if (!q.status.empty())
      throw bad_input{errc::bad_request, "status filters a company's lists", "status"};
    q.user_id = by.user_id;
    q.applicant_view = true;
  } else if (by.role == "company") {
    q.company_id = by.company_id;
  } else {
    throw bad_input{errc::forbidden, "lists are for jobseekers (own) and companies (theirs)", ""};
  }
  ask_task(self, sh, "db", persistence::applications::list_request(std::move(q)), json_reply());
}

void get_application(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no application with this id", ""};
  ask_application<application::application_view>(
      self, sh, p[0], false, caf::make_message(application::get_application{req.request_id, by}),
      [](application::application_view& v) { return json_response(200, v.json); });
}

void change_status(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  body_reader body{req, {"status", "reason"}};
  application::change_status cmd;
  cmd.request_id = req.request_id;
  cmd.by = by;
  cmd.to_status = body.text("status", true, 40);
  cmd.reason = body.text("reason", false, 64);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no application with this id", ""};
  ask_application<application::application_view>(
      self, sh, p[0], false, caf::make_message(std::move(cmd)),
      [](application::application_view& v) { return json_response(200, v.json); });
}

void application_events(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no application with this id", ""};
  ask_application<application::history_view>(
      self, sh, p[0], false, caf::make_message(application::get_history{req.request_id, by, 0}),
      [](application::history_view& h) {
        return json_response(200, R"({"events":)" + h.events + R"(,"last_seq":)" + std::to_string(h.last_seq) + "}");
      });
}

void read_notification(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no such notification", ""};
  ask_db<stored_notification>(
      self, sh, [](stored_notification& n) { return json_response(200, n.json); }, read_notif_atom::value, by.user_id,
      p[0]);
}

}  // namespace

void add_core_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"GET", "/health", health, access::anyone},
                            {"GET", "/ready", ready, access::anyone},
                            {"GET", "/metrics", metrics_text, access::anyone},
                            {"GET", "/api/v1/openapi.json", openapi, access::anyone},
                            {"POST", "/api/v1/applications", submit},
                            {"GET", "/api/v1/applications", list_applications},
                            {"GET", "/api/v1/applications/{id}", get_application},
                            {"PATCH", "/api/v1/applications/{id}/status", change_status},
                            {"GET", "/api/v1/applications/{id}/events", application_events},
                            {"POST", "/api/v1/notifications/{id}/read", read_notification},
                        });
}

}  // namespace hirehub::gateway
