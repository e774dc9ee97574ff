/// Jobs: post, edit, open, close, delete a draft (the write model, on the "db"
/// pool), a job's page, the skill list, and search over the read model.
#include "gateway/request_context.hpp"
#include "persistence/jobs.hpp"
#include "runtime/ids.hpp"

namespace hirehub::gateway {

namespace {

namespace jobs = persistence::jobs;
using nlohmann::json;

/// The job id of a /api/v1/jobs/{id} route (anything else is an unknown job).
const std::string& job_id_of(const route_params& p) {
  if (!ids::is_uuid(p[0]))
    throw bad_input{errc::not_found, "no job with this id", ""};
  return p[0];
}

jobs::actor actor_of(const principal& p) {
  return {p.user_id, p.role, p.company_id};
}

const std::initializer_list<const char*> job_fields = {
    "title",      "description", "requirements", "job_type",    "experience_level", "experience_min", "experience_max",
    "salary_min", "salary_max",  "location",     "remote_type", "expires_at",       "skills",         "status"};

/// The skills array ({name, required} items), or null when absent.
json read_skills(const body_reader& body) {
  auto* it = body.raw("skills");
  if (it == nullptr)
    return nullptr;
  if (!it->is_array())
    throw bad_input{errc::bad_request, "skills must be an array of {name, required}", "skills"};
  if (it->size() > 30)
    throw bad_input{errc::payload_too_large, "skills has more than 30 items", "skills"};
  json out = json::array();
  for (size_t i = 0; i < it->size(); ++i) {
    body_reader s{(*it)[i], "skills[" + std::to_string(i) + "]", {"name", "required"}};
    auto name = s.text("name", true, 100);
    auto required = s.boolean("required");
    out.push_back({{"name", name}, {"required", required.value_or(true)}});
  }
  return out;
}

/// Reads the job fields present in `body` into `fields` (null clears) and the skills.
void read_job(body_reader& body, bool create, json& fields, json& skills) {
  body.text("title", create, 200);
  if (!create && body.is_null("title"))
    throw bad_input{errc::bad_request, "title cannot be cleared", "title"};
  body.text("description", false, 20000);
  body.text("requirements", false, 20000);
  body.choice("job_type", false, {"full-time", "part-time", "contract", "intern"});
  body.choice("experience_level", false, {"entry", "junior", "mid", "senior", "lead"});
  auto emin = body.integer("experience_min", false, 0, 50);
  auto emax = body.integer("experience_max", false, 0, 50);
  if (emin && emax && *emin > *emax)
    throw bad_input{errc::bad_request, "experience_min must not exceed experience_max", "experience_min"};
  auto smin = body.integer("salary_min", false, 0, 2000000000);
  auto smax = body.integer("salary_max", false, 0, 2000000000);
  if (smin && smax && *smin > *smax)
    throw bad_input{errc::bad_request, "salary_min must not exceed salary_max", "salary_min"};
  body.text("location", false, 200);
  body.choice("remote_type", false, {"onsite", "remote", "hybrid"});
  auto exp = body.text("expires_at", false, 40);
  if (!exp.empty() && (exp.size() < 20 || exp[4] != '-' || exp[10] != 'T'))
    throw bad_input{errc::bad_request, "expires_at must be an RFC 3339 time like 2026-12-31T23:59:59Z", "expires_at"};
  fields = body.collected();
  fields.erase("status");
  skills = read_skills(body);
}

void create_job(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  require_role(by, "company");
  body_reader body{req, job_fields};
  auto status = body.choice("status", false, {"draft", "open"});
  json fields, skills;
  read_job(body, true, fields, skills);
  if (status.empty())
    status = "open";
  ask_task(
      self, sh, "db", jobs::create_command(fields, skills, status, actor_of(by)),
      [](json& job) {
        auto r = json_response(201, job.dump());
        r.headers.emplace_back("Location", "/api/v1/jobs/" + job["id"].get<std::string>());
        return r;
      });
}

void patch_job(request_actor* self, api_shared& sh, const route_params& p) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  job_id_of(p);
  body_reader body{req, job_fields};
  if (body.has("status"))
    throw bad_input{errc::bad_request, "status changes through POST /api/v1/jobs/{id}/open or /close", "status"};
  json fields, skills;
  read_job(body, false, fields, skills);
  if (fields.empty() && skills.is_null())
    throw bad_input{errc::bad_request, "nothing to update: give at least one job field", ""};
  ask_task(self, sh, "db", jobs::update_command(p[0], fields, skills, actor_of(by)), json_reply());
}

template <const char* To>
void move_job(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  job_id_of(p);
  ask_task(self, sh, "db", jobs::status_command(p[0], To, actor_of(by)), json_reply());
}

constexpr char open_status[] = "open";
constexpr char closed_status[] = "closed";

void delete_job(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  job_id_of(p);
  ask_task(self, sh, "db", jobs::delete_draft_command(p[0], actor_of(by)), no_content);
}

void get_job(request_actor* self, api_shared& sh, const route_params& p) {
  auto by = caller(self, sh);
  job_id_of(p);
  ask_task(self, sh, "db", jobs::get_query(p[0], actor_of(by)), json_reply());
}

void list_skills(request_actor* self, api_shared& sh, const route_params&) {
  caller(self, sh);
  ask_task(self, sh, "db", jobs::skills_query(), json_reply());
}

void search_jobs(request_actor* self, api_shared& sh, const route_params&) {
  auto& req = req_of(self);
  auto by = caller(self, sh);
  auto& qs = req.query;
  query_reader in{qs,
                  {"q", "skills", "location", "remote_type", "job_type", "experience_level", "experience", "salary_min",
                   "salary_max", "status", "company_id", "sort", "limit", "cursor"}};
  jobs::search_query q;
  q.text = in.text("q", 200);
  for (auto& s : in.list("skills", 10, 100))
    q.skills.push_back(s);
  q.location = in.text("location", 200);
  q.remote_type = in.choice("remote_type", {"onsite", "remote", "hybrid"});
  q.job_type = in.choice("job_type", {"full-time", "part-time", "contract", "intern"});
  q.experience_level = in.choice("experience_level", {"entry", "junior", "mid", "senior", "lead"});
  q.experience = in.integer("experience", 0, 50);
  q.salary_min = in.integer("salary_min", 0, 2000000000);
  q.salary_max = in.integer("salary_max", 0, 2000000000);
  if (q.salary_min && q.salary_max && *q.salary_min > *q.salary_max)
    throw bad_input{errc::bad_request, "salary_min must not exceed salary_max", "salary_min"};
  auto status = in.choice("status", {"open", "closed", "draft", "all"});
  q.status = status.empty() ? "open" : status;
  q.company_id = in.text("company_id", 36);
  if (!q.company_id.empty() && !ids::is_uuid(q.company_id))
    throw bad_input{errc::bad_request, "company_id must be a UUID", "company_id"};
  if ((q.status == "draft" || q.status == "all") && (by.role != "company" || q.company_id != by.company_id))
    throw bad_input{errc::forbidden, "drafts are listed only to their company: add company_id=<your company>",
                    "status"};
  auto sort = in.choice("sort", {"newest", "relevance"});
  q.sort = sort.empty() ? (q.text.empty() ? "newest" : "relevance") : sort;
  if (q.sort == "relevance" && q.text.empty())
    throw bad_input{errc::bad_request, "sort=relevance needs q", "sort"};
  q.limit = static_cast<int>(in.integer("limit", 1, 100).value_or(20));
  q.cursor = in.text("cursor", 1000);
  q.relevance_window = sh.opts.relevance_window;
  ask_task(self, sh, "db", jobs::search_request(q), json_reply());
}

}  // namespace

void add_job_routes(std::vector<route_def>& out) {
  out.insert(out.end(), {
                            {"POST", "/api/v1/jobs", create_job},
                            {"GET", "/api/v1/jobs", search_jobs},
                            {"GET", "/api/v1/jobs/{id}", get_job},
                            {"PATCH", "/api/v1/jobs/{id}", patch_job},
                            {"DELETE", "/api/v1/jobs/{id}", delete_job},
                            {"POST", "/api/v1/jobs/{id}/open", move_job<open_status>},
                            {"POST", "/api/v1/jobs/{id}/close", move_job<closed_status>},
                            {"GET", "/api/v1/skills", list_skills},
                        });
}

}  // namespace hirehub::gateway
