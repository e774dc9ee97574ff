#include "runtime/config.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

#include <toml++/toml.h>

extern char** environ;

namespace hirehub {

namespace {

option_spec str(std::string name, std::string def, std::string desc, std::vector<std::string> choices = {}) {
  return {std::move(name), option_type::string, std::move(def), std::move(desc), 0, 0, std::move(choices)};
}
option_spec num(std::string name, int64_t def, int64_t min, int64_t max, std::string desc) {
  return {std::move(name), option_type::integer, std::to_string(def), std::move(desc), min, max, {}};
}
}  // namespace

const std::vector<option_spec>& option_registry() {
  static const std::vector<option_spec> specs = {
      str("node.id", "", "Unique name of this node; empty: hostname-pid."),
      num("node.scheduler_threads", 0, 0, 256, "CAF scheduler threads; 0: one per core."),
      num("node.scheduler_poll_sleep_us", 500, 0, 100000,
          "An idle scheduler thread's pause between polls before it waits to be woken (CAF's default is 50)."),
      num("cluster.shards", 64, 1, 4096,
          "Shards the entities are spread over (by a stable hash of the id); the same on every node."),
      num("cluster.heartbeat_ms", 250, 50, 60000, "How often a node heart-beats, renews its leases and coordinates."),
      num("cluster.suspect_after_ms", 1000, 100, 600000, "A node whose heartbeat is this old is suspected."),
      num("cluster.dead_after_ms", 2000, 200, 600000,
          "A node whose heartbeat is this old is dead: its shards go to others once their leases expired."),
      num("cluster.lease_ms", 2000, 200, 600000, "How long a shard lease lasts without renewal."),
      str("cluster.caf_address", "127.0.0.1", "Address the node listens on for other nodes (CAF middleman)."),
      num("cluster.caf_port", 0, 0, 65535, "Port for other nodes (CAF middleman); 0: any free port."),
      str("cluster.tls_cert", "",
          "This node's certificate (PEM), signed by the cluster CA: nodes authenticate each other with mutual TLS on "
          "the CAF port (`hirehub cluster certs` makes a CA and node certificates). Without cluster.tls_* a node "
          "refuses to listen for other nodes anywhere but on loopback, unless --dev."),
      str("cluster.tls_key", "", "This node's private key (PEM) for cluster.tls_cert."),
      str("cluster.tls_ca", "", "The cluster CA certificate (PEM): peers must present a certificate it signed."),
      str("cluster.caf_advertise_host", "",
          "The host other nodes connect to for this node; empty: cluster.caf_address (127.0.0.1 for 0.0.0.0)."),
      num("cluster.route_wait_ms", 5000, 0, 600000,
          "How long a command waits for its shard to get an owner (moving, or a node died) before it fails with "
          "503."),
      num("cluster.console_refresh_ms", 1000, 100, 60000,
          "How often the admin console's live view (/admin, WebSocket topic `cluster`) is refreshed while someone "
          "watches it."),
      num("cluster.drain_timeout_ms", 10000, 0, 600000,
          "On SIGTERM a node first moves its shards to the other nodes, waiting at most this long."),
      str("cluster.advertise_url", "",
          "The URL other nodes and operators use for this node's HTTP API; empty: http://<http.address>:<port>."),
      str("log.level", "info", "Minimum log level.", {"trace", "debug", "info", "warn", "error", "off"}),
      str("log.file", "", "Write JSON logs to this file instead of stderr."),
      str("http.address", "127.0.0.1", "Address the HTTP/WebSocket server binds to."),
      num("http.port", 8080, 0, 65535, "HTTP/WebSocket port; 0 picks a free port (printed at start)."),
      num("http.io_threads", 1, 1, 64, "Threads running the Asio event loop."),
      num("http.max_connections", 10000, 1, 1000000, "Open connections beyond this are refused at accept."),
      str("http.metrics_token", "",
          "Bearer token a Prometheus scraper sends for /metrics (an admin's access token also works); empty: admins "
          "only. At least 32 bytes."),
      str("http.metrics_access", "token",
          "Who may read /metrics: token (http.metrics_token or an admin) or public (anyone who reaches the port: "
          "only behind a network that keeps the public out).",
          {"token", "public"}),
      str("http.trusted_proxies", "",
          "Comma-separated addresses or CIDR ranges of the proxies in front of the node (e.g. 10.0.0.0/8); the "
          "client address of a request from one of them is taken from X-Forwarded-For. Empty: the TCP peer is the "
          "client."),
      num("http.max_connections_per_address", 256, 1, 1000000,
          "Open connections from one client address (an IPv6 /64) beyond this are refused at accept; raise it when "
          "the node is behind a proxy that connects from one address."),
      num("http.max_large_bodies", 32, 1, 100000,
          "Uploads received at once by a node (their bodies go to temporary files); beyond: 503 before the body is "
          "read."),
      str("http.upload_tmp_dir", "/tmp",
          "Where upload bodies are streamed while they are received (unlinked once read)."),
      num("http.max_header_bytes", 8192, 1024, 1048576, "Largest accepted request header block."),
      num("http.max_body_bytes", 65536, 1024, 104857600, "Largest accepted request body (413 beyond)."),
      num("http.idle_timeout_ms", 30000, 100, 3600000, "A keep-alive connection idle this long is closed."),
      num("http.request_timeout_ms", 5000, 50, 600000,
          "Deadline of one HTTP request, from its start and for all the actor calls it makes (503 timeout beyond)."),
      num("http.max_inflight_requests", 4096, 1, 1000000, "Requests being served at once; beyond: 503 overloaded."),
      num("http.shutdown_grace_ms", 6000, 0, 600000,
          "On SIGTERM, after its shards moved, how long a node waits for the requests it is serving (their "
          "connections close after each answer); what still runs then is answered 503."),
      num("ws.max_queued_frames", 1024, 1, 1000000, "Frames queued to one WebSocket before it is closed as too slow."),
      num("ws.max_frame_bytes", 16384, 256, 1048576, "Largest accepted client frame."),
      num("ws.max_subscriptions", 256, 1, 100000, "Topics one WebSocket may subscribe to."),
      num("ws.ops_per_second", 20, 1, 100000,
          "Client frames (subscribe, unsubscribe, ping) one WebSocket may send per second, in bursts of twice that; "
          "beyond: an error frame `rate_limited`, and after 100 of those the socket is closed (1008)."),
      str("auth.jwt_secret", "",
          "HS256 secret for access tokens: at least 32 bytes of random. `hirehub serve` refuses to start with an "
          "empty, short, shipped or placeholder secret unless --dev (HIREHUB_DEV=1)."),
      str("auth.jwt_secret_file", "var/run/jwt.secret",
          "Where the HS256 secret is read from when auth.jwt_secret is empty (./deploy/run.sh writes a random one)."),
      str("auth.issuer", "hirehub", "JWT issuer (iss) written and required."),
      num("auth.token_ttl_s", 3600, 1, 31536000, "Default lifetime of tokens printed by `hirehub token`."),
      str("auth.jwt_alg", "HS256",
          "Access token signature: HS256 (auth.jwt_secret) or RS256 (auth.jwt_private_key_file).", {"HS256", "RS256"}),
      str("auth.jwt_private_key_file", "",
          "PEM RSA private key for RS256; its public half is served at /.well-known/jwks.json."),
      num("auth.access_ttl_s", 900, 30, 86400, "Lifetime of access tokens issued at login and refresh."),
      num("auth.refresh_ttl_s", 2592000, 60, 31536000,
          "Lifetime of a login (a refresh token family), counted from the login: each use rotates the token, none "
          "extends the family."),
      num("auth.admin_refresh_ttl_s", 43200, 60, 31536000,
          "Lifetime of an admin's login (at most auth.refresh_ttl_s): after it the admin logs in again with a TOTP "
          "code."),
      num("auth.password_opslimit", 2, 1, 20, "argon2id passes for password hashes (libsodium opslimit)."),
      num("auth.password_memlimit_kib", 65536, 64, 4194304, "argon2id memory per password hash, KiB."),
      num("auth.login_window_s", 300, 1, 86400, "Window of the login and sign-up rate limits."),
      num("auth.login_attempts_per_account", 10, 1, 100000,
          "Failed logins per e-mail address per window; beyond, the account is under attack: it is slowed, not "
          "locked (a login from a device the account used before, or an admin's with a fresh TOTP code, still goes "
          "through)."),
      num("auth.device_ttl_s", 7776000, 3600, 315360000,
          "How long a device token (given at login, sent back with later logins) marks a known device."),
      num("auth.login_attempts_per_address", 50, 1, 1000000, "Login attempts per client address per window."),
      num("auth.signups_per_address", 20, 1, 1000000, "Sign-ups per client address per window."),
      num("auth.invitation_ttl_s", 604800, 60, 31536000, "Lifetime of a company invitation."),
      num("db.account_connections", 2, 1, 64,
          "Connections (detached actors) serving accounts; password hashing runs there, off the scheduler."),
      str("db.url", "postgresql://hirehub@127.0.0.1:5432/hirehub",
          "libpq connection string of the PostgreSQL database."),
      num("db.reader_connections", 2, 1, 64, "Connections (actors) serving reads."),
      num("db.batch_max", 512, 1, 100000, "Most commands one journal commit (group commit) carries."),
      num("db.queue_max", 20000, 1, 10000000, "Appends waiting for the journal writer beyond which new ones get 503."),
      num("db.retry_ms", 500, 10, 60000, "Pause before reconnecting to PostgreSQL after a failure."),
      str("kafka.bootstrap_servers", "", "Kafka bootstrap servers. Empty: read from kafka.bootstrap_file."),
      str("kafka.bootstrap_file", "var/run/broker.addr",
          "File the embedded broker (`hirehub broker`) writes its address to."),
      str("kafka.client_id", "hirehub", "Kafka client.id."),
      str("kafka.group_prefix", "hirehub", "Prefix of consumer group names."),
      num("kafka.message_timeout_ms", 10000, 100, 3600000,
          "Producer delivery timeout; failed rows stay in the outbox and are retried."),
      num("kafka.session_timeout_ms", 10000, 1000, 300000,
          "A consumer silent this long (a crashed node) leaves its group and its partitions move to the others."),
      num("kafka.poll_ms", 20, 1, 10000, "Consumer poll timeout."),
      num("kafka.epoch_check_ms", 1000, 100, 600000,
          "How often the relay checks that the broker still holds its marker (a broker without it lost its log: "
          "the embedded broker restarted)."),
      str("kafka.consumers", "all",
          "Which Kafka consumers this node runs: all (notifications, job search read model) or none (an API-only "
          "node; the groups go on with other nodes).",
          {"all", "none"}),
      num("outbox.batch", 500, 1, 100000, "Rows the relay publishes per round."),
      num("outbox.idle_poll_ms", 200, 1, 60000, "Relay poll period when nothing wakes it."),
      num("outbox.retry_ms", 1000, 10, 600000, "Relay back-off after a broker or database failure."),
      num("outbox.retention_hours", 168, 1, 87600,
          "A published outbox row is kept until every consumer group that reads its topic confirmed it, at most "
          "this long (rows of topics no HireHub group reads are kept this long for other services): a broker that "
          "loses its log gets them again."),
      num("outbox.sweep_ms", 2000, 100, 3600000, "How often the relay deletes rows every consumer group confirmed."),
      num("search.relevance_window", 200, 1, 100000,
          "Job search by relevance ranks this many of the newest matches (all of them when fewer)."),
      str("notify.public_url", "http://127.0.0.1:8080", "Base URL of links in notifications ({{application_url}})."),
      str("notify.email.smtp_url", "",
          "SMTP server for the email channel (smtp://host:25, smtps://host:465). Empty: no e-mail is sent."),
      str("notify.email.from", "HireHub <no-reply@hirehub.local>", "From header and envelope sender of e-mails."),
      str("notify.email.username", "", "SMTP AUTH user (then TLS is required)."),
      str("notify.email.password", "", "SMTP AUTH password."),
      num("notify.email.rate_per_sec", 10, 1, 100000, "E-mails sent per second at most (per node)."),
      str("notify.push.url", "", "Push gateway endpoint (HTTP POST, JSON). Empty: no push is sent."),
      str("notify.push.api_key", "", "Bearer token for the push gateway."),
      num("notify.push.rate_per_sec", 50, 1, 100000, "Push requests per second at most (per node)."),
      str("notify.sms.url", "", "SMS provider endpoint (HTTP POST, JSON). Empty: no SMS is sent."),
      str("notify.sms.api_key", "", "Bearer token for the SMS provider."),
      num("notify.sms.rate_per_sec", 5, 1, 100000, "SMS sent per second at most (per node)."),
      num("notify.max_attempts", 5, 1, 100, "Attempts per e-mail/push/SMS before it is dead-lettered (failed)."),
      num("notify.retry_base_ms", 1000, 1, 3600000, "First retry delay; doubles per attempt."),
      num("notify.retry_max_ms", 300000, 1, 86400000, "Largest retry delay."),
      num("notify.poll_ms", 1000, 10, 600000, "How often channel senders look for due notifications."),
      num("notify.lease_ms", 60000, 100, 3600000,
          "A claimed notification returns to the queue after this long if its sender died mid-send."),
      num("notify.send_timeout_ms", 10000, 100, 600000, "Deadline of one SMTP or HTTP send."),
      num("resume.max_upload_bytes", 10485760, 1024, 104857600, "Largest resume file accepted (413 above)."),
      str("resume.storage_dir", "var/resumes",
          "Local file store of resumes: original/{user}/{resume}/{file}, processed/{user}/{resume}/masked.txt, "
          "parsed.json."),
      num("resume.embed_dims", 384, 16, 4096, "Dimension of the local embedder's vectors."),
      num("resume.workers", 3, 1, 64,
          "Connections (and threads) running uploads and pipeline stages (one more than the cores of a small box: a "
          "stage waits for its commit)."),
      num("resume.sweep_ms", 10000, 100, 3600000, "How often unfinished resume pipelines are looked for and resumed."),
      num("resume.extract_cpu_s", 10, 1, 3600,
          "CPU seconds the child process that reads an uploaded file may use (then 422: the file took too long)."),
      num("resume.extract_memory_mib", 1024, 256, 65536,
          "Address space of the child process that reads an uploaded file, MiB (then 422: too much memory)."),
      num("resume.extract_timeout_ms", 20000, 100, 3600000,
          "Wall-clock deadline of the child process that reads an uploaded file; it is killed after it."),
      num("resume.uploads_per_user", 2, 1, 1000,
          "Uploads one jobseeker may have in progress at once on a node (429 beyond): each holds a worker and a child "
          "process."),
      num("resume.pii_threshold_pct", 50, 1, 100, "PII findings scoring at least this (percent) are masked."),
      num("match.top_k", 200, 1, 10000,
          "Candidates each job's match actor keeps (and the matches table holds per job)."),
      num("match.recommend_top", 20, 1, 1000, "Jobs in a jobseeker's recommendation list."),
      num("match.recommend_threshold", 80, 0, 100,
          "A job scoring at least this for a jobseeker is recommended to them (and they are told)."),
      num("match.recommend_per_day", 3, 0, 1000, "Recommendations one jobseeker is told of per day at most."),
      num("match.score_step_centi", 50, 0, 10000,
          "A stored score is rewritten when it moves at least this many hundredths of a point."),
      num("match.weight_skill_pct", 55, 0, 100, "Weight of the skill score in the overall score."),
      num("match.weight_experience_pct", 35, 0, 100, "Weight of the experience score in the overall score."),
      num("match.weight_culture_pct", 10, 0, 100, "Weight of the culture score (a heuristic, kept low)."),
      num("match.missing_cap_floor", 40, 0, 100,
          "Highest overall score with every required skill missing (the cap rises linearly to 100 with none missing)."),
      num("match.refresh_ms", 1000, 50, 600000,
          "How often each node's match index reads the pool's changes (resumes, matching switched, jobs)."),
      str("ai.llm1.url", "",
          "First summary provider: root of an OpenAI-compatible API (https://host/v1). Empty: no remote summary."),
      str("ai.llm1.name", "llm1", "Its name in ai_tasks.model_used (name:model) and logs."),
      str("ai.llm1.model", "gpt-4o-mini", "Its chat model."),
      str("ai.llm1.api_key", "", "Its Bearer token."),
      num("ai.llm1.timeout_ms", 20000, 100, 600000, "Deadline of one call to it."),
      str("ai.llm2.url", "", "Second summary provider, tried when the first fails or its circuit is open."),
      str("ai.llm2.name", "llm2", "Its name."),
      str("ai.llm2.model", "gpt-4o-mini", "Its chat model."),
      str("ai.llm2.api_key", "", "Its Bearer token."),
      num("ai.llm2.timeout_ms", 20000, 100, 600000, "Deadline of one call to it."),
      num("ai.breaker_failures", 3, 1, 1000, "Consecutive failures that open a provider's circuit."),
      num("ai.breaker_cooldown_ms", 30000, 10, 3600000, "How long an open circuit skips its provider before a trial."),
      num("ai.summary_max_tokens", 400, 16, 8192, "max_tokens of a summary request."),
      str("ai.embeddings.url", "",
          "Root of an OpenAI-compatible embeddings API. Empty: the local embedder (resume.embed_dims dimensions)."),
      str("ai.embeddings.name", "embeddings", "Its name (the stored model is name:model)."),
      str("ai.embeddings.model", "text-embedding-3-small", "Its model; vectors must have resume.embed_dims values."),
      str("ai.embeddings.api_key", "", "Its Bearer token."),
      num("ai.embeddings.timeout_ms", 10000, 100, 600000, "Deadline of one embeddings call."),
      num("rag.hnsw_m", 32, 4, 128, "Degree of the vector index's HNSW graph (more: better recall, more memory)."),
      num("rag.ef_construction", 100, 10, 2000, "Candidate list while inserting into the vector index."),
      num("rag.ef_search", 128, 10, 5000, "Candidate list of a vector search (recall against time)."),
      num("rag.exact_limit", 4096, 0, 10000000,
          "A RAG query whose filter leaves at most this many chunks scans them exactly instead of the graph."),
      num("entity.idle_timeout_ms", 120000, 10, 86400000, "An entity actor idle this long passivates."),
      num("entity.max_active", 250000, 1, 100000000,
          "Most active entity actors per node (~5 KB each): beyond it the least recently used passivate (they "
          "rebuild from the journal when asked again); 503 only when none can."),
      num("entity.job_cache_ttl_ms", 5000, 0, 3600000,
          "How long a node keeps a job's owner and title for new applications (the job's status is checked in the "
          "commit); a title edit shows in notifications after at most this. 0: every submit's commit reads them."),
      num("entity.job_cache_size", 100000, 0, 10000000, "Most jobs kept by entity.job_cache_ttl_ms."),
      num("supervisor.max_restarts", 5, 0, 1000,
          "Restarts of a child allowed within supervisor.window_ms before escalating."),
      num("supervisor.window_ms", 60000, 1, 86400000, "Window of the restart limit."),
      num("supervisor.backoff_ms", 100, 0, 600000, "First restart delay; doubles on each restart in the window."),
      num("supervisor.backoff_max_ms", 10000, 0, 3600000, "Largest restart delay."),
  };
  return specs;
}

std::string env_name(const std::string& option) {
  std::string out = "HIREHUB_";
  for (char c : option)
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

config::config() {
  for (auto& s : option_registry())
    values_[s.name] = s.default_value;
}

const option_spec& config::spec(const std::string& key) const {
  auto& specs = option_registry();
  auto it = std::find_if(specs.begin(), specs.end(), [&](auto& s) { return s.name == key; });
  if (it == specs.end())
    throw config_error("unknown configuration key '" + key + "' (see deploy/hirehub.example.toml for the known keys)");
  return *it;
}

void config::set(const std::string& key, const std::string& text, const std::string& origin) {
  auto& s = spec(key);
  auto where = origin.empty() ? std::string{} : " (from " + origin + ")";
  switch (s.type) {
    case option_type::integer: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno != 0)
        throw config_error("configuration key '" + key + "'" + where + ": '" + text + "' is not an integer");
      if (v < s.min || v > s.max)
        throw config_error("configuration key '" + key + "'" + where + ": " + text + " is out of range [" +
                           std::to_string(s.min) + ", " + std::to_string(s.max) + "]");
      break;
    }
    case option_type::boolean:
      if (text != "true" && text != "false")
        throw config_error("configuration key '" + key + "'" + where + ": '" + text + "' is not true or false");
      break;
    case option_type::string:
      if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), text) == s.choices.end()) {
        std::string all;
        for (auto& c : s.choices)
          all += (all.empty() ? "" : ", ") + c;
        throw config_error("configuration key '" + key + "'" + where + ": '" + text + "' is not one of " + all);
      }
      break;
  }
  values_[key] = text;
  origins_[key] = origin;
}

std::string config::get_string(const std::string& key) const {
  spec(key);
  return values_.at(key);
}

int64_t config::get_int(const std::string& key) const {
  if (spec(key).type != option_type::integer)
    throw config_error("configuration key '" + key + "' is not an integer option");
  return std::stoll(values_.at(key));
}

bool config::get_bool(const std::string& key) const {
  if (spec(key).type != option_type::boolean)
    throw config_error("configuration key '" + key + "' is not a boolean option");
  return values_.at(key) == "true";
}

namespace {

void load_table(config& cfg, const toml::table& tbl, const std::string& prefix, const std::string& path) {
  for (auto&& [k, node] : tbl) {
    std::string key = prefix.empty() ? std::string{k.str()} : prefix + "." + std::string{k.str()};
    if (auto* sub = node.as_table()) {
      load_table(cfg, *sub, key, path);
      continue;
    }
    std::string text;
    if (auto* s = node.as_string())
      text = s->get();
    else if (auto* i = node.as_integer())
      text = std::to_string(i->get());
    else if (auto* b = node.as_boolean())
      text = b->get() ? "true" : "false";
    else
      throw config_error("configuration key '" + key + "' in " + path + ": unsupported value type");
    cfg.set(key, text, path);
  }
}

}  // namespace

config load_config(const std::string& path, const std::map<std::string, std::string>* env) {
  config cfg;
  if (!path.empty()) {
    toml::table tbl;
    try {
      tbl = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      std::ostringstream os;
      os << "cannot read configuration file " << path << ": " << e.description() << " at line "
         << e.source().begin.line;
      throw config_error(os.str());
    }
    load_table(cfg, tbl, "", path);
  }
  std::map<std::string, std::string> process_env;
  if (env == nullptr) {
    for (char** e = environ; e && *e; ++e) {
      std::string kv = *e;
      auto eq = kv.find('=');
      if (eq != std::string::npos && kv.rfind("HIREHUB_", 0) == 0)
        process_env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    env = &process_env;
  }
  // Environment variables that name no option are left alone: HIREHUB_HTTP and the
  // other endpoint variables of var/run/endpoints.env share the prefix.
  for (auto& s : option_registry()) {
    auto it = env->find(env_name(s.name));
    if (it != env->end())
      cfg.set(s.name, it->second, it->first);
  }
  return cfg;
}

std::string render_example_config() {
  std::ostringstream os;
  os << "# HireHub configuration: every option with its default and meaning.\n"
        "# Each option can be overridden by an environment variable: http.port <- HIREHUB_HTTP_PORT.\n"
        "# Generated by `hirehub config example`; a test keeps this file in sync with the code.\n";
  std::string section;
  for (auto& s : option_registry()) {
    auto dot = s.name.find('.');
    auto sec = s.name.substr(0, dot);
    if (sec != section) {
      os << "\n[" << sec << "]\n";
      section = sec;
    }
    os << "# " << s.description;
    if (s.type == option_type::integer)
      os << " Range " << s.min << ".." << s.max << ".";
    if (!s.choices.empty()) {
      os << " One of:";
      for (auto& c : s.choices)
        os << ' ' << c;
      os << '.';
    }
    os << " (" << env_name(s.name) << ")\n";
    os << s.name.substr(dot + 1) << " = ";
    if (s.type == option_type::string)
      os << '"' << s.default_value << '"';
    else
      os << s.default_value;
    os << '\n';
  }
  return os.str();
}

}  // namespace hirehub
