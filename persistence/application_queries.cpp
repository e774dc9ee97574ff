#include "persistence/application_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "runtime/crypto.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"

namespace hirehub::persistence::applications {

using nlohmann::json;

namespace {

[[noreturn]] void bad_cursor() {
  throw make_error(errc::bad_request, "cursor is not a cursor of this list", "cursor");
}

/// Checks that `value` reads as `type` in PostgreSQL.
void check_reads_as(pqxx::transaction_base& txn, const std::string& value, const char* type) {
  try {
    txn.exec_params(std::string{"SELECT $1::"} + type, value);
  } catch (const pqxx::data_exception&) {
    bad_cursor();
  }
}

/// The condition of the rows after the cursor: {t, i} newest first; {s, i, o: "score"}
/// by match score (s null: among the unscored, which come last).
std::string after_cursor(pqxx::transaction_base& txn, const list_query& q) {
  auto raw = crypto::base64url_decode(q.cursor);
  auto c = raw ? json::parse(*raw, nullptr, false) : json{};
  if (!c.is_object() || !c["i"].is_string() || !ids::is_uuid(c["i"].get<std::string>()))
    bad_cursor();
  auto id = txn.quote(c["i"].get<std::string>()) + "::uuid";
  if (!q.by_match_score) {
    if (!c["t"].is_string() || c.contains("o"))
      bad_cursor();
    check_reads_as(txn, c["t"].get<std::string>(), "timestamptz");
    return "(a.applied_at, a.id) < (" + txn.quote(c["t"].get<std::string>()) + "::timestamptz, " + id + ")";
  }
  if (c["o"] != "score" || !(c["s"].is_null() || c["s"].is_string()))
    bad_cursor();
  if (c["s"].is_null())
    return "(a.match_score IS NULL AND a.id < " + id + ")";
  check_reads_as(txn, c["s"].get<std::string>(), "numeric(5,2)");
  auto s = txn.quote(c["s"].get<std::string>()) + "::numeric";
  return "(a.match_score < " + s + " OR (a.match_score = " + s + " AND a.id < " + id + ") OR a.match_score IS NULL)";
}

}  // namespace

json list(pqxx::transaction_base& txn, const list_query& q) {
  std::string where;
  auto add = [&](const std::string& c) { where += (where.empty() ? " WHERE " : " AND ") + c; };
  if (!q.user_id.empty())
    add("a.user_id = " + txn.quote(q.user_id) + "::uuid");
  if (!q.company_id.empty())
    add("a.company_id = " + txn.quote(q.company_id) + "::uuid");
  if (!q.job_id.empty())
    add("a.job_id = " + txn.quote(q.job_id) + "::uuid");
  if (!q.status.empty())
    add("a.status = " + txn.quote(q.status));
  if (!q.cursor.empty())
    add(after_cursor(txn, q));
  // The applicant's coarse stage (application_core's stage_of).
  const char* stage =
      "CASE a.status WHEN 'submitted' THEN 'applied' WHEN 'reviewing' THEN 'in_review' WHEN 'interview_scheduled' "
      "THEN 'interview' WHEN 'interview_completed' THEN 'in_review' WHEN 'offered' THEN 'offer' WHEN 'accepted' THEN "
      "'hired' WHEN 'rejected' THEN 'not_selected' ELSE a.status END";
  auto r = txn.exec(
      std::string{"SELECT (json_build_object('id', a.id, 'job_id', a.job_id, 'job_title', j.title, 'user_id', "
                  "a.user_id, 'company_id', a.company_id, 'resume_id', a.resume_id, 'stage', "} +
      stage + ", 'applied_at', " HH_SQL_ISO("a.applied_at") ", 'updated_at', " HH_SQL_ISO("a.updated_at") ")::jsonb" +
      (q.applicant_view ? "" : " || jsonb_build_object('status', a.status, 'match_score', a.match_score)") +
      ")::text, "
      "to_char(a.applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), a.id::text, "
      "a.match_score::text FROM applications a JOIN jobs j ON j.id = a.job_id" +
      where +
      (q.by_match_score ? " ORDER BY a.match_score DESC NULLS LAST, a.id DESC"
                        : " ORDER BY a.applied_at DESC, a.id DESC") +
      " LIMIT " + std::to_string(q.limit + 1));
  json items = json::array();
  json next = nullptr;
  for (size_t i = 0; i < r.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      const auto& last = r[i - 1];
      json c = {{"i", last[2].as<std::string>()}};
      if (q.by_match_score) {
        c["o"] = "score";
        c["s"] = last[3].is_null() ? json(nullptr) : json(last[3].as<std::string>());
      } else {
        c["t"] = last[1].as<std::string>();
      }
      next = crypto::base64url_encode(c.dump());
      break;
    }
    items.push_back(json::parse(r[i][0].as<std::string>()));
  }
  return {{"applications", items}, {"next_cursor", next}};
}

db_fn list_request(list_query q) {
  return [q = std::move(q)](pqxx::transaction_base& txn) { return reply(list(txn, q)); };
}

}  // namespace hirehub::persistence::applications
