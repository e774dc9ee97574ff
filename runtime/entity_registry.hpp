#pragma once
/// The entity registry: the only holder of entity actor handles on a node.
///
/// Callers send `(route_atom, kind, id, fresh, caf::message cmd)` to the registry
/// (use `route_message`); the registry activates the entity if needed and
/// delegates `cmd` to it, so the entity answers the caller directly. `fresh`
/// says the id was just generated, so the entity may skip loading its journal.
/// Entities of the kinds in `registry_options::idle_timeouts` that no command
/// was routed to for that long are sent `passivate_atom` (one sweep timer for the
/// node, no timer per entity). Entities ask `(passivate_atom, kind, id)` when
/// they passivate (told so, or on their own); the registry forgets them
/// and answers, and later messages activate a new incarnation that rebuilds from
/// the journal. An entity that crashes is forgotten the same way (restart on
/// demand). At `registry_options::max_active` the least recently used entities of
/// those kinds are told to passivate (an eighth of the cap at a time, which may
/// be exceeded by as much while they go); a command is refused as overloaded
/// only when none can make room.
///
/// In a cluster (`registry_options::shard_of` set) an entity lives on the node
/// that holds its shard's lease. The membership sends `(placement_atom,
/// placement_ptr)` whenever the shard map changes: a command for a shard of
/// this node is handled here; one for a shard of another node is delegated to
/// that node's ingress as `(forward_atom, kind, id, fresh, cmd, hops)`, which
/// hands it to the registry there (the entity still answers the caller
/// directly); one for a shard that nobody holds right now (moving, or before
/// the first map) waits here until the map names an owner, at most
/// `route_wait`, then fails with `unavailable`. `(release_atom, shards)` stops
/// this node's entities of those shards (new commands for them wait) and
/// answers `true` when they are gone, so the membership can hand the leases back;
/// `(release_atom, shards, true)` says it did, and the map decides again.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
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
  size_t max_active = 250000;
  /// Entity id -> shard; empty: not clustered (every entity is local).
  std::function<int(const std::string&)> shard_of;
  std::chrono::milliseconds route_wait{5000};  ///< how long a command waits for its shard to get an owner
  /// Per kind: passivate an entity no command was routed to for this long (between
  /// 1 and 1.25 times it). Kinds not listed passivate on their own only.
  std::map<std::string, std::chrono::milliseconds> idle_timeouts;
  size_t max_waiting = 10000;  ///< commands waiting for owners; beyond: overloaded
};

/// Who holds each shard, as the membership last read it.
struct placement {
  std::vector<bool> local;         ///< per shard: leased to this node
  std::vector<caf::actor> remote;  ///< per shard: the owner's ingress when another node holds it
};
using placement_ptr = std::shared_ptr<const placement>;

caf::actor spawn_entity_registry(caf::actor_system& sys, std::map<std::string, entity_factory> kinds,
                                 registry_options opts);

/// Builds the message to send to the registry for one command.
caf::message route_message(const std::string& kind, const std::string& id, bool fresh, caf::message cmd);

}  // namespace hirehub

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(hirehub::placement_ptr)
