#pragma once
/// The two entity kinds of matching (runtime/entity_registry: sharded across nodes,
/// passivated when idle):
///
/// - "match", one per job: the job's top-k candidates (the seed's Redis ZSET
///   `match:job:{job_id}:top`), rebuilt from the `matches` table when it starts and
///   kept current by the scorer's deltas; every delta is published on the hub topic
///   `job:<id>:matches`. Reads never touch SQL but for the candidate view of a row
///   it has not shown before.
///     (matches_atom, query_json) -> json  {items, next_cursor}
///         query: {by: {user_id, role, company_id}, limit, min_score, cursor}
///         (the job's company and admins; a candidate out of the pool is not shown)
///     (update_atom, delta_json)            {changed: [rows], removed: [resume ids], seq}
///     (catchup_atom, by_json, after_seq) -> json  {last_seq, frames: [[seq, frame]]}
///         the rows changed after after_seq; when a row left the list after it, one
///         frame with the whole list and "reset": true
/// - "recommend", one per jobseeker: their best open jobs (`match:user:{id}:recommended`),
///   computed from the node's match index and recomputed when the index changed.
///     (recommend_atom, query_json) -> json  {items, next_cursor}
///         query: {by, limit, cursor} (the jobseeker, admins)
///
/// Errors: forbidden (not the job's company, not the jobseeker), not_found (no such
/// job), bad_request (a cursor that does not read).

#include <chrono>

#include "domain/matching.hpp"
#include "runtime/entity_registry.hpp"

namespace hirehub::matching {

struct entity_options {
  int top_k = 200;
  int recommend_top = 20;
  domain::matching::weights weights;
  std::chrono::milliseconds call_timeout{10000};
};

entity_factory make_job_factory(entity_options o);
entity_factory make_user_factory(entity_options o);

/// A frame of the `job:<id>:matches` topic: {"type":"matches","job_id","seq","changed","removed"};
/// with `reset` ("reset": true) `changed` is the whole list, replacing what the client held.
std::string matches_frame(const std::string& job_id, int64_t seq, const std::string& changed_json,
                          const std::string& removed_json, bool reset = false);

}  // namespace hirehub::matching
