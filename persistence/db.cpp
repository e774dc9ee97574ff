#include "persistence/db.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>

#include <pqxx/pqxx>

#include "persistence/db_task.hpp"
#include "persistence/notifications.hpp"
#include "runtime/ids.hpp"

namespace hirehub::persistence {

std::unique_ptr<pqxx::connection> connect(const std::string& url, const std::string& name) {
  auto conn = std::make_unique<pqxx::connection>(url);
  conn->set_variable("application_name", conn->quote(name));
  // A custom plan (PostgreSQL plans it per call: it sees the array's length and prices
  // the custom plan below the generic one): a plan made once, while the table was small,
  // could scan it whole after it grew, until an ANALYZE; a custom plan follows its size.
  conn->prepare(load_events_statement,
                "SELECT id::text, application_id::text, seq, event_type, from_status, to_status, actor_id::text, "
                "actor_type, reason, payload::text, (extract(epoch from created_at) * 1000)::bigint "
                "FROM application_events WHERE application_id = ANY($1::uuid[]) ORDER BY application_id, seq");
  // The journal's writes. A new application is stored only while its job is open and its
  // resume is one of the applicant's own, with the job's company; the job's facts come back
  // for callers that did not read the job (append_request::job_facts). Each lookup is one
  // probe of a primary key per row (the journal's connection has sequential scans off, so
  // a plan made while a table was small holds as it grows).
  conn->prepare(journal_apps_statement,
                "WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, job_id uuid, user_id uuid, "
                "resume_id uuid, cover_letter text, status text, match_score numeric)), "
                "ins AS (INSERT INTO applications (id, job_id, user_id, company_id, resume_id, cover_letter, status, "
                "match_score) SELECT v.id, v.job_id, v.user_id, j.company_id, v.resume_id, v.cover_letter, v.status, "
                "v.match_score FROM v "
                "CROSS JOIN LATERAL (SELECT j.company_id, " HH_SQL_JOB_STATUS(
                    "j") " AS status FROM jobs j WHERE j.id = v.job_id OFFSET 0) j WHERE j.status = 'open' "
                         "AND EXISTS (SELECT 1 FROM resumes r WHERE r.id = v.resume_id AND r.user_id = v.user_id) "
                         "ON CONFLICT DO NOTHING RETURNING id, job_id, company_id) "
                         "SELECT ins.id::text, ins.company_id::text, j.created_by::text, j.title FROM ins "
                         "CROSS JOIN LATERAL (SELECT j.created_by, j.title FROM jobs j WHERE j.id = ins.job_id "
                         "OFFSET 0) j");
  conn->prepare(journal_events_statement,
                "INSERT INTO application_events (id, application_id, seq, event_type, from_status, to_status, "
                "actor_id, actor_type, reason, payload, created_at) SELECT v.id, v.application_id, v.seq, "
                "v.event_type, v.from_status, v.to_status, v.actor_id, v.actor_type, v.reason, v.payload, "
                "to_timestamp(v.created_ms::double precision / 1000) FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, "
                "application_id uuid, seq int, event_type text, from_status text, to_status text, actor_id uuid, "
                "actor_type text, reason text, payload jsonb, created_ms bigint) "
                "ON CONFLICT (application_id, seq) DO NOTHING RETURNING id::text");
  // In the group's order: the outbox id orders each key's messages.
  conn->prepare(journal_outbox_statement,
                "INSERT INTO outbox (topic, key, payload) SELECT v.topic, v.key, v.payload FROM "
                "jsonb_to_recordset($1::jsonb) AS v(ord int, topic text, key text, payload jsonb) ORDER BY v.ord");
  conn->prepare(notifications::lock_inboxes_statement, notifications::lock_inboxes_sql());
  // PostgreSQL runs this one on a generic plan after five calls (planning it costs ~1.6 ms a
  // call); notifications::store makes that plan hold whatever the tables grow to.
  conn->prepare(notifications::store_statement, notifications::store_sql());
  return conn;
}

std::string uuid_array_literal(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (auto& id : ids) {
    if (!ids::is_uuid(id))
      throw std::invalid_argument("not a UUID: " + id.substr(0, 40));
    out += (out.size() > 1 ? "," : "") + id;
  }
  return out + "}";
}

errc classify(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr)
    return errc::unavailable;
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    return errc::unavailable;
  if (auto* se = dynamic_cast<const pqxx::sql_error*>(&e)) {
    auto state = se->sqlstate();
    // 40xxx: transaction rollback (serialization, deadlock); 08xxx: connection; 57P: admin shutdown.
    if (state.rfind("40", 0) == 0 || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0)
      return errc::unavailable;
  }
  return errc::internal;
}

bool stale_connection(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr)
    return false;
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr)
    return true;
  if (auto* se = dynamic_cast<const pqxx::sql_error*>(&e)) {
    auto state = se->sqlstate();
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

std::string sql_time(int64_t ms) {
  return "to_timestamp(" + std::to_string(ms) + "::double precision / 1000)";
}

std::string sql_literal(pqxx::transaction_base& txn, const nlohmann::json& v) {
  if (v.is_null())
    return "NULL";
  if (v.is_boolean())
    return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer())
    return std::to_string(v.get<int64_t>());
  if (v.is_array()) {
    std::string out = "ARRAY[";
    for (size_t i = 0; i < v.size(); ++i)
      out += (i ? "," : "") + txn.quote(v[i].get<std::string>());
    return out + "]::text[]";
  }
  return txn.quote(v.get<std::string>());
}

std::string sql_assignments(pqxx::transaction_base& txn, const nlohmann::json& fields) {
  std::string out;
  for (auto& [k, v] : fields.items())
    out += (out.empty() ? "" : ", ") + txn.quote_name(k) + " = " + sql_literal(txn, v);
  return out;
}

void write_outbox(pqxx::transaction_base& txn, const std::string& topic, const std::string& key,
                  const nlohmann::json& payload) {
  txn.exec_params("INSERT INTO outbox (topic, key, payload) VALUES ($1, $2, $3::jsonb)", topic, key, payload.dump());
}

std::string sql_now_iso(pqxx::transaction_base& txn) {
  return txn.exec("SELECT " HH_SQL_ISO("now()"))[0][0].as<std::string>();
}

db_reply in_savepoint(pqxx::transaction_base& txn, const std::function<db_reply(pqxx::transaction_base&)>& fn) {
  pqxx::subtransaction sp{dynamic_cast<pqxx::dbtransaction&>(txn), "refusable"};
  try {
    auto out = fn(sp);
    sp.commit();
    return out;
  } catch (const caf::error& e) {
    sp.abort();
    return db_reply{nullptr, e, false};
  }
}

}  // namespace hirehub::persistence
