#include "persistence/application_queries.hpp"

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "runtime/crypto.hpp"
#include "runtime/errors.hpp"
#include "runtime/ids.hpp"

namespace hirehub::persistence::applications {

using nlohmann::json;

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
  if (!q.cursor.empty()) {
    auto raw = crypto::base64url_decode(q.cursor);
    auto c = raw ? json::parse(*raw, nullptr, false) : json{};
    if (!c.is_object() || !c.contains("t") || !c["t"].is_string() || !c.contains("i") || !c["i"].is_string() ||
        !ids::is_uuid(c["i"].get<std::string>()))
      throw make_error(errc::bad_request, "cursor is not a cursor of this list", "cursor");
    try {
      txn.exec_params("SELECT $1::timestamptz", c["t"].get<std::string>());
    } catch (const pqxx::data_exception&) {
      throw make_error(errc::bad_request, "cursor is not a cursor of this list", "cursor");
    }
    add("(a.applied_at, a.id) < (" + txn.quote(c["t"].get<std::string>()) + "::timestamptz, " +
        txn.quote(c["i"].get<std::string>()) + "::uuid)");
  }
  // The applicant's coarse stage (application_core's stage_of).
  const char* stage =
      "CASE a.status WHEN 'submitted' THEN 'applied' WHEN 'reviewing' THEN 'in_review' WHEN 'interview_scheduled' "
      "THEN 'interview' WHEN 'interview_completed' THEN 'in_review' WHEN 'offered' THEN 'offer' WHEN 'accepted' THEN "
      "'hired' WHEN 'rejected' THEN 'not_selected' ELSE a.status END";
  auto r = txn.exec(
      std::string{"SELECT (json_build_object('id', a.id, 'job_id', a.job_id, 'job_title', j.title, 'user_id', "
                  "a.user_id, 'company_id', a.company_id, 'resume_id', a.resume_id, 'stage', "} +
      stage + ", 'applied_at', " HH_SQL_ISO("a.applied_at") ", 'updated_at', " HH_SQL_ISO("a.updated_at") ")::jsonb" +
      (q.applicant_view ? "" : " || jsonb_build_object('status', a.status)") +
      ")::text, "
      "to_char(a.applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), a.id::text "
      "FROM applications a JOIN jobs j ON j.id = a.job_id" +
      where + " ORDER BY a.applied_at DESC, a.id DESC LIMIT " + std::to_string(q.limit + 1));
  json items = json::array();
  json next = nullptr;
  for (size_t i = 0; i < r.size(); ++i) {
    if (static_cast<int>(i) == q.limit) {
      json c = {{"t", r[i - 1][1].as<std::string>()}, {"i", r[i - 1][2].as<std::string>()}};
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
