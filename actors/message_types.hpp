#pragma once
/// Announces every HireHub message type to CAF (under the same name on every
/// node) and registers the `hirehub` error category. Call once on the
/// actor_system_config before the actor system is constructed.

#include <caf/fwd.hpp>

namespace hirehub {

void announce_message_types(caf::actor_system_config& cfg);

}  // namespace hirehub
