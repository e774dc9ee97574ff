#include "node/node.hpp"
#include "node/tree.hpp"

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

#include "actors/message_types.hpp"
#include "cluster/certs.hpp"
#include "cluster/tls_errors.hpp"
#include "cluster/ingress.hpp"
#include "cluster/membership.hpp"
#include "gateway/api.hpp"
#include "gateway/server.hpp"
#include "persistence/kafka.hpp"
#include "persistence/migrations.hpp"
#include "runtime/services.hpp"
#include "runtime/atoms.hpp"
#include "runtime/config.hpp"
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
caf::behavior health_checker(caf::event_based_actor* self, std::shared_ptr<gateway::readiness> ready,
                             std::string bootstrap) {
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
    log::warn(
        "the open-file limit is below http.max_connections plus the node's own files: connections past it "
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

/// Prints why the node cannot start (log and stderr); returns the exit code 2.
int cannot_start(const std::string& why) {
  log::error("cannot start", {{"error", why}});
  std::cerr << "hirehub: " << why << '\n';
  return 2;
}

/// Migrations run before anything serves traffic; waits briefly for a database that
/// is still starting. Returns false when it never became ready.
bool migrate_with_patience(const std::string& db_url) {
  for (int attempt = 1;; ++attempt) {
    try {
      persistence::migrate(db_url);
      return true;
    } catch (const std::exception& e) {
      if (attempt >= 20) {
        log::error("cannot migrate the database", {{"error", e.what()}});
        std::cerr << "hirehub: cannot prepare the database (db.url): " << e.what() << '\n';
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

/// The actor system's configuration: the cluster port's TLS (or loopback only),
/// the scheduler. Returns why the node cannot start, or nothing; `tls` says whether
/// the cluster port speaks TLS.
std::string configure_actor_system(const config& cfg, bool dev, caf::actor_system_config& sys_cfg, bool& tls) {
  announce_message_types(sys_cfg);
  sys_cfg.load<caf::io::middleman>();  // commands and live frames between the nodes
  // Nodes prove they belong to the cluster with a certificate of its CA (mutual TLS,
  // CAF's OpenSSL module): a peer without one is refused at the handshake.
  auto tls_cert = cfg.get_string("cluster.tls_cert"), tls_key = cfg.get_string("cluster.tls_key"),
       tls_ca = cfg.get_string("cluster.tls_ca");
  tls = !tls_cert.empty() || !tls_key.empty() || !tls_ca.empty();
  if (tls) {
    std::string why = tls_cert.empty() || tls_key.empty() || tls_ca.empty()
                          ? "set all three of cluster.tls_cert, cluster.tls_key and cluster.tls_ca"
                          : cluster::check_node_cert(tls_cert, tls_key, tls_ca);
    if (!why.empty())
      return "cluster TLS: " + why;
    if (!cluster::tls_error_queue_cleared_before_io())
      log::warn(
          "this build's SSL_read does not clear OpenSSL's error queue: one node's abrupt end may close "
          "the connections between the others (cluster/tls_errors.cpp)");
    sys_cfg.openssl_certificate = tls_cert;
    sys_cfg.openssl_key = tls_key;
    sys_cfg.openssl_cafile = tls_ca;
    sys_cfg.load<caf::openssl::manager>();
  } else {
    auto addr = cfg.get_string("cluster.caf_address");
    if (addr != "127.0.0.1" && addr != "::1" && addr != "localhost" && !dev)
      return "cluster.caf_address is " + addr +
             ": other hosts could send this node commands without proving they belong to the cluster. Set "
             "cluster.tls_cert, cluster.tls_key and cluster.tls_ca (`hirehub cluster certs` makes them), or "
             "listen on 127.0.0.1";
    log::warn(
        "the CAF port takes connections without authentication (loopback only): set cluster.tls_* for a "
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
  return {};
}

gateway::server_options server_options_from(const config& cfg) {
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
  return so;
}

cluster::membership_options membership_options_from(const config& cfg, const std::string& node_id,
                                                    const gateway::server_options& so, uint16_t http_port) {
  cluster::membership_options mo;
  mo.db_url = cfg.get_string("db.url");
  mo.node_id = node_id;
  mo.http_url = cfg.get_string("cluster.advertise_url");
  if (mo.http_url.empty())
    mo.http_url =
        "http://" + (so.address == "0.0.0.0" ? std::string("127.0.0.1") : so.address) + ":" + std::to_string(http_port);
  mo.shards = static_cast<int>(cfg.get_int("cluster.shards"));
  mo.heartbeat = cfg.get_ms("cluster.heartbeat_ms");
  mo.suspect_after = cfg.get_ms("cluster.suspect_after_ms");
  mo.dead_after = cfg.get_ms("cluster.dead_after_ms");
  mo.lease = cfg.get_ms("cluster.lease_ms");
  return mo;
}

/// Opens the cluster port for the ingress and starts the membership (register,
/// heart-beat, hold shard leases, maybe coordinate). Throws with a message for the operator.
caf::actor join_cluster(caf::actor_system& sys, const config& cfg, bool tls, cluster::membership_options mo,
                        const caf::actor& ingress) {
  auto caf_address = cfg.get_string("cluster.caf_address");
  auto port = static_cast<uint16_t>(cfg.get_int("cluster.caf_port"));
  auto published = tls ? caf::openssl::publish(ingress, port, caf_address.c_str(), true)
                       : sys.middleman().publish(ingress, port, caf_address.c_str(), true);
  if (!published)
    throw std::runtime_error("cannot listen for other nodes on " + caf_address + ":" + std::to_string(port) +
                             " (cluster.caf_port): " + sys.render(published.error()));
  mo.caf_host = caf_address == "0.0.0.0" ? std::string("127.0.0.1") : caf_address;
  if (auto adv = cfg.get_string("cluster.caf_advertise_host"); !adv.empty())
    mo.caf_host = adv;
  mo.caf_port = *published;
  mo.caf_node = caf::to_string(sys.node());
  services::put(sys, "ingress", ingress);  // before the membership tells it the members
  auto membership = cluster::spawn_membership(sys, mo, [] { stop_signal.store(SIGTERM); });
  services::put(sys, "membership", membership);
  return membership;
}

/// What runs until the node stops, and what stopping it takes.
struct running_node {
  caf::actor_system& sys;
  const config& cfg;
  gateway::api& api;
  gateway::http_server& server;
  caf::actor root, health, membership, ingress;
};

/// Waits for a signal (or the root supervisor's end), then stops in order: the shards
/// move to the other nodes, the requests already here finish (up to
/// http.shutdown_grace_ms) while their connections close after each answer, then the
/// actors. Returns the exit code.
int serve_until_stopped(running_node& n) {
  int exit_code = 0;
  caf::scoped_actor self{n.sys};
  self->monitor(n.root);
  bool running = true;
  while (running) {
    self->receive(
        [&](caf::down_msg& dm) {
          log::error("the root supervisor stopped; the node exits", {{"reason", n.sys.render(dm.reason)}});
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
  if (exit_code == 0 && n.membership)
    self->request(n.membership, n.cfg.get_ms("cluster.drain_timeout_ms"), close_atom::value)
        .receive([](bool) {},
                 [](caf::error& err) {
                   log::warn("stopping before the drain finished; the leases expire instead",
                             {{"error", caf::to_string(err)}});
                 });
  // Whatever still runs after the grace answers 503.
  n.server.stop_accepting();
  n.server.drain();
  auto grace_until = std::chrono::steady_clock::now() + n.cfg.get_ms("http.shutdown_grace_ms");
  while (n.api.inflight() > 0 && std::chrono::steady_clock::now() < grace_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (n.api.inflight() > 0)
    log::warn("stopping with requests still running; they are answered 503", {{"inflight", n.api.inflight()}});
  n.api.shutdown();
  self->demonitor(n.root);
  self->send_exit(n.root, caf::exit_reason::user_shutdown);
  self->send_exit(n.health, caf::exit_reason::user_shutdown);
  self->send_exit(n.membership, caf::exit_reason::user_shutdown);  // leaves: its shards are free at once
  self->send_exit(n.ingress, caf::exit_reason::user_shutdown);
  return exit_code;
}

}  // namespace

int run_node(const config& cfg, bool dev) {
  auto node_id = cfg.get_string("node.id");
  if (node_id.empty())
    node_id = default_node_id();
  log::init(cfg.get_string("log.level"), cfg.get_string("log.file"), node_id);
  auto db_url = cfg.get_string("db.url");
  std::string bootstrap;
  gateway::api_options api_opts;
  try {
    bootstrap = persistence::resolve_bootstrap(cfg);
    api_opts = gateway::api_options_from(cfg, dev);
  } catch (const std::exception& e) {
    return cannot_start(e.what());
  }
  if (dev)
    log::warn(
        "development mode (--dev, HIREHUB_DEV): a missing or weak token signing secret is accepted; "
        "without auth.jwt_secret or auth.jwt_secret_file tokens are signed with the well-known development "
        "secret");
  if (!migrate_with_patience(db_url))
    return 2;
  auto ready = std::make_shared<gateway::readiness>();
  ready->migrations = true;
  check_open_files(static_cast<uint64_t>(cfg.get_int("http.max_connections")));

  // The server (and its io_context) outlives the actor system: actors may still
  // complete replies while the system shuts down.
  std::unique_ptr<gateway::http_server> server;
  caf::actor_system_config sys_cfg;
  bool tls = false;
  if (auto why = configure_actor_system(cfg, dev, sys_cfg, tls); !why.empty())
    return cannot_start(why);
  caf::actor_system sys{sys_cfg};

  // Which live topics this node's sessions watch (publishers skip frames nobody can see).
  auto watch = std::make_shared<hub_watch>();
  api_opts.watch = watch;
  auto tree = tree_settings_from(cfg, node_id, bootstrap, api_opts.embedder, watch);
  auto root = spawn_supervisor(sys, "node", restart_strategy::one_for_one, tree.policy, root_children(tree));
  // Found by the ingress for the admin API's actor tree (names dropped before the system stops).
  services::put(sys, "node", root);
  auto unregister = [&sys] {
    for (const char* name : {"node", "ingress", "membership"})
      services::erase(sys, name);
  };
  auto health = sys.spawn<caf::detached>(health_checker, ready, bootstrap);

  gateway::api api{sys, std::move(api_opts), ready};
  auto so = server_options_from(cfg);
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
  caf::actor membership;
  auto ingress = cluster::spawn_ingress(sys, node_id);
  try {
    membership = join_cluster(sys, cfg, tls, membership_options_from(cfg, node_id, so, port), ingress);
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
  running_node n{sys, cfg, api, *server, root, health, membership, ingress};
  int exit_code = serve_until_stopped(n);
  unregister();
  sys.await_all_actors_done();
  metrics::remove_collector(collector);
  server->stop();
  log::info("stopped");
  return exit_code;
}

}  // namespace hirehub::node
