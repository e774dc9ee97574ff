#pragma once
/// A pool of detached actors, each with its own PostgreSQL connection, serving
/// reads and small writes (see persistence/messages.hpp for the protocol).
/// Point lookups (journal loads) that arrive together are answered
/// by one query each (batched by draining the mailbox before querying).

#include <string>

#include <caf/fwd.hpp>

namespace hirehub::persistence {

struct db_worker_options {
  std::string db_url;
  size_t connections = 2;
  size_t batch_max = 512;
  std::string name = "hirehub-db";  ///< the connections' application_name
};

/// Returns a round-robin pool of `connections` workers.
caf::actor spawn_db_pool(caf::actor_system& sys, db_worker_options opts);

}  // namespace hirehub::persistence
