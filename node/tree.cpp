#include "node/tree.hpp"

#include <algorithm>

#include "actors/job_projector.hpp"
#include "actors/resume/embed.hpp"
#include "cluster/feed.hpp"
#include "cluster/shard.hpp"
#include "domain/templates.hpp"
#include "gateway/api.hpp"
#include "persistence/file_store.hpp"
#include "runtime/config.hpp"
#include "runtime/hub.hpp"

namespace hirehub::node {

namespace {

void read_persistence(const config& cfg, const std::string& bootstrap, tree_settings& s) {
  auto db_url = cfg.get_string("db.url");
  s.db = {db_url, static_cast<size_t>(cfg.get_int("db.reader_connections")),
          static_cast<size_t>(cfg.get_int("db.batch_max"))};
  s.notif_db = s.db;
  s.notif_db.connections = 1;
  s.notif_db.name = "hirehub-notifications";
  s.accounts_db = s.db;
  s.accounts_db.connections = static_cast<size_t>(cfg.get_int("db.account_connections"));
  s.accounts_db.name = "hirehub-accounts";
  s.resume_db = s.db;
  s.resume_db.connections = static_cast<size_t>(cfg.get_int("resume.workers"));
  s.resume_db.name = "hirehub-resumes";
  s.journal = {db_url, static_cast<size_t>(cfg.get_int("db.batch_max")),
               static_cast<size_t>(cfg.get_int("db.queue_max")), cfg.get_ms("db.retry_ms")};
  auto& r = s.relay;
  r.db_url = db_url;
  r.bootstrap = bootstrap;
  r.client_id = cfg.get_string("kafka.client_id");
  r.batch = static_cast<size_t>(cfg.get_int("outbox.batch"));
  r.idle_poll = cfg.get_ms("outbox.idle_poll_ms");
  r.retry = cfg.get_ms("outbox.retry_ms");
  r.message_timeout = cfg.get_ms("kafka.message_timeout_ms");
  r.epoch_check = cfg.get_ms("kafka.epoch_check_ms");
  r.sweep = cfg.get_ms("outbox.sweep_ms");
  r.retention = std::chrono::hours(cfg.get_int("outbox.retention_hours"));
}

/// The e-mail, push and SMS senders: one actor each for the configured ones.
void read_senders(const config& cfg, tree_settings& s) {
  for (auto [name, key] : {std::pair<const char*, const char*>{"email", "notify.email.smtp_url"},
                           {"push", "notify.push.url"},
                           {"sms", "notify.sms.url"}}) {
    auto endpoint = cfg.get_string(key);
    if (endpoint.empty())
      continue;
    notification::channel_options c;
    c.channel = name;
    c.db_url = cfg.get_string("db.url");
    c.endpoint = endpoint;
    auto prefix = std::string{"notify."} + name + ".";
    if (c.channel == "email") {
      c.from = cfg.get_string("notify.email.from");
      c.username = cfg.get_string("notify.email.username");
      c.password = cfg.get_string("notify.email.password");
    } else {
      c.api_key = cfg.get_string(prefix + "api_key");
    }
    c.rate_per_sec = static_cast<double>(cfg.get_int(prefix + "rate_per_sec"));
    c.max_attempts = static_cast<int>(cfg.get_int("notify.max_attempts"));
    c.retry_base = cfg.get_ms("notify.retry_base_ms");
    c.retry_max = cfg.get_ms("notify.retry_max_ms");
    c.poll = cfg.get_ms("notify.poll_ms");
    c.lease = cfg.get_ms("notify.lease_ms");
    c.send_timeout = cfg.get_ms("notify.send_timeout_ms");
    // A claim must not outlive its lease even if every send of the batch times
    // out, or another sender could take the same rows meanwhile.
    c.batch = static_cast<int>(std::clamp<int64_t>(c.lease.count() / (2 * c.send_timeout.count()), 1, 50));
    s.senders.push_back(c);
    s.notify.channels.push_back(name);
  }
}

void read_consumers(const config& cfg, const std::string& bootstrap, tree_settings& s) {
  s.consumers = cfg.get_string("kafka.consumers") == "all";
  auto& c = s.notif_consumer;
  c.db_url = cfg.get_string("db.url");
  c.bootstrap = bootstrap;
  c.client_id = cfg.get_string("kafka.client_id");
  c.group_id = cfg.get_string("kafka.group_prefix") + "-notifications";
  c.topics = templates::notifying_event_types();
  c.poll = cfg.get_ms("kafka.poll_ms");
  c.session_timeout = cfg.get_ms("kafka.session_timeout_ms");
  s.jobs_consumer = c;
  s.jobs_consumer.group_id = cfg.get_string("kafka.group_prefix") + "-job-search";
  s.jobs_consumer.topics = {"job.created", "job.updated", "application.submitted"};
}

void read_resumes_and_rag(const config& cfg, std::shared_ptr<resume::embedder> embedder, tree_settings& s) {
  auto& r = s.resume;
  r.store = persistence::make_local_file_store(cfg.get_string("resume.storage_dir"));
  r.extraction = gateway::extraction_from(cfg);
  r.stages.masking.threshold = static_cast<double>(cfg.get_int("resume.pii_threshold_pct")) / 100.0;
  r.embedder = embedder;
  r.summariser = gateway::summariser_from(cfg);
  r.policy = s.policy;
  r.node_id = s.node_id;
  // A stage may wait for every summary provider in turn, or for the embeddings model.
  r.call_timeout =
      std::max({cfg.get_ms("http.request_timeout_ms") * 6,
                cfg.get_ms("ai.llm1.timeout_ms") + cfg.get_ms("ai.llm2.timeout_ms") + std::chrono::milliseconds(10000),
                cfg.get_ms("ai.embeddings.timeout_ms") + std::chrono::milliseconds(10000)});
  s.resume_sweep = cfg.get_ms("resume.sweep_ms");
  s.sweep_call_timeout = cfg.get_ms("http.request_timeout_ms") * 4;
  auto& g = s.rag;
  g.index.dims = embedder->dims();
  g.index.m = static_cast<size_t>(cfg.get_int("rag.hnsw_m"));
  g.index.ef_construction = static_cast<size_t>(cfg.get_int("rag.ef_construction"));
  g.index.ef_search = static_cast<size_t>(cfg.get_int("rag.ef_search"));
  g.index.exact_limit = static_cast<size_t>(cfg.get_int("rag.exact_limit"));
  g.model = embedder->model();
  g.call_timeout = r.call_timeout;
}

void read_matching(const config& cfg, tree_settings& s) {
  domain::matching::weights w;
  w.skill = static_cast<double>(cfg.get_int("match.weight_skill_pct")) / 100;
  w.experience = static_cast<double>(cfg.get_int("match.weight_experience_pct")) / 100;
  w.culture = static_cast<double>(cfg.get_int("match.weight_culture_pct")) / 100;
  w.missing_cap_floor = static_cast<double>(cfg.get_int("match.missing_cap_floor"));
  s.match_index.refresh = cfg.get_ms("match.refresh_ms");
  s.match_index.weights = w;
  auto& sc = s.match_scorer;
  sc.top_k = static_cast<int>(cfg.get_int("match.top_k"));
  sc.recommend_top = static_cast<int>(cfg.get_int("match.recommend_top"));
  sc.recommend_threshold = static_cast<double>(cfg.get_int("match.recommend_threshold"));
  sc.recommend_per_day = static_cast<int>(cfg.get_int("match.recommend_per_day"));
  sc.step = static_cast<double>(cfg.get_int("match.score_step_centi")) / 100;
  sc.weights = w;
  s.match_entities = {sc.top_k, sc.recommend_top, w, cfg.get_ms("http.request_timeout_ms")};
  s.match_consumer = s.notif_consumer;
  s.match_consumer.group_id = cfg.get_string("kafka.group_prefix") + "-matching";
  s.match_consumer.topics = matching::scorer_topics();
  s.match_router.call_timeout = cfg.get_ms("http.request_timeout_ms");
  s.match_router_consumer = s.notif_consumer;
  s.match_router_consumer.group_id = cfg.get_string("kafka.group_prefix") + "-match-actors";
  s.match_router_consumer.topics = matching::router_topics();
}

void read_entities(const config& cfg, tree_settings& s) {
  s.application = {
      cfg.get_ms("entity.idle_timeout_ms"), s.node_id,
      std::make_shared<application::job_facts_cache>(cfg.get_ms("entity.job_cache_ttl_ms"),
                                                     static_cast<size_t>(cfg.get_int("entity.job_cache_size"))),
      s.watch};
  auto& r = s.registry;
  r.max_active = static_cast<size_t>(cfg.get_int("entity.max_active"));
  // Entities live on the node holding their shard's lease (cluster/membership).
  r.shard_of = [shards = static_cast<int>(cfg.get_int("cluster.shards"))](const std::string& id) {
    return cluster::shard_of(id, shards);
  };
  r.route_wait = cfg.get_ms("cluster.route_wait_ms");
  r.idle_timeouts = {{"application", s.application.idle_timeout},
                     {"match", s.application.idle_timeout},
                     {"recommend", s.application.idle_timeout}};
}

child_spec worker(std::string name, std::function<caf::actor(caf::actor_system&)> start,
                  child_kind kind = child_kind::worker) {
  return {std::move(name), std::move(start), restart_mode::permanent, true, kind};
}

child_spec subtree(const char* name, const char* sup_name, restart_strategy strategy, const restart_policy& policy,
                   std::vector<child_spec> children) {
  return {name, [=](caf::actor_system& s) { return spawn_supervisor(s, sup_name, strategy, policy, children); },
          restart_mode::permanent, false, child_kind::supervisor};
}

}  // namespace

tree_settings tree_settings_from(const config& cfg, const std::string& node_id, const std::string& bootstrap,
                                 std::shared_ptr<resume::embedder> embedder, std::shared_ptr<hub_watch> watch) {
  tree_settings s;
  s.node_id = node_id;
  s.policy = restart_policy::from(cfg);
  s.watch = std::move(watch);
  s.notify.public_url = cfg.get_string("notify.public_url");
  s.console_refresh = cfg.get_ms("cluster.console_refresh_ms");
  read_persistence(cfg, bootstrap, s);
  read_senders(cfg, s);
  read_consumers(cfg, bootstrap, s);
  read_resumes_and_rag(cfg, std::move(embedder), s);
  read_entities(cfg, s);
  read_matching(cfg, s);
  return s;
}

std::vector<child_spec> persistence_subtree(const tree_settings& s) {
  using namespace persistence;
  auto pool = [](db_worker_options o) { return [o](caf::actor_system& sys) { return spawn_db_pool(sys, o); }; };
  return {
      worker("db", pool(s.db), child_kind::pool),
      worker("notifdb", pool(s.notif_db), child_kind::pool),
      worker("accounts", pool(s.accounts_db), child_kind::pool),
      worker("journal", [o = s.journal](caf::actor_system& sys) { return spawn_journal_writer(sys, o); }),
      worker("relay", [o = s.relay](caf::actor_system& sys) { return spawn_outbox_relay(sys, o); }),
      // Resume uploads and the pipeline's stages (CPU work and its commit, off the scheduler threads).
      worker("resumedb", pool(s.resume_db), child_kind::pool),
  };
}

std::vector<child_spec> notification_subtree(const tree_settings& s) {
  std::vector<child_spec> out = {
      worker("in_app", [o = s.notify](caf::actor_system& sys) { return notification::spawn_in_app_channel(sys, o); }),
      worker("notify", [o = s.notify](caf::actor_system& sys) { return notification::spawn_dispatcher(sys, o); }),
  };
  if (s.consumers)
    out.push_back(worker("consumer", [o = s.notif_consumer](caf::actor_system& sys) {
      return persistence::spawn_kafka_consumer(sys, o, "notify");
    }));
  for (auto& c : s.senders)
    out.push_back(
        worker(c.channel, [c](caf::actor_system& sys) { return notification::spawn_delivery_channel(sys, c); }));
  return out;
}

std::vector<child_spec> job_subtree(const tree_settings& s) {
  std::vector<child_spec> out = {worker("jobproj", [](caf::actor_system& sys) { return jobs::spawn_projector(sys); })};
  if (s.consumers)
    out.push_back(worker("jobconsumer", [o = s.jobs_consumer](caf::actor_system& sys) {
      return persistence::spawn_kafka_consumer(sys, o, "jobproj");
    }));
  return out;
}

std::vector<child_spec> match_subtree(const tree_settings& s) {
  std::vector<child_spec> out = {
      worker("matchindex", [o = s.match_index](caf::actor_system& sys) { return matching::spawn_index(sys, o); })};
  if (s.consumers) {
    out.push_back(
        worker("matchscorer", [o = s.match_scorer](caf::actor_system& sys) { return matching::spawn_scorer(sys, o); }));
    out.push_back(worker("matchconsumer", [o = s.match_consumer](caf::actor_system& sys) {
      return persistence::spawn_kafka_consumer(sys, o, "matchscorer");
    }));
    out.push_back(
        worker("matchrouter", [o = s.match_router](caf::actor_system& sys) { return matching::spawn_router(sys, o); }));
    out.push_back(worker("matchrouterconsumer", [o = s.match_router_consumer](caf::actor_system& sys) {
      return persistence::spawn_kafka_consumer(sys, o, "matchrouter");
    }));
  }
  return out;
}

std::vector<child_spec> root_children(const tree_settings& s) {
  auto sweep = worker("resumesweep", [period = s.resume_sweep, timeout = s.sweep_call_timeout](caf::actor_system& sys) {
    return resume_pipeline::spawn_recovery_sweep(sys, period, timeout);
  });
  sweep.registered = false;
  return {
      subtree("persistence", "persistence", restart_strategy::one_for_one, s.policy, persistence_subtree(s)),
      worker("hub", [watch = s.watch](caf::actor_system& sys) { return spawn_hub(sys, watch); }),
      subtree("notifs", "notifications", restart_strategy::all_for_one, s.policy, notification_subtree(s)),
      subtree("jobs", "jobs", restart_strategy::all_for_one, s.policy, job_subtree(s)),
      subtree("matching", "matching", restart_strategy::one_for_one, s.policy, match_subtree(s)),
      worker(
          "registry",
          [app = s.application, reg = s.registry, res = s.resume, m = s.match_entities](caf::actor_system& sys) {
            return spawn_entity_registry(sys,
                                         {{"application", application::make_factory(app)},
                                          {"resume", resume_pipeline::make_factory(res)},
                                          {"match", matching::make_job_factory(m)},
                                          {"recommend", matching::make_user_factory(m)}},
                                         reg);
          },
          child_kind::registry),
      sweep,
      worker("ragindex", [o = s.rag](caf::actor_system& sys) { return rag::spawn_index(sys, o); }),
      worker("feed", [refresh = s.console_refresh,
                      id = s.node_id](caf::actor_system& sys) { return cluster::spawn_feed(sys, refresh, id); }),
  };
}

}  // namespace hirehub::node
