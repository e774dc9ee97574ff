#pragma once
/// Small helpers shared by the persistence actors. libpqxx types stay in the
/// .cpp files of this folder.

#include <exception>
#include <memory>
#include <string>

#include "runtime/errors.hpp"

#include <pqxx/connection>

namespace hirehub::persistence {

/// Opens a connection; throws on failure.
std::unique_ptr<pqxx::connection> connect(const std::string& url);

/// Turns an exception from libpqxx (or anything else) into an errc:
/// broken connections and serialization failures are `unavailable` (retryable),
/// everything else `internal`.
errc classify(const std::exception& e);

/// Milliseconds since the epoch as a SQL timestamptz literal expression.
std::string sql_time(int64_t ms);

}  // namespace hirehub::persistence
