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
  auto r = txn.exec(
      "SELECT json_build_object('id', a.id, 'job_id', a.job_id, 'job_title', j.title, 'user_id', a.user_id, "
      "'company_id', a.company_id, 'resume_id', a.resume_id, 'status', a.status, 'applied_at', " HH_SQL_ISO(
          "a.applied_at") ", 'updated_at', " HH_SQL_ISO("a.updated_at") ")::text, "
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

}  // namespace hirehub::persistence::applications
