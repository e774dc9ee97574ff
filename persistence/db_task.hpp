#pragma once
/// A unit of work for a db pool worker: `fn` runs inside one transaction on the
/// worker's connection (a detached actor, so blocking work such as password
/// hashing stays off the scheduler threads). The transaction commits when `fn`
/// returns, also when it reports a business error through `db_reply::error`
/// (e.g. a reused refresh token revokes its family *and* answers 401); it rolls
/// back when `fn` throws (a caf::error from make_error keeps its code, anything
/// else is classified as unavailable or internal).
///
/// Tasks are node-local: the closure never crosses nodes, so the API layer of
/// every node talks to its own pools.

#include <functional>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/error.hpp>
#include <nlohmann/json.hpp>

namespace pqxx {
class transaction_base;
}

namespace hirehub::persistence {

struct db_reply {
  nlohmann::json value;
  caf::error error;     ///< set: answer this error, after the commit
  bool outbox = false;  ///< rows went to the outbox: the worker wakes the relay after the commit
};

/// A committed result.
inline db_reply reply(nlohmann::json value, bool wrote_outbox = false) {
  return db_reply{std::move(value), caf::error{}, wrote_outbox};
}

struct db_task {
  std::function<db_reply(pqxx::transaction_base&)> fn;
  /// Runs on the worker's thread before the transaction opens: slow work that must
  /// not hold a transaction (a file extracted in a child process). An error it
  /// returns is the answer, and `fn` does not run.
  std::function<caf::error()> before = nullptr;
};

/// The work of a db_task: what callers outside persistence/ get from its store
/// functions (they never name libpqxx's types).
using db_fn = std::function<db_reply(pqxx::transaction_base&)>;

/// Work that needs nothing from the database (a task whose `before` step is the
/// work): answers null.
db_fn no_query();

/// Runs `fn` in a savepoint of `txn`: when it throws a caf::error (a refusal) its
/// writes are undone and the error is answered, while what the transaction wrote
/// before it (an attempt counted against a limit) is committed.
db_reply in_savepoint(pqxx::transaction_base& txn, const std::function<db_reply(pqxx::transaction_base&)>& fn);

}  // namespace hirehub::persistence

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::persistence::db_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::persistence::db_reply)
