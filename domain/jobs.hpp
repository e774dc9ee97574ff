#pragma once
/// The rules of jobs, pure (no I/O): who posts, sees and changes a job, its status
/// machine (draft -> open -> closed -> open; only drafts are deleted), and its skill
/// tags in one spelling. persistence/jobs.cpp applies them inside its transactions;
/// a broken rule throws caf::error (runtime/errors.hpp) and nothing changes.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hirehub::domain::jobs {

/// Who acts: the caller as the gateway authenticated it.
struct actor {
  std::string user_id;
  std::string role;        ///< jobseeker | company | admin
  std::string company_id;  ///< the company of a company member
};

struct skill_ref {
  std::string name;  ///< canonical when the taxonomy knows it, as written otherwise
  bool required = true;
};

/// Only a member of a company posts jobs (forbidden).
void require_poster(const actor& by);

/// `by` may change a job of `company_id` now in `status`: another company's draft is
/// not_found (its existence is not told), any other job of another company forbidden.
void require_owner(const actor& by, const std::string& company_id, const std::string& status);

/// Whether `viewer` may see the job: drafts only to their company and admins.
bool visible(const actor& viewer, const std::string& company_id, const std::string& status);

/// Whether `viewer` reading the job counts as a view (anyone but its company).
bool counts_view(const actor& viewer, const std::string& company_id);

/// "open" from draft or closed, "closed" from open; anything else is illegal_transition.
void check_transition(const std::string& from, const std::string& to);

/// Only drafts are deleted (illegal_transition otherwise).
void check_deletable(const std::string& status);

/// The skills of a {name, required} array in canonical spelling ("golang" is Go,
/// "k8s" Kubernetes, as resumes are read), each once: a skill named twice in any
/// spelling is bad_request with its field ("skills[i].name"). Items arrive shaped by
/// the API (a string name, an optional boolean).
std::vector<skill_ref> canonical_skills(const nlohmann::json& items);

}  // namespace hirehub::domain::jobs
