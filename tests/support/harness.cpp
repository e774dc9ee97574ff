#include "support/harness.hpp"

#include "gateway/route_match.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <mutex>

#include <gtest/gtest.h>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <librdkafka/rdkafkacpp.h>
#include <pqxx/pqxx>

#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

namespace hh_test {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string uuid() {
  return hirehub::ids::random_uuid();
}

int free_port() {
  asio::io_context ioc;
  tcp::acceptor a{ioc, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
  return a.local_endpoint().port();
}

std::string temp_dir() {
  std::string tmpl = "/tmp/hirehub-test-XXXXXX";
  if (!mkdtemp(tmpl.data()))
    throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string hirehub_bin() {
  if (const char* b = std::getenv("HIREHUB_BIN"))
    return b;
  return HIREHUB_BIN_DEFAULT;
}

const cluster_certs& test_certs() {
  static const cluster_certs certs = [] {
    cluster_certs c;
    c.dir = temp_dir() + "/certs";
    auto cmd = hirehub_bin() + " cluster certs --out " + c.dir + " --nodes 1 > /dev/null";
    if (std::system(cmd.c_str()) != 0)
      throw std::runtime_error("cannot make the cluster certificates: " + cmd);
    c.ca = c.dir + "/ca.pem";
    c.cert = c.dir + "/node-1.pem";
    c.key = c.dir + "/node-1.key";
    return c;
  }();
  return certs;
}

const std::string& jwt_secret() {
  static const std::string secret = [] {
    std::string raw(48, '\0');
    std::ifstream urandom{"/dev/urandom", std::ios::binary};
    urandom.read(raw.data(), static_cast<std::streamsize>(raw.size()));
    if (!urandom)
      throw std::runtime_error("cannot read /dev/urandom");
    return hirehub::jwt::base64url_encode(raw);
  }();
  return secret;
}

std::string token(const std::string& sub, const std::string& role, const std::string& company, int ttl_seconds) {
  hirehub::jwt::claims c;
  c.sub = sub;
  c.role = role;
  c.company_id = company;
  c.issuer = "hirehub";
  c.issued_at = std::time(nullptr);
  c.expires_at = c.issued_at + ttl_seconds;
  return hirehub::jwt::sign(c, jwt_secret());
}

bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred())
      return true;
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// ---- processes ----------------------------------------------------------------

process::process(std::vector<std::string> argv, std::map<std::string, std::string> env, std::string log_path)
    : log_(std::move(log_path)) {
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    for (auto& [k, v] : env)
      setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

process::~process() {
  if (pid_ > 0 && status_ < 0)
    stop(std::chrono::seconds(10));
}

void process::signal(int sig) {
  if (pid_ > 0 && status_ < 0)
    ::kill(pid_, sig);
}

bool process::alive() {
  if (status_ >= 0)
    return false;
  int st = 0;
  auto r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = st;
    return false;
  }
  return true;
}

int process::stop(std::chrono::milliseconds grace) {
  if (status_ >= 0)
    return status_;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = st;
      return st;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  int st = 0;
  waitpid(pid_, &st, 0);
  status_ = st;
  return st;
}

broker::broker() : dir_(temp_dir()), port_(free_port()) {
  start();
}

void broker::start() {
  auto addr_file = dir_ + "/broker.addr";
  std::remove(addr_file.c_str());
  bootstrap.clear();
  proc_ = std::make_unique<process>(std::vector<std::string>{hirehub_bin(), "broker", "--bootstrap-file", addr_file,
                                                             "--partitions", "4", "--port", std::to_string(port_)},
                                    std::map<std::string, std::string>{}, dir_ + "/broker.log");
  if (!eventually(std::chrono::seconds(10), [&] {
        std::ifstream in{addr_file};
        std::getline(in, bootstrap);
        return !bootstrap.empty();
      }))
    throw std::runtime_error("the broker did not publish its address; see " + dir_ + "/broker.log");
}

void broker::restart() {
  proc_->signal(SIGKILL);
  proc_->stop(std::chrono::seconds(5));
  // The port is taken again at once (SO_REUSEADDR); connections of the old one may linger.
  for (int attempt = 0;; ++attempt) {
    try {
      start();
      return;
    } catch (const std::exception&) {
      if (attempt >= 20)
        throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
}

void broker::down() {
  proc_->signal(SIGUSR1);
}

void broker::up() {
  proc_->signal(SIGUSR2);
}

// ---- the PostgreSQL server (a test that restarts it) --------------------------------------------------------

bool pg_server::available() {
  return std::getenv("HIREHUB_TEST_PG_DATA") && std::getenv("HIREHUB_TEST_PG_CTL") &&
         std::getenv("HIREHUB_TEST_PG_PORT");
}

pg_server::pg_server() {
  if (!available())
    throw std::runtime_error("HIREHUB_TEST_PG_DATA, HIREHUB_TEST_PG_CTL and HIREHUB_TEST_PG_PORT are not set");
  ctl_ = std::string{getuid() == 0 ? "runuser -u postgres -- " : ""} + std::getenv("HIREHUB_TEST_PG_CTL") + " -D " +
         std::getenv("HIREHUB_TEST_PG_DATA");
}

pg_server::~pg_server() {
  if (stopped_)
    std::system((ctl_ + " -w start -o \"-p " + std::getenv("HIREHUB_TEST_PG_PORT") + "\" > /dev/null 2>&1").c_str());
}

void pg_server::stop() {
  if (std::system((ctl_ + " -m fast -w stop > /dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("pg_ctl stop failed");
  stopped_ = true;
}

void pg_server::start() {
  if (std::system(
          (ctl_ + " -w start -o \"-p " + std::getenv("HIREHUB_TEST_PG_PORT") + "\" > /dev/null 2>&1").c_str()) != 0)
    throw std::runtime_error("pg_ctl start failed");
  stopped_ = false;
}

// ---- node -------------------------------------------------------------------------

node::node(database& db, broker& kafka, std::map<std::string, std::string> extra_env) {
  port = free_port();
  auto dir = temp_dir();
  std::map<std::string, std::string> env = {
      {"HIREHUB_DB_URL", db.url},
      {"HIREHUB_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrap},
      {"HIREHUB_HTTP_PORT", std::to_string(port)},
      {"HIREHUB_AUTH_JWT_SECRET", jwt_secret()},
      {"HIREHUB_HTTP_METRICS_TOKEN", metrics_token},
      // Nodes authenticate each other with the test process's cluster certificate.
      {"HIREHUB_CLUSTER_TLS_CERT", test_certs().cert},
      {"HIREHUB_CLUSTER_TLS_KEY", test_certs().key},
      {"HIREHUB_CLUSTER_TLS_CA", test_certs().ca},
      {"HIREHUB_KAFKA_GROUP_PREFIX", "test-" + uuid().substr(0, 8)},
      {"HIREHUB_LOG_LEVEL", "info"},
      {"HIREHUB_RESUME_STORAGE_DIR", dir + "/resumes"},
      // Tests read events back from the outbox: rows stay after every group confirmed
      // them (the broker restart tests set their own sweep).
      {"HIREHUB_OUTBOX_SWEEP_MS", "3600000"},
  };
  for (auto& [k, v] : extra_env)
    env[k] = v;
  proc_ = std::make_unique<process>(std::vector<std::string>{hirehub_bin(), "serve"}, env, dir + "/node.log");
  http_client c{port};
  bool exited = false;
  bool ready = eventually(std::chrono::seconds(60), [&] {
    if (!proc_->alive())
      return exited = true;
    try {
      return c.get("/ready").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  });
  if (!ready || exited)
    throw std::runtime_error(std::string(exited ? "the node exited" : "the node did not become ready") + "; see " +
                             proc_->log_path());
  check_responses_against(port, c.get("/api/v1/openapi.json").json_body);
}

node::~node() = default;

void node::signal(int sig) {
  proc_->signal(sig);
}

bool node::alive() {
  return proc_->alive();
}

void node::kill9() {
  proc_->signal(SIGKILL);
  proc_->stop(std::chrono::seconds(5));
}

int node::stop() {
  return proc_->stop();
}

api_user sign_up(http_client& http, const std::string& role) {
  return sign_up_with(http, json{{"role", role}});
}

api_user sign_up_with(http_client& http, const json& fields) {
  auto role = fields.value("role", std::string{"jobseeker"});
  json body = {{"email", role + "-" + uuid().substr(0, 8) + "@example.com"},
               {"password", "a-good-password"},
               {"role", role},
               {"name", "Tester"}};
  if (role == "company")
    body["company"] = {{"name", "Acme " + uuid().substr(0, 6)}};
  body.update(fields);
  http_result r;
  for (int attempt = 0; attempt < 5; ++attempt) {
    r = http.post("/api/v1/auth/signup", body, "");
    if (r.status == 409 && attempt > 0)  // an earlier attempt answered 503 but committed
      r = http.post("/api/v1/auth/login", {{"email", body["email"]}, {"password", body["password"]}}, "");
    if (r.status != 503)
      break;
  }
  EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body;
  if (r.status != 201 && r.status != 200)
    return {};
  return {r.json_body["user"]["id"], r.json_body["access_token"], r.json_body["user"].value("company_id", ""),
          body["email"]};
}

}  // namespace hh_test
