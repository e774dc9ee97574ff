#pragma once
/// The journal writer: appends application events, read-model updates and
/// outbox rows in one PostgreSQL transaction per group of commands (group commit).
///
/// Accepts `append_request` and answers `append_result` or an error:
/// duplicate_application (the user already applied to the job), conflict (the
/// journal fence: another writer holds that sequence number; reload and retry),
/// overloaded (queue full), unavailable (PostgreSQL down; retryable).
/// One command's business failure never fails the others in its group.
/// Runs detached (its own thread): libpqxx blocks.

#include <chrono>
#include <string>

#include <caf/fwd.hpp>

namespace hirehub {
struct job_info;
}

namespace hirehub::persistence {

struct journal_options {
  std::string db_url;
  size_t batch_max = 512;
  size_t queue_max = 20000;
  std::chrono::milliseconds retry{500};
};

caf::actor spawn_journal_writer(caf::actor_system& sys, journal_options opts);

/// `payload` (a JSON object) with the job's company_id, job_owner_id and job_title set:
/// what the journal does to a submit's event and outbox payloads when it takes the job's
/// facts in its commit (append_request::job_facts). Not an object: returned as it is.
std::string with_job_facts(const std::string& payload, const job_info& job);

}  // namespace hirehub::persistence
