#include "persistence/db.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

#include <pqxx/pqxx>

namespace hirehub::persistence {

std::unique_ptr<pqxx::connection> connect(const std::string& url) {
  return std::make_unique<pqxx::connection>(url);
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

}  // namespace hirehub::persistence
