#pragma once
/// The match router (service "matchrouter"): the handler of the `match-actors`
/// consumer group (match.calculated, match.recommended, match.removed), the only way a
/// job's match actor learns that its rows changed. For a batch it reads the rows the
/// events name in one query (a row gone since is skipped; a row changed since is taken
/// as it is now), sends each job's delta `{changed: [rows], removed: [{resume_id, seq}],
/// seq}` to the job's match actor through the registry (kind "match",
/// `(update_atom, delta_json)`) and waits for every actor's answer, publishes each new
/// recommendation on the jobseeker's `recommendations:<user_id>` hub topic, and only
/// then confirms the batch's outbox rows. A batch that fails (an actor's node gone, the
/// database restarting) is handed again by the consumer; an actor keeps a row only when
/// its number is above the one it holds, so a batch seen twice changes nothing.

#include <chrono>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

namespace hirehub::matching {

struct router_options {
  std::chrono::milliseconds call_timeout{10000};  ///< for the rows' query and each actor's answer
};

caf::actor spawn_router(caf::actor_system& sys, router_options o);

/// The topics the `match-actors` group reads.
const std::vector<std::string>& router_topics();

}  // namespace hirehub::matching
