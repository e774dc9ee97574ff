#include "support/harness.hpp"

#include "gateway/route_match.hpp"
#include "support/openapi_check.hpp"

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

// ---- database -------------------------------------------------------------------

database::database() {
  const char* admin = std::getenv("HIREHUB_TEST_PG_ADMIN_URL");
  if (!admin)
    throw std::runtime_error("HIREHUB_TEST_PG_ADMIN_URL is not set: run the integration tests through tests/run.sh");
  admin_url_ = admin;
  name_ = "hh_test_" + uuid().substr(0, 8);
  pqxx::connection c{admin_url_};
  pqxx::nontransaction t{c};
  t.exec("CREATE DATABASE " + name_);
  auto slash = admin_url_.rfind('/');
  url = admin_url_.substr(0, slash + 1) + name_;
}

database::~database() {
  try {
    pqxx::connection c{admin_url_};
    pqxx::nontransaction t{c};
    t.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
  }
}

std::string database::scalar(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  auto r = t.exec(sql);
  if (r.empty() || r[0][0].is_null())
    return {};
  return r[0][0].as<std::string>();
}

std::vector<std::vector<std::string>> database::rows(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  std::vector<std::vector<std::string>> out;
  for (auto row : t.exec(sql)) {
    out.emplace_back();
    for (auto f : row)
      out.back().push_back(f.is_null() ? std::string{} : f.as<std::string>());
  }
  return out;
}

void database::exec(const std::string& sql) {
  pqxx::connection c{url};
  pqxx::nontransaction t{c};
  t.exec(sql);
}

std::string database::resume_of(const std::string& user_id) {
  return resumes_of({user_id})[0];
}

std::vector<std::string> database::resumes_of(const std::vector<std::string>& user_ids) {
  std::vector<std::string> ids;
  std::string users = "{", resumes = "{";
  for (auto& u : user_ids) {
    ids.push_back(uuid());
    users += (users.size() > 1 ? "," : "") + u;
    resumes += (resumes.size() > 1 ? "," : "") + ids.back();
  }
  pqxx::connection c{url};
  pqxx::work t{c};
  t.exec_params(
      "INSERT INTO users (id, email, password_hash, user_type) SELECT u, u || '@resume.test', '-', 'jobseeker' "
      "FROM unnest($1::uuid[]) u ON CONFLICT DO NOTHING",
      users + "}");
  t.exec_params(
      "INSERT INTO resumes (id, user_id, title, original_file_url, original_file_name, file_type, file_size, "
      "file_sha256, status, progress) SELECT r, u, 'CV', 'resumes/' || r || '.txt', 'cv.txt', 'txt', 1, "
      "repeat('0', 64), 'ready', 100 FROM unnest($1::uuid[], $2::uuid[]) AS x(r, u)",
      resumes + "}", users + "}");
  t.commit();
  return ids;
}

// ---- OpenAPI conformance of every response --------------------------------------------

namespace {

std::mutex specs_mtx;
std::map<int, std::shared_ptr<openapi_spec>> specs;  // node port -> its document

std::shared_ptr<openapi_spec> spec_for(int port) {
  std::lock_guard<std::mutex> g{specs_mtx};
  auto it = specs.find(port);
  return it == specs.end() ? nullptr : it->second;
}

/// Every response a test receives from a node is checked against the node's
/// OpenAPI document (operations it does not document, e.g. 405s, are skipped).
void check_against_openapi(int port, const std::string& method, const std::string& target, const http_result& r) {
  auto spec = spec_for(port);
  if (!spec || r.status == 405)
    return;
  auto path = target.substr(0, target.find('?'));
  std::string m = method;
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  // Of the templates that fit, the most specific ("{id}.ics" over "{id}").
  std::string best;
  for (auto& [tmpl, ops] : spec->doc().at("paths").items())
    if (ops.contains(m) && hirehub::gateway::match_path(path, tmpl, nullptr) &&
        (best.empty() || hirehub::gateway::literal_length(tmpl) > hirehub::gateway::literal_length(best)))
      best = tmpl;
  if (best.empty())
    return;
  json body = r.json_body.is_discarded() ? json(r.body) : r.json_body;
  for (auto& p : spec->check(method, best, r.status, body))
    ADD_FAILURE() << "OpenAPI: " << p << "\n  response: " << r.body.substr(0, 500);
}

}  // namespace

// ---- the PostgreSQL server --------------------------------------------------------

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
  if (std::system((ctl_ + " -w start -o \"-p " + std::getenv("HIREHUB_TEST_PG_PORT") + "\" > /dev/null 2>&1").c_str()) !=
      0)
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
  auto doc = c.get("/api/v1/openapi.json");
  std::lock_guard<std::mutex> g{specs_mtx};
  specs[port] = std::make_shared<openapi_spec>(doc.json_body);
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

// ---- HTTP ---------------------------------------------------------------------------

struct http_client::impl {
  int port;
  asio::io_context ioc;
  std::unique_ptr<tcp::socket> sock;
  beast::flat_buffer buffer;

  void connect() {
    sock = std::make_unique<tcp::socket>(ioc);
    sock->connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    timeval tv{30, 0};
    setsockopt(sock->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    buffer.clear();
  }
};

http_client::http_client(int port) : impl_(std::make_unique<impl>()) {
  impl_->port = port;
}

http_client::~http_client() = default;

http_result http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                 std::map<std::string, std::string> headers) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (!impl_->sock || !impl_->sock->is_open())
        impl_->connect();
      bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
      req.set(bhttp::field::host, "127.0.0.1");
      for (auto& [k, v] : headers)
        req.set(k, v);
      req.body() = body;
      req.prepare_payload();
      bhttp::write(*impl_->sock, req);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      bhttp::read(*impl_->sock, impl_->buffer, parser);
      auto res = parser.release();
      http_result out;
      out.status = static_cast<int>(res.result_int());
      out.body = res.body();
      for (auto& f : res)
        out.headers[std::string{f.name_string()}] = std::string{f.value()};
      out.json_body = json::parse(out.body, nullptr, false);
      if (!res.keep_alive())
        impl_->sock.reset();
      check_against_openapi(impl_->port, method, target, out);
      return out;
    } catch (const std::exception&) {
      impl_->sock.reset();
      if (attempt >= 1)
        throw;
    }
  }
}

http_result http_client::get(const std::string& target, const std::string& tok) {
  std::map<std::string, std::string> h;
  if (!tok.empty())
    h["Authorization"] = "Bearer " + tok;
  return request("GET", target, {}, h);
}

http_result http_client::post(const std::string& target, const json& body, const std::string& tok,
                              std::map<std::string, std::string> headers) {
  headers["Content-Type"] = "application/json";
  if (!tok.empty())
    headers["Authorization"] = "Bearer " + tok;
  return request("POST", target, body.is_null() ? "" : body.dump(), headers);
}

http_result http_client::patch(const std::string& target, const json& body, const std::string& tok) {
  return request("PATCH", target, body.dump(),
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + tok}});
}

std::string http_client::raw(const std::string& bytes) {
  tcp::socket s{impl_->ioc};
  s.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(impl_->port)});
  timeval tv{10, 0};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  asio::write(s, asio::buffer(bytes));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  for (;;) {
    auto n = s.read_some(asio::buffer(buf), ec);
    if (ec || n == 0)
      break;
    out.append(buf, n);
    if (out.find("\r\n\r\n") != std::string::npos) {
      auto cl = out.find("Content-Length: ");
      if (cl == std::string::npos)
        break;  // no body (e.g. 101 Switching Protocols)
      auto len = std::stoul(out.substr(cl + 16));
      if (out.size() >= out.find("\r\n\r\n") + 4 + len)
        break;
    }
  }
  return out;
}

// ---- WebSocket ------------------------------------------------------------------------

struct ws_client::impl {
  asio::io_context ioc;
  bws::stream<tcp::socket> ws{ioc};
  beast::flat_buffer buffer;
  bool is_open = false;
  bool reading = false;
  std::optional<std::string> ready;
  bool failed = false;
  bool declined = false;
};

ws_client::ws_client(int port, const std::string& bearer, const std::string& query) : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  d.ws.next_layer().connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  d.ws.set_option(bws::stream_base::decorator([bearer](bws::request_type& req) {
    if (!bearer.empty())
      req.set(bhttp::field::authorization, "Bearer " + bearer);
  }));
  bws::response_type res;
  boost::system::error_code ec;
  d.ws.handshake(res, "127.0.0.1", "/ws" + query, ec);
  if (ec) {
    d.declined = ec == bws::error::upgrade_declined;
    return;
  }
  d.is_open = true;
}

ws_client::~ws_client() {
  if (impl_->is_open) {
    boost::system::error_code ec;
    impl_->ws.next_layer().close(ec);
  }
}

bool ws_client::open() const {
  return impl_->is_open;
}

uint16_t ws_client::close_code() const {
  return static_cast<uint16_t>(impl_->ws.reason().code);
}

bool ws_client::declined() const {
  return impl_->declined;
}

void ws_client::send(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text));
}

std::optional<json> ws_client::read(std::chrono::milliseconds timeout) {
  auto& d = *impl_;
  if (!d.is_open)
    return std::nullopt;
  if (!d.reading) {
    d.reading = true;
    d.ws.async_read(d.buffer, [&d](boost::system::error_code ec, std::size_t) {
      d.reading = false;
      if (ec) {
        d.failed = true;
        d.is_open = false;
        return;
      }
      d.ready = beast::buffers_to_string(d.buffer.data());
      d.buffer.consume(d.buffer.size());
    });
  }
  d.ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!d.ready && !d.failed && std::chrono::steady_clock::now() < deadline)
    d.ioc.run_for(std::chrono::milliseconds(20));
  if (!d.ready)
    return std::nullopt;
  auto text = std::move(*d.ready);
  d.ready.reset();
  return json::parse(text, nullptr, false);
}

std::optional<json> ws_client::read_until(const std::function<bool(const json&)>& pred,
                                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto f = read(left);
    if (!f)
      return std::nullopt;
    if (pred(*f))
      return f;
  }
  return std::nullopt;
}

// ---- Kafka --------------------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> consume_topic(const std::string& bootstrap, const std::string& topic,
                                                               size_t min_count, std::chrono::milliseconds timeout) {
  return consume_topic_until(
      bootstrap, topic, [min_count](const auto& out) { return out.size() >= min_count; }, timeout);
}

std::vector<std::pair<std::string, std::string>> consume_topic_until(
    const std::string& bootstrap, const std::string& topic,
    const std::function<bool(const std::vector<std::pair<std::string, std::string>>&)>& done,
    std::chrono::milliseconds timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf{RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL)};
  conf->set("bootstrap.servers", bootstrap, err);
  conf->set("group.id", "test-reader-" + uuid(), err);
  conf->set("auto.offset.reset", "earliest", err);
  conf->set("enable.auto.commit", "false", err);
  std::unique_ptr<RdKafka::KafkaConsumer> c{RdKafka::KafkaConsumer::create(conf.get(), err)};
  if (!c)
    throw std::runtime_error(err);
  c->subscribe({topic});
  std::vector<std::pair<std::string, std::string>> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(out) && std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<RdKafka::Message> m{c->consume(100)};
    if (m->err() != RdKafka::ERR_NO_ERROR)
      continue;
    out.emplace_back(m->key() ? *m->key() : "", std::string(static_cast<const char*>(m->payload()), m->len()));
  }
  c->close();
  return out;
}

void produce(const std::string& bootstrap, const std::string& topic, const std::string& key,
             const std::string& payload) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf{RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL)};
  conf->set("bootstrap.servers", bootstrap, err);
  std::unique_ptr<RdKafka::Producer> p{RdKafka::Producer::create(conf.get(), err)};
  if (!p)
    throw std::runtime_error(err);
  auto rc = p->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                       const_cast<char*>(payload.data()), payload.size(), key.data(), key.size(), 0, nullptr);
  if (rc != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error(RdKafka::err2str(rc));
  if (p->flush(10000) != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error("produce did not complete");
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
  auto r = http.post("/api/v1/auth/signup", body, "");
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201)
    return {};
  return {r.json_body["user"]["id"], r.json_body["access_token"], r.json_body["user"].value("company_id", ""),
          body["email"]};
}

}  // namespace hh_test
