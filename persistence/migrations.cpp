#include "persistence/migrations.hpp"

#include <pqxx/pqxx>

#include "persistence/db.hpp"
#include "runtime/log.hpp"

namespace hirehub::persistence {

// The migrations themselves: persistence/migrations/NNN_what.sql, compiled in
// (migrations_sql.cpp, made by embed_migrations.cmake).

int migrate(const std::string& db_url) {
  pqxx::connection conn{db_url};
  auto exec_now = [&conn](const std::string& sql) {
    pqxx::nontransaction t{conn};
    t.exec(sql);
  };
  // One node migrates at a time; the others wait here and then find nothing to do.
  exec_now("SELECT pg_advisory_lock(4242001)");
  int applied = 0;
  try {
    exec_now(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (auto& m : migrations()) {
      pqxx::work txn{conn};
      auto r = txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version);
      if (!r.empty())
        continue;
      txn.exec(m.sql);
      txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
      txn.commit();
      ++applied;
      log::info("migration applied", {{"version", m.version}, {"name", m.name}});
    }
  } catch (const std::exception& e) {
    exec_now("SELECT pg_advisory_unlock(4242001)");
    throw std::runtime_error(std::string{"database migration failed: "} + e.what());
  }
  exec_now("SELECT pg_advisory_unlock(4242001)");
  return applied;
}

void reset_domain_data(const std::string& db_url) {
  auto conn = connect(db_url);
  pqxx::work txn{*conn};
  txn.exec(
      "TRUNCATE users, jobseeker_profiles, companies, company_members, company_invitations, refresh_tokens, jobs, "
      "job_events, job_skills, job_search, job_search_docs, applications, application_events, interviews, "
      "notifications, device_tokens, user_notification_settings, outbox, outbox_acks, resumes, ai_tasks RESTART "
      "IDENTITY CASCADE");
  txn.commit();
}

resume_progress resume_counts(const std::string& db_url) {
  auto conn = connect(db_url);
  pqxx::read_transaction txn{*conn};
  auto r = txn.exec1(
      "SELECT count(*) FILTER (WHERE status = 'processing'), count(*) FILTER (WHERE status = 'ready'), count(*) "
      "FILTER (WHERE status = 'error') FROM resumes");
  return {r[0].as<int64_t>(), r[1].as<int64_t>(), r[2].as<int64_t>()};
}

}  // namespace hirehub::persistence
