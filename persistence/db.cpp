#include "persistence/db.hpp"

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

}  // namespace hirehub::persistence
