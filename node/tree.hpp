#pragma once
/// The node's supervision tree, read from the configuration: one function per
/// subtree.
///
///   node (one_for_one)
///   ├── persistence (one_for_one): db (API reads), notifdb (notification store),
///   │   accounts (accounts and auth; password hashing), journal, relay, resumedb
///   ├── hub
///   ├── notifications (all_for_one): in_app, notify, consumer, and the email, push,
///   │   sms senders that are configured: the consumer hands batches to the
///   │   dispatcher, which stores them and wakes the channels
///   ├── jobs (all_for_one): jobproj (read-model projector), jobconsumer
///   ├── registry: the entity registry (application entities and resume pipelines)
///   ├── resumesweep: restarts resume pipelines left unfinished
///   ├── ragindex: the vector index of resume chunks (rebuilt from PostgreSQL at start)
///   └── feed: the admin console's live view (reads the cluster only while watched)

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/application_actor.hpp"
#include "actors/delivery_channel.hpp"
#include "actors/match_entities.hpp"
#include "actors/match_index.hpp"
#include "actors/match_router.hpp"
#include "actors/match_scorer.hpp"
#include "actors/notification_actor.hpp"
#include "actors/rag_index.hpp"
#include "actors/resume_pipeline.hpp"
#include "persistence/db_worker.hpp"
#include "persistence/journal_writer.hpp"
#include "persistence/kafka.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/supervisor.hpp"

namespace hirehub {
class config;
class hub_watch;
}  // namespace hirehub

namespace hirehub::node {

/// Every option the tree's actors are spawned with.
struct tree_settings {
  std::string node_id;
  restart_policy policy;
  bool consumers = true;  ///< kafka.consumers = all (else an API-only node)
  // persistence
  persistence::db_worker_options db, notif_db, accounts_db, resume_db;
  persistence::journal_options journal;
  persistence::relay_options relay;
  // notifications
  persistence::consumer_options notif_consumer;
  notification::options notify;
  std::vector<notification::channel_options> senders;
  // jobs
  persistence::consumer_options jobs_consumer;
  // entities, resumes, RAG
  std::shared_ptr<hub_watch> watch;
  application::actor_options application;
  resume_pipeline::options resume;
  registry_options registry;
  rag::options rag;
  std::chrono::milliseconds resume_sweep{0};
  std::chrono::milliseconds sweep_call_timeout{0};
  std::chrono::milliseconds console_refresh{0};
  // matching
  matching::index_options match_index;
  matching::scorer_options match_scorer;
  matching::entity_options match_entities;
  persistence::consumer_options match_consumer;
  matching::router_options match_router;
  persistence::consumer_options match_router_consumer;
};

/// Reads the tree's options. `embedder` is the one the API uses too; `watch`
/// the topics this node's WebSockets follow.
tree_settings tree_settings_from(const config& cfg, const std::string& node_id, const std::string& bootstrap,
                                 std::shared_ptr<resume::embedder> embedder, std::shared_ptr<hub_watch> watch);

std::vector<child_spec> persistence_subtree(const tree_settings& s);
std::vector<child_spec> notification_subtree(const tree_settings& s);
std::vector<child_spec> job_subtree(const tree_settings& s);
/// The match index, and with consumers the scorer and its consumer.
std::vector<child_spec> match_subtree(const tree_settings& s);
/// The root's children: the three subtrees above as supervisors, and the rest.
std::vector<child_spec> root_children(const tree_settings& s);

}  // namespace hirehub::node
