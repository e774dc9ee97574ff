#pragma once
/// The application entity actor: one per application, activated on demand by
/// the entity registry. It rebuilds its state from the journal, handles the
/// commands of actors/messages.hpp one at a time (the next waits while an
/// append is in flight), answers only after the event is committed, publishes
/// each change to the hub (topic "application:<id>"), and passivates when the
/// registry tells it it is idle (registry_options::idle_timeouts).

#include <chrono>
#include <memory>

#include "actors/job_facts_cache.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/hub.hpp"

namespace hirehub::application {

struct actor_options {
  std::chrono::milliseconds idle_timeout{120000};  ///< given to the registry (it sweeps); shown by the admin view
  std::string node_id;                             ///< shown by the admin API's entity view
  std::shared_ptr<job_facts_cache> jobs;           ///< shared by the node's entities; null: every commit reads the job
  std::shared_ptr<hub_watch> watch;                ///< frames only for watched topics; null: always
};

/// The factory the registry uses for kind "application".
entity_factory make_factory(actor_options opts);

}  // namespace hirehub::application
