#pragma once
/// Jobs (the seed's job-service) as CQRS: the write model (`jobs`,
/// `job_skills`, `job_events`, outbox `job.created` / `job.updated`) and the
/// read model `job_search` that the projector keeps up to date from those
/// events and serves search from. Plain functions over one transaction, run in
/// db_task closures; business failures throw caf::error (nothing changes).
///
/// Field values arrive validated by the API layer (types, lengths, choices);
/// these functions apply the rules of domain/jobs (ownership, the status machine,
/// skills in one spelling) inside their transactions, and the range checks.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/jobs.hpp"
#include "persistence/db_task.hpp"

namespace hirehub {
struct kafka_record;
}

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence::jobs {

using actor = domain::jobs::actor;

/// Creates a job of `by`'s company; `skills` is an array of {name, required}.
nlohmann::json create(pqxx::transaction_base& txn, const nlohmann::json& fields, const nlohmann::json& skills,
                      const std::string& status, const actor& by);

/// Updates the given fields (null clears) and, when `skills` is an array, replaces the skills.
nlohmann::json update(pqxx::transaction_base& txn, const std::string& job_id, const nlohmann::json& fields,
                      const nlohmann::json& skills, const actor& by);

/// "open" (from draft or closed) or "closed" (from open).
nlohmann::json set_status(pqxx::transaction_base& txn, const std::string& job_id, const std::string& to,
                          const actor& by);

/// Deletes a draft of `by`'s company.
void remove_draft(pqxx::transaction_base& txn, const std::string& job_id, const actor& by);

/// A job as its viewer may see it (drafts only to their company); counts a
/// view when the viewer is not of the job's company.
nlohmann::json get(pqxx::transaction_base& txn, const std::string& job_id, const actor& viewer);

/// The skill master list.
nlohmann::json skills(pqxx::transaction_base& txn);

struct search_query {
  std::string text;
  std::vector<std::string> skills;  ///< all required (names, any case)
  std::string location;             ///< prefix, any case
  std::string remote_type;
  std::string job_type;
  std::string experience_level;
  std::optional<int64_t> experience;  ///< the seeker's years: within [experience_min, experience_max]
  std::optional<int64_t> salary_min;  ///< overlap with [salary_min, salary_max]
  std::optional<int64_t> salary_max;
  std::string status = "open";  ///< open | closed | draft | all
  std::string company_id;
  std::string sort = "newest";  ///< newest | relevance (needs text)
  int limit = 20;
  std::string cursor;          ///< from a previous page
  int relevance_window = 200;  ///< relevance ranks this many newest matches
};

/// One page of results, `{"jobs": [...], "next_cursor": "..." | null}`. Throws
/// bad_request (field "cursor") for a cursor that is not one of ours.
nlohmann::json search(pqxx::transaction_base& txn, const search_query& q);

/// Rebuilds the read model rows of `job_ids` from the write model (deleted
/// jobs leave it). Idempotent; a row never goes back to an older version.
size_t project(pqxx::transaction_base& txn, const std::vector<std::string>& job_ids);

/// Recounts applies_count of `job_ids` from the applications and sets the
/// counts (applies, views) in their search documents; idempotent. Cheap next
/// to `project`: nothing else in the document or the search row changes.
void recount_applies(pqxx::transaction_base& txn, const std::vector<std::string>& job_ids);

// ---- the API's requests, as tasks for the db pool (each one transaction) -----------

/// Posts a job (answers it; the outbox has job.created).
db_fn create_command(nlohmann::json fields, nlohmann::json skills, std::string status, actor by);
/// Edits a job (answers it; job.updated).
db_fn update_command(std::string job_id, nlohmann::json fields, nlohmann::json skills, actor by);
/// Opens or closes a job (answers it; job.updated).
db_fn status_command(std::string job_id, std::string to, actor by);
/// Deletes a draft (answers null; job.updated with deleted).
db_fn delete_draft_command(std::string job_id, actor by);
/// A job as `viewer` may see it (counts the view).
db_fn get_query(std::string job_id, actor viewer);
/// {"skills": [...]}: the master list.
db_fn skills_query();
/// One page of search results.
db_fn search_request(search_query q);

/// The projector's batch: recounts `recount`, rebuilds `rebuild` in the read model and
/// confirms the consumed records for `group` (outbox::confirm), in one transaction;
/// answers how many jobs changed.
db_fn projection_command(std::vector<std::string> rebuild, std::vector<std::string> recount, std::string group,
                         std::vector<kafka_record> consumed);

}  // namespace hirehub::persistence::jobs
