#pragma once
/// Atoms shared across HireHub actors (CAF 0.17: at most 10 characters).

#include <caf/atom.hpp>

namespace hirehub {

using route_atom = caf::atom_constant<caf::atom("route")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsub")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using kick_atom = caf::atom_constant<caf::atom("kick")>;
using reload_atom = caf::atom_constant<caf::atom("reload")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
using health_atom = caf::atom_constant<caf::atom("health")>;
using process_atom = caf::atom_constant<caf::atom("process")>;
using stage_atom = caf::atom_constant<caf::atom("stage")>;
using query_atom = caf::atom_constant<caf::atom("query")>;
using forward_atom = caf::atom_constant<caf::atom("forward")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using placement_atom = caf::atom_constant<caf::atom("placement")>;
using peers_atom = caf::atom_constant<caf::atom("peers")>;
using tree_atom = caf::atom_constant<caf::atom("tree")>;
using stop_atom = caf::atom_constant<caf::atom("stopactor")>;
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;
/// The cluster's members (their CAF node ids), for the ingress.
using members_atom = caf::atom_constant<caf::atom("members")>;
/// A node that connected to another introduces its ingress (one connection per pair of nodes).
using hello_atom = caf::atom_constant<caf::atom("hello")>;

}  // namespace hirehub
