#pragma once
/// The named services of a node (db, journal, relay, hub, registry, ...), found by
/// name from anywhere in the process.
///
/// Not CAF's actor registry: CAF's middleman answers any connected node's lookup
/// of a name registered there (`remote_lookup` through its ConfigServ), so every
/// service put there could be found, and sent commands, by a peer. These names
/// never leave the process; other nodes reach this one through its ingress only.

#include <string>

#include <caf/fwd.hpp>

namespace hirehub::services {

/// The service registered as `name` in `sys`'s node, or an invalid handle.
caf::actor find(caf::actor_system& sys, const std::string& name);

void put(caf::actor_system& sys, const std::string& name, const caf::actor& handle);

void erase(caf::actor_system& sys, const std::string& name);

}  // namespace hirehub::services
