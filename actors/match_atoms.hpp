#pragma once
/// Atoms of matching (CAF 0.17: at most 10 characters): the pool's snapshot, a
/// refresh now, a job's matches, a jobseeker's recommendations, a delta for a match
/// actor, one pair's score, a WebSocket catch-up.

#include <caf/atom.hpp>

namespace hirehub {

using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using refresh_atom = caf::atom_constant<caf::atom("refresh")>;
using matches_atom = caf::atom_constant<caf::atom("matches")>;
using recommend_atom = caf::atom_constant<caf::atom("recommend")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using score_atom = caf::atom_constant<caf::atom("score")>;
using catchup_atom = caf::atom_constant<caf::atom("catchup")>;

}  // namespace hirehub
