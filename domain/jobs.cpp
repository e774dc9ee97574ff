#include "domain/jobs.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "domain/errors.hpp"
#include "domain/skill_taxonomy.hpp"
#include "runtime/errors.hpp"
#include "runtime/text_util.hpp"

namespace hirehub::domain::jobs {

namespace {

bool member_of(const actor& a, const std::string& company_id) {
  return a.role == "company" && !a.company_id.empty() && a.company_id == company_id;
}

}  // namespace

void require_poster(const actor& by) {
  if (by.role != "company" || by.company_id.empty())
    throw make_error(errc::forbidden, "only companies post jobs");
}

void require_owner(const actor& by, const std::string& company_id, const std::string& status) {
  if (member_of(by, company_id))
    return;
  if (status == "draft")
    throw make_error(errc::not_found, "no job with this id");
  throw make_error(errc::forbidden, "only the job's company may change it");
}

bool visible(const actor& viewer, const std::string& company_id, const std::string& status) {
  return status != "draft" || member_of(viewer, company_id) || viewer.role == "admin";
}

bool counts_view(const actor& viewer, const std::string& company_id) {
  return !member_of(viewer, company_id);
}

void check_transition(const std::string& from, const std::string& to) {
  bool legal = (to == "open" && (from == "draft" || from == "closed")) || (to == "closed" && from == "open");
  if (!legal)
    throw make_error(jobs_errc::illegal_transition,
                     "a " + from + " job cannot be " + (to == "open" ? "opened" : "closed"), "status");
}

void check_deletable(const std::string& status) {
  if (status != "draft")
    throw make_error(jobs_errc::illegal_transition, "only drafts are deleted; close an open job instead", "status");
}

std::vector<skill_ref> canonical_skills(const nlohmann::json& items) {
  std::vector<skill_ref> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    auto name = items[i]["name"].get<std::string>();
    if (auto canonical = canonical_skill(name))
      name = canonical->name;
    if (!seen.insert(text::ascii_lower(name)).second)
      throw make_error(errc::bad_request, "skill '" + name + "' is listed twice",
                       "skills[" + std::to_string(i) + "].name");
    out.push_back({name, items[i].value("required", true)});
  }
  return out;
}

}  // namespace hirehub::domain::jobs
