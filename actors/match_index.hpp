#pragma once
/// The match index of a node (service "matchindex"): the candidate pool and the open
/// jobs in compact form (actors/match_core), loaded from PostgreSQL when the node
/// starts and kept current by reading the change logs (migration 019's triggers)
/// every `refresh`. It hands out immutable snapshots, so scoring never blocks it.
///
///   (snapshot_atom)            -> pool_ptr   the current snapshot (waits for the first load)
///   (refresh_atom)             -> pool_ptr   reads the changes now, then answers
///   (score_atom, job, resume)  -> double     one pair's overall score (-1: job not open);
///                                            a resume outside the pool is read from PostgreSQL
///   (stats_atom)               -> string     {candidates, jobs, generation, loaded, bytes}
///
/// Every node holds the whole pool (100,000 candidates are tens of MB): the scorer and
/// the match actors of any node read it without crossing nodes.

#include <chrono>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include "actors/match_core.hpp"

namespace hirehub::matching {

struct index_options {
  std::chrono::milliseconds refresh{1000};
  std::chrono::milliseconds call_timeout{60000};
  dm::weights weights;
};

caf::actor spawn_index(caf::actor_system& sys, index_options o);

}  // namespace hirehub::matching

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::matching::pool_ptr)
