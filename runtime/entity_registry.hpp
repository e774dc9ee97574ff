#pragma once
/// The entity registry: the only holder of entity actor handles on a node.
///
/// Callers send `(route_atom, kind, id, fresh, caf::message cmd)` to the registry
/// (use `route_message`); the registry activates the entity if needed and
/// delegates `cmd` to it, so the entity answers the caller directly. `fresh`
/// says the id was just generated, so the entity may skip loading its journal.
/// Entities ask `(passivate_atom, kind, id)` when idle; the registry forgets them
/// and answers, and later messages activate a new incarnation that rebuilds from
/// the journal. An entity that crashes is forgotten the same way (restart on
/// demand). This is the seam where the cluster's shard routing plugs in.

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include <caf/fwd.hpp>

namespace hirehub {

struct entity_context {
  std::string kind;
  std::string id;
  bool fresh = false;  ///< no journal to load: the id was generated for this command
};

/// Spawns one entity actor; `registry` is the handle to ask for passivation.
using entity_factory = std::function<caf::actor(caf::actor_system&, const entity_context&, caf::actor registry)>;

struct registry_options {
  size_t max_active = 1000000;
};

caf::actor spawn_entity_registry(caf::actor_system& sys, std::map<std::string, entity_factory> kinds,
                                 registry_options opts);

/// Builds the message to send to the registry for one command.
caf::message route_message(const std::string& kind, const std::string& id, bool fresh, caf::message cmd);

}  // namespace hirehub
