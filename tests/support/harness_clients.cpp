// Real clients of a node: HTTP (every response checked against the node's OpenAPI
// document), WebSocket and Kafka.
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

#include "gateway/jwt.hpp"
#include "runtime/ids.hpp"

namespace hh_test {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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

void check_responses_against(int port, const json& openapi_doc) {
  std::lock_guard<std::mutex> g{specs_mtx};
  specs[port] = std::make_shared<openapi_spec>(openapi_doc);
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

}  // namespace hh_test
