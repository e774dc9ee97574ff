#pragma once
/// Embedded, versioned SQL migrations. `migrate` applies the ones not yet in
/// `schema_migrations`, each in its own transaction, under an advisory lock so
/// that nodes starting together do not race. Running it again changes nothing.

#include <string>
#include <vector>

namespace hirehub::persistence {

struct migration {
  int version;
  std::string name;
  std::string sql;
};

const std::vector<migration>& migrations();

/// Applies pending migrations on `db_url`; returns how many were applied.
/// Throws std::runtime_error with a readable message on failure.
int migrate(const std::string& db_url);

/// Empties every table of domain data (accounts, jobs, applications, interviews,
/// notifications, the outbox and the read models); keeps the schema, the skill
/// master list and the notification templates. For `hirehub seed --reset`.
void reset_domain_data(const std::string& db_url);

struct resume_progress {
  int64_t processing = 0, ready = 0, error = 0;
};
/// How many resumes are in each status (the seeder waits for its uploads).
resume_progress resume_counts(const std::string& db_url);

}  // namespace hirehub::persistence
