#pragma once
// Black-box test harness: real processes (hirehub nodes, the embedded broker),
// a fresh PostgreSQL database per suite on the server tests/run.sh started, and
// real HTTP/WebSocket clients on loopback.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <functional>
#include <string>
#include <vector>

#include <sys/types.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace hh_test {

using json = nlohmann::json;

/// The secret every node of this test process is started with: 48 random bytes
/// (base64), made once per process (a node refuses a short or shipped secret).
const std::string& jwt_secret();

/// The cluster CA and one node certificate every node of this test process
/// presents on its CAF port (mutual TLS), made once per process.
struct cluster_certs {
  std::string dir, ca, cert, key;
};
const cluster_certs& test_certs();

/// The scrape token every node of this test process takes for /metrics.
inline const std::string metrics_token = "test-metrics-token-0123456789abcdef0123456789";

std::string uuid();
int free_port();
std::string temp_dir();
std::string hirehub_bin();
std::string token(const std::string& sub, const std::string& role, const std::string& company = {},
                  int ttl_seconds = 3600);

/// Polls `pred` until true or `timeout`; returns the last result.
bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& pred);

class process {
 public:
  process(std::vector<std::string> argv, std::map<std::string, std::string> env, std::string log_path);
  ~process();
  process(const process&) = delete;
  void signal(int sig);
  /// SIGTERM, then SIGKILL after `grace`; returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(15));
  bool alive();
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_; }

 private:
  pid_t pid_ = -1;
  std::string log_;
  int status_ = -1;
};

/// The embedded broker on a port of its own, kept across restarts.
class broker {
 public:
  broker();
  std::string bootstrap;
  void down();  ///< connections refused (SIGUSR1)
  void up();    ///< accepting again (SIGUSR2)
  /// Kills the broker (SIGKILL: its log is lost) and starts a new one on the same address.
  void restart();

 private:
  void start();
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<process> proc_;
};

/// A fresh database on the test PostgreSQL server; dropped at the end.
/// The test PostgreSQL server itself, for outage tests: tests/run.sh says where it
/// lives (HIREHUB_TEST_PG_DATA, HIREHUB_TEST_PG_CTL, HIREHUB_TEST_PG_PORT). It is
/// shared by every test: whatever happens, it runs again when this object goes.
class pg_server {
 public:
  /// False outside tests/run.sh (the test then skips).
  static bool available();
  pg_server();
  ~pg_server();
  void stop();   ///< fast shutdown; returns when it is down
  void start();  ///< returns when it accepts connections
 private:
  std::string ctl_;
  bool stopped_ = false;
};

class database {
 public:
  database();
  ~database();
  std::string url;
  /// Runs a query and returns the first column of the first row as text ("" when no row or NULL).
  std::string scalar(const std::string& sql);
  int64_t count(const std::string& sql) { return std::stoll(scalar(sql)); }
  /// Every row, every column as text (NULL as "").
  std::vector<std::vector<std::string>> rows(const std::string& sql);
  void exec(const std::string& sql);
  /// A resume row of `user_id` (and a users row for it when there is none, as for a
  /// user known only from a token): an application must name one of its user's resumes.
  /// `parsed` (the parser's JSON) makes it a resume matching can read.
  std::string resume_of(const std::string& user_id, const json& parsed = nullptr);
  /// The same for many users in one transaction: their resumes, in order.
  std::vector<std::string> resumes_of(const std::vector<std::string>& user_ids, const json& parsed = nullptr);

 private:
  std::string name_;
  std::string admin_url_;
};

class node {
 public:
  node(database& db, broker& kafka, std::map<std::string, std::string> extra_env = {});
  ~node();
  int port = 0;
  std::string log_path() const { return proc_->log_path(); }
  void kill9();
  void signal(int sig);  ///< e.g. SIGSTOP / SIGCONT to pause and wake the node
  bool alive();
  int stop();

 private:
  std::unique_ptr<process> proc_;
};

struct http_result {
  int status = 0;
  std::string body;
  json json_body;
  std::map<std::string, std::string> headers;
};

/// A keep-alive HTTP/1.1 client.
class http_client {
 public:
  explicit http_client(int port);
  ~http_client();
  http_result request(const std::string& method, const std::string& target, const std::string& body = {},
                      std::map<std::string, std::string> headers = {});
  http_result get(const std::string& target, const std::string& tok = {});
  http_result post(const std::string& target, const json& body, const std::string& tok,
                   std::map<std::string, std::string> headers = {});
  http_result patch(const std::string& target, const json& body, const std::string& tok);
  /// Sends raw bytes on a fresh connection and returns the raw response head+body.
  std::string raw(const std::string& bytes);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// A WebSocket client with deadlines on every read.
class ws_client {
 public:
  /// Connects to /ws<query>; `bearer` goes into the Authorization header when non-empty.
  ws_client(int port, const std::string& bearer, const std::string& query = {});
  ~ws_client();
  bool open() const;
  void send(const std::string& text);
  std::optional<json> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The close code the server sent (0 while open or when none was received).
  uint16_t close_code() const;
  /// The server answered the upgrade with something other than 101 (e.g. 401).
  bool declined() const;
  /// Reads until a frame satisfies `pred` (other frames are collected in `skipped`).
  std::optional<json> read_until(const std::function<bool(const json&)>& pred,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Reads every message of `topic` from the beginning until `min_count` arrived or `timeout`.
std::vector<std::pair<std::string, std::string>> consume_topic(const std::string& bootstrap, const std::string& topic,
                                                               size_t min_count, std::chrono::milliseconds timeout);

/// Reads `topic` from the beginning until `done(messages so far)` holds or `timeout` passes.
std::vector<std::pair<std::string, std::string>> consume_topic_until(
    const std::string& bootstrap, const std::string& topic,
    const std::function<bool(const std::vector<std::pair<std::string, std::string>>&)>& done,
    std::chrono::milliseconds timeout);

/// Produces one message (key, payload) to `topic`.
void produce(const std::string& bootstrap, const std::string& topic, const std::string& key,
             const std::string& payload);

/// From now on every response the node on `port` gives a test's http_client is
/// checked against `openapi_doc` (a node's constructor calls it with the node's own).
void check_responses_against(int port, const json& openapi_doc);

/// A suite whose tests share one `Env` (a database, a broker, a node `n`), started
/// before its first test and stopped after its last, with an HTTP client per test.
inline int port_of(const node& n) {
  return n.port;
}
inline int port_of(const std::unique_ptr<node>& n) {
  return n->port;
}

template <class Env>
class node_suite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { e_ = new Env; }
  static void TearDownTestSuite() {
    delete e_;
    e_ = nullptr;
  }
  void SetUp() override { http_ = std::make_unique<http_client>(port_of(e_->n)); }

  static inline Env* e_ = nullptr;
  std::unique_ptr<http_client> http_;
};

/// A user signed up through the API.
struct api_user {
  std::string id, tok, company, email;
};

/// Signs up a new jobseeker, or a company member with a new company.
api_user sign_up(http_client& http, const std::string& role = "jobseeker");

/// Signs up with `fields` over the defaults (a fresh e-mail address, a password, role
/// jobseeker, a name; a new company for role company); expects 201. Password hashing
/// is slow on a busy box: a sign-up answered 503 may still have committed, so it is
/// tried again, and an address already taken logs in instead.
api_user sign_up_with(http_client& http, const json& fields);

}  // namespace hh_test
