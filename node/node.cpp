#include "node/node.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/application_actor.hpp"
#include "actors/message_types.hpp"
#include "actors/job_projector.hpp"
#include "actors/delivery_channel.hpp"
#include "actors/notification_actor.hpp"
#include "actors/rag_index.hpp"
#include "actors/resume/embed.hpp"
#include "actors/resume/llm.hpp"
#include "actors/resume_pipeline.hpp"
#include "persistence/file_store.hpp"
#include "domain/templates.hpp"
#include "cluster/certs.hpp"
#include "cluster/tls_errors.hpp"
#include "cluster/feed.hpp"
#include "cluster/ingress.hpp"
#include "cluster/membership.hpp"
#include "gateway/api.hpp"
#include "gateway/server.hpp"
#include "persistence/db_worker.hpp"
#include "persistence/journal_writer.hpp"
#include "persistence/kafka.hpp"
#include "persistence/migrations.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/config.hpp"
#include "runtime/entity_registry.hpp"
#include "runtime/hub.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/supervisor.hpp"

namespace hirehub::node {

namespace {

std::atomic<int> stop_signal{0};

void on_signal(int sig) {
  stop_signal.store(sig);
}

/// Periodically checks PostgreSQL and Kafka for /ready. Runs detached: the
/// Kafka metadata request blocks.
caf::behavior health_checker(caf::event_based_actor* self, std::shared_ptr<gateway::readiness> ready, std::string bootstrap) {
  auto probe = std::make_shared<persistence::kafka_probe>(bootstrap);
  self->send(self, tick_atom::value);
  return {
      [self, ready, probe](tick_atom) {
        ready->kafka = probe->reachable(std::chrono::milliseconds(1000));
        ready->started = static_cast<bool>(services::find(self->system(), "registry"));
        if (auto db = services::find(self->system(), "db"))
          self->request(db, std::chrono::seconds(2), health_atom::value)
              .then([ready](bool ok) { ready->postgres = ok; }, [ready](caf::error&) { ready->postgres = false; });
        else
          ready->postgres = false;
        self->delayed_send(self, std::chrono::seconds(1), tick_atom::value);
      },
  };
}

/// Takes the hard limit of open files as the soft one, and warns when it cannot hold
/// http.max_connections (plus the node's own files): accepts would fail with EMFILE.
void check_open_files(uint64_t max_connections) {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0)
    return;
  if (r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    getrlimit(RLIMIT_NOFILE, &r);
  }
  const uint64_t own = 256;  // PostgreSQL, Kafka, the cluster, logs, resume children's pipes
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < max_connections + own)
    log::warn("the open-file limit is below http.max_connections plus the node's own files: connections past it "
              "fail (accepts back off); raise `ulimit -n` or lower http.max_connections",
              {{"open_files", static_cast<uint64_t>(r.rlim_cur)}, {"http.max_connections", max_connections}});
  else
    log::info("open-file limit", {{"open_files", static_cast<uint64_t>(r.rlim_cur)}});
}

std::string default_node_id() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string{host} + "-" + std::to_string(getpid());
}

}  // namespace

int run_node(const config& cfg, bool dev) {
  auto node_id = cfg.get_string("node.id");
  if (node_id.empty())
    node_id = default_node_id();
  log::init(cfg.get_string("log.level"), cfg.get_string("log.file"), node_id);
  auto db_url = cfg.get_string("db.url");
  std::string bootstrap;
  try {
    bootstrap = persistence::resolve_bootstrap(cfg);
  } catch (const std::exception& e) {
    log::error("cannot start", {{"error", e.what()}});
    std::cerr << "hirehub: " << e.what() << '\n';
    return 2;
  }
  gateway::api_options api_opts;
  try {
    api_opts = gateway::api_options_from(cfg, dev);
    if (dev)
      log::warn("development mode (--dev, HIREHUB_DEV): a missing or weak token signing secret is accepted; "
                "without auth.jwt_secret or auth.jwt_secret_file tokens are signed with the well-known development "
                "secret");
  } catch (const std::exception& e) {
    log::error("cannot start", {{"error", e.what()}});
    std::cerr << "hirehub: " << e.what() << '\n';
    return 2;
  }
  // Migrations run before anything serves traffic; wait briefly for a database
  // that is still starting.
  for (int attempt = 1;; ++attempt) {
    try {
      persistence::migrate(db_url);
      break;
    } catch (const std::exception& e) {
      if (attempt >= 20) {
        log::error("cannot migrate the database", {{"error", e.what()}});
        std::cerr << "hirehub: cannot prepare the database (db.url): " << e.what() << '\n';
        return 2;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
  auto ready = std::make_shared<gateway::readiness>();
  ready->migrations = true;
  check_open_files(static_cast<uint64_t>(cfg.get_int("http.max_connections")));

  // The server (and its io_context) outlives the actor system: actors may still
  // complete replies while the system shuts down.
  std::unique_ptr<gateway::http_server> server;
  caf::actor_system_config sys_cfg;
  announce_message_types(sys_cfg);
  sys_cfg.load<caf::io::middleman>();  // commands and live frames between the nodes
  // Nodes prove they belong to the cluster with a certificate of its CA (mutual TLS,
  // CAF's OpenSSL module): a peer without one is refused at the handshake.
  auto tls_cert = cfg.get_string("cluster.tls_cert"), tls_key = cfg.get_string("cluster.tls_key"),
       tls_ca = cfg.get_string("cluster.tls_ca");
  bool tls = !tls_cert.empty() || !tls_key.empty() || !tls_ca.empty();
  if (tls) {
    std::string why = tls_cert.empty() || tls_key.empty() || tls_ca.empty()
                          ? "set all three of cluster.tls_cert, cluster.tls_key and cluster.tls_ca"
                          : cluster::check_node_cert(tls_cert, tls_key, tls_ca);
    if (!why.empty()) {
      log::error("cannot start", {{"error", why}});
      std::cerr << "hirehub: cluster TLS: " << why << '\n';
      return 2;
    }
    if (!cluster::tls_error_queue_cleared_before_io())
      log::warn("this build's SSL_read does not clear OpenSSL's error queue: one node's abrupt end may close "
                "the connections between the others (cluster/tls_errors.cpp)");
    sys_cfg.openssl_certificate = tls_cert;
    sys_cfg.openssl_key = tls_key;
    sys_cfg.openssl_cafile = tls_ca;
    sys_cfg.load<caf::openssl::manager>();
  } else {
    auto addr = cfg.get_string("cluster.caf_address");
    if (addr != "127.0.0.1" && addr != "::1" && addr != "localhost" && !dev) {
      auto why = "cluster.caf_address is " + addr +
                 ": other hosts could send this node commands without proving they belong to the cluster. Set "
                 "cluster.tls_cert, cluster.tls_key and cluster.tls_ca (`hirehub cluster certs` makes them), or "
                 "listen on 127.0.0.1";
      log::error("cannot start", {{"error", why}});
      std::cerr << "hirehub: " << why << '\n';
      return 2;
    }
    log::warn("the CAF port takes connections without authentication (loopback only): set cluster.tls_* for a "
              "cluster across hosts");
  }
  // CAF's own default is max(cores, 4) threads, each polling for work: on a
  // 2-core machine the extra pollers cost a fifth of the resume throughput.
  auto threads = cfg.get_int("node.scheduler_threads");
  if (threads == 0)
    threads = std::max<int64_t>(1, std::thread::hardware_concurrency());
  sys_cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  // An idle worker polls its queue with sleeps in between before it waits on
  // a condition variable; each sleep is a system call (expensive on virtual
  // machines). 500 us instead of CAF's 50 us: 41 -> 55 resumes/s on this VM.
  sys_cfg.set("work-stealing.moderate-sleep-duration",
              caf::timespan{std::chrono::microseconds(cfg.get_int("node.scheduler_poll_sleep_us"))});
  caf::actor_system sys{sys_cfg};

  auto policy = restart_policy::from(cfg);
  persistence::db_worker_options db_opts{db_url, static_cast<size_t>(cfg.get_int("db.reader_connections")),
                                         static_cast<size_t>(cfg.get_int("db.batch_max"))};
  auto notif_db_opts = db_opts;
  notif_db_opts.connections = 1;
  notif_db_opts.name = "hirehub-notifications";
  auto accounts_db_opts = db_opts;
  accounts_db_opts.connections = static_cast<size_t>(cfg.get_int("db.account_connections"));
  accounts_db_opts.name = "hirehub-accounts";
  persistence::journal_options journal_opts{db_url, static_cast<size_t>(cfg.get_int("db.batch_max")),
                                            static_cast<size_t>(cfg.get_int("db.queue_max")),
                                            cfg.get_ms("db.retry_ms")};
  persistence::relay_options relay_opts;
  relay_opts.db_url = db_url;
  relay_opts.bootstrap = bootstrap;
  relay_opts.client_id = cfg.get_string("kafka.client_id");
  relay_opts.batch = static_cast<size_t>(cfg.get_int("outbox.batch"));
  relay_opts.idle_poll = cfg.get_ms("outbox.idle_poll_ms");
  relay_opts.retry = cfg.get_ms("outbox.retry_ms");
  relay_opts.message_timeout = cfg.get_ms("kafka.message_timeout_ms");
  relay_opts.epoch_check = cfg.get_ms("kafka.epoch_check_ms");
  relay_opts.sweep = cfg.get_ms("outbox.sweep_ms");
  relay_opts.retention = std::chrono::hours(cfg.get_int("outbox.retention_hours"));
  bool consumers = cfg.get_string("kafka.consumers") == "all";
  persistence::consumer_options consumer_opts;
  consumer_opts.db_url = db_url;
  consumer_opts.bootstrap = bootstrap;
  consumer_opts.client_id = cfg.get_string("kafka.client_id");
  consumer_opts.group_id = cfg.get_string("kafka.group_prefix") + "-notifications";
  consumer_opts.topics = templates::notifying_event_types();
  consumer_opts.poll = cfg.get_ms("kafka.poll_ms");
  consumer_opts.session_timeout = cfg.get_ms("kafka.session_timeout_ms");
  auto jobs_consumer_opts = consumer_opts;
  jobs_consumer_opts.group_id = cfg.get_string("kafka.group_prefix") + "-job-search";
  jobs_consumer_opts.topics = {"job.created", "job.updated", "application.submitted"};
  notification::options notify_opts;
  notify_opts.public_url = cfg.get_string("notify.public_url");
  // The e-mail, push and SMS senders: one actor each for the configured ones.
  std::vector<notification::channel_options> senders;
  for (auto [name, key] : {std::pair<const char*, const char*>{"email", "notify.email.smtp_url"},
                           {"push", "notify.push.url"},
                           {"sms", "notify.sms.url"}}) {
    auto endpoint = cfg.get_string(key);
    if (endpoint.empty())
      continue;
    notification::channel_options c;
    c.channel = name;
    c.db_url = db_url;
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
    senders.push_back(c);
    notify_opts.channels.push_back(name);
  }
  auto resume_db_opts = db_opts;
  resume_db_opts.connections = static_cast<size_t>(cfg.get_int("resume.workers"));
  resume_db_opts.name = "hirehub-resumes";
  resume_pipeline::options resume_opts;
  resume_opts.store = persistence::make_local_file_store(cfg.get_string("resume.storage_dir"));
  resume_opts.extraction = gateway::extraction_from(cfg);
  resume_opts.stages.masking.threshold = static_cast<double>(cfg.get_int("resume.pii_threshold_pct")) / 100.0;
  resume_opts.embedder = api_opts.embedder;
  resume_opts.summariser = gateway::summariser_from(cfg);
  resume_opts.policy = policy;
  // A stage may wait for every summary provider in turn, or for the embeddings model.
  resume_opts.call_timeout =
      std::max({cfg.get_ms("http.request_timeout_ms") * 6,
                cfg.get_ms("ai.llm1.timeout_ms") + cfg.get_ms("ai.llm2.timeout_ms") + std::chrono::milliseconds(10000),
                cfg.get_ms("ai.embeddings.timeout_ms") + std::chrono::milliseconds(10000)});
  auto sweep_period = cfg.get_ms("resume.sweep_ms");
  auto console_refresh = cfg.get_ms("cluster.console_refresh_ms");
  rag::options rag_opts;
  rag_opts.index.dims = resume_opts.embedder->dims();
  rag_opts.index.m = static_cast<size_t>(cfg.get_int("rag.hnsw_m"));
  rag_opts.index.ef_construction = static_cast<size_t>(cfg.get_int("rag.ef_construction"));
  rag_opts.index.ef_search = static_cast<size_t>(cfg.get_int("rag.ef_search"));
  rag_opts.index.exact_limit = static_cast<size_t>(cfg.get_int("rag.exact_limit"));
  rag_opts.model = resume_opts.embedder->model();
  rag_opts.call_timeout = resume_opts.call_timeout;
  // Which live topics this node's sessions watch (publishers skip frames nobody can see).
  auto watch = std::make_shared<hub_watch>();
  api_opts.watch = watch;
  application::actor_options app_opts{
      cfg.get_ms("entity.idle_timeout_ms"), node_id,
      std::make_shared<application::job_facts_cache>(cfg.get_ms("entity.job_cache_ttl_ms"),
                                                     static_cast<size_t>(cfg.get_int("entity.job_cache_size"))),
      watch};
  resume_opts.node_id = node_id;
  registry_options reg_opts;
  reg_opts.max_active = static_cast<size_t>(cfg.get_int("entity.max_active"));
  // Entities live on the node holding their shard's lease (cluster/membership).
  reg_opts.shard_of = [shards = static_cast<int>(cfg.get_int("cluster.shards"))](const std::string& id) {
    return cluster::shard_of(id, shards);
  };
  reg_opts.route_wait = cfg.get_ms("cluster.route_wait_ms");
  reg_opts.idle_timeouts = {{"application", app_opts.idle_timeout}};

  // The supervision tree:
  //   node (one_for_one)
  //   ├── persistence (one_for_one): db (API reads), notifdb (notification store),
  //   │   accounts (accounts and auth; password hashing), journal, relay
  //   ├── hub
  //   ├── notifications (all_for_one): in_app, notify, consumer, and the email,
  //   │   push, sms senders that are configured — the consumer hands batches to
  //   │   the dispatcher, which stores them and wakes the channels
  //   ├── jobs (all_for_one): jobproj (read-model projector), jobconsumer
  //   ├── registry: the entity registry (application entities and resume pipelines under it)
  //   ├── resumesweep: restarts resume pipelines left unfinished
  //   ├── ragindex: the vector index of resume chunks (rebuilt from PostgreSQL when it starts)
  //   └── feed: the admin console's live view (reads the cluster only while someone watches)
  std::vector<child_spec> persistence_children = {
      {"db", [db_opts](caf::actor_system& s) { return persistence::spawn_db_pool(s, db_opts); },
       restart_mode::permanent, true, child_kind::pool},
      {"notifdb", [notif_db_opts](caf::actor_system& s) { return persistence::spawn_db_pool(s, notif_db_opts); },
       restart_mode::permanent, true, child_kind::pool},
      {"accounts", [accounts_db_opts](caf::actor_system& s) { return persistence::spawn_db_pool(s, accounts_db_opts); },
       restart_mode::permanent, true, child_kind::pool},
      {"journal", [journal_opts](caf::actor_system& s) { return persistence::spawn_journal_writer(s, journal_opts); },
       restart_mode::permanent, true},
      {"relay", [relay_opts](caf::actor_system& s) { return persistence::spawn_outbox_relay(s, relay_opts); },
       restart_mode::permanent, true},
      // Resume uploads and the pipeline's stages (CPU work and its commit, off the scheduler threads).
      {"resumedb", [resume_db_opts](caf::actor_system& s) { return persistence::spawn_db_pool(s, resume_db_opts); },
       restart_mode::permanent, true, child_kind::pool},
  };
  std::vector<child_spec> notification_children = {
      {"in_app", [notify_opts](caf::actor_system& s) { return notification::spawn_in_app_channel(s, notify_opts); },
       restart_mode::permanent, true},
      {"notify", [notify_opts](caf::actor_system& s) { return notification::spawn_dispatcher(s, notify_opts); },
       restart_mode::permanent, true},
  };
  if (consumers)
    notification_children.push_back(
        {"consumer",
         [consumer_opts](caf::actor_system& s) { return persistence::spawn_kafka_consumer(s, consumer_opts, "notify"); },
         restart_mode::permanent, true});
  for (auto& c : senders)
    notification_children.push_back({c.channel,
                                     [c](caf::actor_system& s) { return notification::spawn_delivery_channel(s, c); },
                                     restart_mode::permanent, true});
  auto call_timeout = cfg.get_ms("http.request_timeout_ms") * 4;
  std::vector<child_spec> job_children = {
      {"jobproj", [](caf::actor_system& s) { return jobs::spawn_projector(s); }, restart_mode::permanent, true},
  };
  if (consumers)
    job_children.push_back({"jobconsumer",
                            [jobs_consumer_opts](caf::actor_system& s) {
                              return persistence::spawn_kafka_consumer(s, jobs_consumer_opts, "jobproj");
                            },
                            restart_mode::permanent, true});
  std::vector<child_spec> root_children = {
      {"persistence",
       [policy, persistence_children](caf::actor_system& s) {
         return spawn_supervisor(s, "persistence", restart_strategy::one_for_one, policy, persistence_children);
       },
       restart_mode::permanent, false, child_kind::supervisor},
      {"hub", [watch](caf::actor_system& s) { return spawn_hub(s, watch); }, restart_mode::permanent, true},
      {"notifs",
       [policy, notification_children](caf::actor_system& s) {
         return spawn_supervisor(s, "notifications", restart_strategy::all_for_one, policy, notification_children);
       },
       restart_mode::permanent, false, child_kind::supervisor},
      {"jobs",
       [policy, job_children](caf::actor_system& s) {
         return spawn_supervisor(s, "jobs", restart_strategy::all_for_one, policy, job_children);
       },
       restart_mode::permanent, false, child_kind::supervisor},
      {"registry",
       [app_opts, reg_opts, resume_opts](caf::actor_system& s) {
         return spawn_entity_registry(s,
                                      {{"application", application::make_factory(app_opts)},
                                       {"resume", resume_pipeline::make_factory(resume_opts)}},
                                      reg_opts);
       },
       restart_mode::permanent, true, child_kind::registry},
      {"resumesweep",
       [sweep_period, call_timeout](caf::actor_system& s) {
         return resume_pipeline::spawn_recovery_sweep(s, sweep_period, call_timeout);
       },
       restart_mode::permanent, false},
      {"ragindex", [rag_opts](caf::actor_system& s) { return rag::spawn_index(s, rag_opts); }, restart_mode::permanent,
       true},
      {"feed",
       [console_refresh, node_id](caf::actor_system& s) { return cluster::spawn_feed(s, console_refresh, node_id); },
       restart_mode::permanent, true},
  };
  auto root = spawn_supervisor(sys, "node", restart_strategy::one_for_one, policy, root_children);
  // Found by the ingress for the admin API's actor tree (names dropped before the system stops).
  services::put(sys, "node", root);
  auto unregister = [&sys] {
    for (const char* name : {"node", "ingress", "membership"})
      services::erase(sys, name);
  };
  auto health = sys.spawn<caf::detached>(health_checker, ready, bootstrap);

  gateway::api api{sys, std::move(api_opts), ready};
  gateway::server_options so;
  so.address = cfg.get_string("http.address");
  so.port = static_cast<uint16_t>(cfg.get_int("http.port"));
  so.io_threads = static_cast<int>(cfg.get_int("http.io_threads"));
  so.max_connections = static_cast<size_t>(cfg.get_int("http.max_connections"));
  so.max_header_bytes = static_cast<uint32_t>(cfg.get_int("http.max_header_bytes"));
  so.max_body_bytes = static_cast<uint64_t>(cfg.get_int("http.max_body_bytes"));
  so.upload_path = "/api/v1/resumes";
  // The file plus the form's own framing and a title.
  so.max_upload_body_bytes = static_cast<uint64_t>(cfg.get_int("resume.max_upload_bytes")) + 65536;
  so.idle_timeout = cfg.get_ms("http.idle_timeout_ms");
  so.max_connections_per_address = static_cast<size_t>(cfg.get_int("http.max_connections_per_address"));
  so.max_large_bodies = static_cast<size_t>(cfg.get_int("http.max_large_bodies"));
  so.upload_tmp_dir = cfg.get_string("http.upload_tmp_dir");
  so.ws_max_queued_frames = static_cast<size_t>(cfg.get_int("ws.max_queued_frames"));
  so.ws_max_frame_bytes = static_cast<size_t>(cfg.get_int("ws.max_frame_bytes"));
  server = std::make_unique<gateway::http_server>(so, api.handlers());
  uint16_t port = 0;
  try {
    port = server->start();
  } catch (const std::exception& e) {
    log::error("cannot listen", {{"address", so.address}, {"port", so.port}, {"error", e.what()}});
    std::cerr << "hirehub: cannot listen on " << so.address << ":" << so.port << " (http.port): " << e.what() << '\n';
    api.shutdown();
    unregister();
    caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(health, caf::exit_reason::user_shutdown);
    return 2;
  }
  log::info("listening", {{"address", so.address}, {"port", port}, {"kafka", bootstrap}});
  std::cout << "HireHub node " << node_id << " listening on http://" << so.address << ":" << port << std::endl;
  // Membership: register, then heart-beat, hold shard leases and (one node) coordinate.
  cluster::membership_options mo;
  mo.db_url = db_url;
  mo.node_id = node_id;
  mo.http_url = cfg.get_string("cluster.advertise_url");
  if (mo.http_url.empty())
    mo.http_url =
        "http://" + (so.address == "0.0.0.0" ? std::string("127.0.0.1") : so.address) + ":" + std::to_string(port);
  mo.shards = static_cast<int>(cfg.get_int("cluster.shards"));
  mo.heartbeat = cfg.get_ms("cluster.heartbeat_ms");
  mo.suspect_after = cfg.get_ms("cluster.suspect_after_ms");
  mo.dead_after = cfg.get_ms("cluster.dead_after_ms");
  mo.lease = cfg.get_ms("cluster.lease_ms");
  caf::actor membership;
  auto ingress = cluster::spawn_ingress(sys, node_id);
  try {
    auto caf_address = cfg.get_string("cluster.caf_address");
    auto port = static_cast<uint16_t>(cfg.get_int("cluster.caf_port"));
    auto published = tls ? caf::openssl::publish(ingress, port, caf_address.c_str(), true)
                         : sys.middleman().publish(ingress, port, caf_address.c_str(), true);
    if (!published)
      throw std::runtime_error("cannot listen for other nodes on " + caf_address + ":" +
                               std::to_string(cfg.get_int("cluster.caf_port")) +
                               " (cluster.caf_port): " + sys.render(published.error()));
    mo.caf_host = caf_address == "0.0.0.0" ? std::string("127.0.0.1") : caf_address;
    if (auto adv = cfg.get_string("cluster.caf_advertise_host"); !adv.empty())
      mo.caf_host = adv;
    mo.caf_port = *published;
    mo.caf_node = caf::to_string(sys.node());
    services::put(sys, "ingress", ingress);  // before the membership tells it the members
    membership = cluster::spawn_membership(sys, mo, [] { stop_signal.store(SIGTERM); });
    services::put(sys, "membership", membership);
  } catch (const std::exception& e) {
    log::error("cannot join the cluster", {{"error", e.what()}});
    std::cerr << "hirehub: cannot join the cluster: " << e.what() << '\n';
    server->stop_accepting();
    api.shutdown();
    caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(health, caf::exit_reason::user_shutdown);
    {
      caf::scoped_actor stopper{sys};  // the ingress takes exit messages from this node's actors only
      stopper->send_exit(ingress, caf::exit_reason::user_shutdown);
    }
    unregister();
    sys.await_all_actors_done();
    server->stop();
    return 2;
  }
  auto collector = metrics::add_collector([&server] {
    static auto& conns = metrics::get_gauge("hirehub_http_connections", "Open HTTP and WebSocket connections");
    conns.set(static_cast<int64_t>(server->open_connections()));
  });

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  ready->cluster = true;
  int exit_code = 0;
  {
    caf::scoped_actor self{sys};
    self->monitor(root);
    bool running = true;
    while (running) {
      self->receive(
          [&](caf::down_msg& dm) {
            log::error("the root supervisor stopped; the node exits", {{"reason", sys.render(dm.reason)}});
            exit_code = 1;
            running = false;
          },
          caf::after(std::chrono::milliseconds(100)) >>
              [&] {
                if (stop_signal.load() != 0)
                  running = false;
              });
    }
    log::info("stopping", {{"signal", stop_signal.load()}});
    // Rolling-restart path: hand this node's shards to the others before anything stops,
    // so commands for its entities move with them instead of timing out here.
    if (exit_code == 0 && membership)
      self->request(membership, cfg.get_ms("cluster.drain_timeout_ms"), close_atom::value)
          .receive([](bool) {},
                   [](caf::error& err) {
                     log::warn("stopping before the drain finished; the leases expire instead",
                               {{"error", caf::to_string(err)}});
                   });
    // Then the requests already here finish (up to http.shutdown_grace_ms) while their
    // connections close after each answer; whatever still runs after that answers 503.
    server->stop_accepting();
    server->drain();
    auto grace_until = std::chrono::steady_clock::now() + cfg.get_ms("http.shutdown_grace_ms");
    while (api.inflight() > 0 && std::chrono::steady_clock::now() < grace_until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (api.inflight() > 0)
      log::warn("stopping with requests still running; they are answered 503", {{"inflight", api.inflight()}});
    api.shutdown();
    self->demonitor(root);
    self->send_exit(root, caf::exit_reason::user_shutdown);
    self->send_exit(health, caf::exit_reason::user_shutdown);
    self->send_exit(membership, caf::exit_reason::user_shutdown);  // leaves: its shards are free at once
    self->send_exit(ingress, caf::exit_reason::user_shutdown);
  }
  unregister();
  sys.await_all_actors_done();
  metrics::remove_collector(collector);
  server->stop();
  log::info("stopped");
  return exit_code;
}

}  // namespace hirehub::node
