#pragma once
/// The last step of an entity (runtime/entity_registry): ask the registry to forget
/// this incarnation, then stop. Messages the registry routed here before it forgot
/// it arrive before its answer, so they are still handled; later ones start a new
/// incarnation. The entity's state needs `registry`, `ctx` (an entity_context) and
/// `passivating` (false until this runs; a second call does nothing).

#include <caf/all.hpp>

#include "runtime/atoms.hpp"

namespace hirehub {

template <class Self>
void passivate_entity(Self* self) {
  auto& s = self->state;
  if (s.passivating)
    return;
  s.passivating = true;
  self->request(s.registry, caf::infinite, passivate_atom::value, s.ctx.kind, s.ctx.id)
      .then([self]() { self->quit(); }, [self](caf::error&) { self->quit(); });
}

}  // namespace hirehub
