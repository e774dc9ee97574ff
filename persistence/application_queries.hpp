#pragma once
/// Read-side lists of applications from the `applications` read model (kept by
/// the journal writer in the same transaction as each event): a jobseeker's
/// own, and a company's, optionally for one job and one status. Newest first,
/// or (a company's) best match first; keyset pages.

#include <string>

#include <nlohmann/json.hpp>

#include "persistence/db_task.hpp"

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence::applications {

struct list_query {
  std::string user_id;          ///< set: this jobseeker's applications
  std::string company_id;       ///< set: this company's applications
  std::string job_id;           ///< optional (company lists)
  std::string status;           ///< optional
  bool applicant_view = false;  ///< the jobseeker's lists: the coarse stage, no status or score
  bool by_match_score = false;  ///< match_score descending (unscored last), then id; else applied_at
  int limit = 20;
  std::string cursor;
};

/// `{"applications": [...], "next_cursor": "..." | null}`; throws bad_request
/// (field "cursor") for a cursor that is not ours or is of the other order.
nlohmann::json list(pqxx::transaction_base& txn, const list_query& q);

/// `list` as a task for the db pool.
db_fn list_request(list_query q);

}  // namespace hirehub::persistence::applications
