#pragma once
/// Small helpers shared by the persistence actors. libpqxx types stay in the
/// .cpp files of this folder.

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "runtime/errors.hpp"

#include <nlohmann/json_fwd.hpp>
#include <pqxx/connection>

/// SQL for a timestamptz column as RFC 3339 UTC text with milliseconds.
#define HH_SQL_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

/// SQL for a job's status as users see it: an open job past its expires_at reads as closed.
#define HH_SQL_JOB_STATUS(alias) \
  "CASE WHEN " alias ".status = 'open' AND " alias ".expires_at <= now() THEN 'closed' ELSE " alias ".status END"

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence {

/// Opens a connection; throws on failure. The hot statements below are declared
/// on it (libpqxx prepares one on the server the first time it runs there, and
/// again after a reconnect): their text never changes, so PostgreSQL plans them
/// once per connection instead of once per call. `name` becomes the session's
/// application_name, so pg_stat_activity (and a DBA) tells the journal from the
/// relay and the pools.
std::unique_ptr<pqxx::connection> connect(const std::string& url, const std::string& name = "hirehub");

/// Prepared: jobs by id ($1: uuid[]) -> id, company_id, created_by, title, status
/// (an open job past its expires_at reads as closed).
/// Prepared: the journal of applications ($1: uuid[]), ordered by application and seq.
inline constexpr const char* load_events_statement = "hh_load_events";

/// Prepared on every connection, used by the journal writer: its group's new
/// applications, events and outbox rows, each as one JSON array ($1; see journal_writer.cpp).
inline constexpr const char* journal_apps_statement = "hh_journal_apps";
inline constexpr const char* journal_events_statement = "hh_journal_events";
inline constexpr const char* journal_outbox_statement = "hh_journal_outbox";

/// A PostgreSQL array literal of UUIDs (each checked; throws std::invalid_argument otherwise).
std::string uuid_array_literal(const std::vector<std::string>& ids);

/// Turns an exception from libpqxx (or anything else) into an errc:
/// broken connections and serialization failures are `unavailable` (retryable),
/// everything else `internal`.
errc classify(const std::exception& e);

/// True when `e` says the server closed the connection before the transaction was
/// committed (a restart, a failover, an idle timeout): it was rolled back and may run
/// again on a new connection. A failure during COMMIT (in doubt) is not one.
bool stale_connection(const std::exception& e);

/// Milliseconds since the epoch as a SQL timestamptz literal expression.
std::string sql_time(int64_t ms);

/// A validated JSON value (null, bool, integer, string, array of strings) as a SQL literal.
std::string sql_literal(pqxx::transaction_base& txn, const nlohmann::json& v);

/// "col = literal, ..." for every member of `fields` (names already restricted to known columns).
std::string sql_assignments(pqxx::transaction_base& txn, const nlohmann::json& fields);

/// Appends a row to the outbox (published by the relay after the commit).
void write_outbox(pqxx::transaction_base& txn, const std::string& topic, const std::string& key,
                  const nlohmann::json& payload);

/// The transaction's now() as RFC 3339 UTC text.
std::string sql_now_iso(pqxx::transaction_base& txn);

}  // namespace hirehub::persistence
