// The listener and the server's API (gateway/server.hpp): accepts with back-off,
// counts connections per client address, runs the I/O threads, stops in order.
#include "gateway/server.hpp"

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include "gateway/net_address.hpp"
#include "gateway/server_session.hpp"

namespace hirehub::gateway {

using namespace detail;

body_file::body_file(int fd, size_t size) : fd_(fd), size_(size) {
  if (size_ == 0)
    return;
  void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
  if (p == MAP_FAILED) {
    ::close(fd_);
    throw std::runtime_error(std::string("cannot map an upload: ") + std::strerror(errno));
  }
  data_ = static_cast<const char*>(p);
}

body_file::~body_file() {
  if (data_)
    ::munmap(const_cast<char*>(data_), size_);
  if (fd_ >= 0)
    ::close(fd_);
}

namespace detail {

http_response error_response(int status, const std::string& code, const std::string& message) {
  http_response r;
  r.status = status;
  r.body = R"({"error":{"code":")" + code + R"(","message":")" + message + R"(","details":{}}})";
  return r;
}

}  // namespace detail

struct http_server::impl {
  std::shared_ptr<shared_ctx> ctx = std::make_shared<shared_ctx>();
  asio::io_context ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;

  std::unique_ptr<asio::steady_timer> accept_backoff;

  /// Counts the connection for its client address; null (refuse it) when that
  /// address has http.max_connections_per_address open already.
  address_slot take_address(tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec)
      return nullptr;
    auto key = network_key(ep.address().to_string());
    std::lock_guard<std::mutex> g{ctx->address_mtx};
    auto& n = ctx->per_address[key];
    if (n >= ctx->opts.max_connections_per_address) {
      static auto& refused =
          metrics::get_counter("hirehub_http_connections_refused_per_address_total",
                               "Connections refused because their address had http.max_connections_per_address open");
      refused.inc();
      if (n == 0)
        ctx->per_address.erase(key);
      return nullptr;
    }
    ++n;
    auto c = ctx;
    return address_slot(static_cast<void*>(c.get()), [c, key](void*) {
      std::lock_guard<std::mutex> g{c->address_mtx};
      if (auto it = c->per_address.find(key); it != c->per_address.end() && --it->second == 0)
        c->per_address.erase(it);
    });
  }

  void do_accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || ctx->stopping.load())
          return;
        // Out of descriptors (EMFILE/ENFILE) or memory: accepting again at once
        // would fail again at once and spin this thread. Wait, then try again.
        static auto& errors =
            metrics::get_counter("hirehub_http_accept_errors_total",
                                 "Failed accepts (out of file descriptors or memory); retried after 50 ms");
        errors.inc();
        log::warn("accept failed; retrying in 50 ms", {{"error", ec.message()}});
        accept_backoff->expires_after(std::chrono::milliseconds(50));
        accept_backoff->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec && !ctx->stopping.load())
            do_accept();
        });
        return;
      }
      address_slot slot;
      if (ctx->connections.load() < ctx->opts.max_connections)
        slot = take_address(socket);
      if (!slot) {
        // Refuse at accept: past the limits a connection costs nothing more.
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        guarded("accept", "", [&] { start_http_session(std::move(socket), ctx, std::move(slot)); });
      }
      do_accept();
    });
  }
};

http_server::http_server(server_options opts, server_handlers handlers) : impl_(std::make_unique<impl>()) {
  impl_->ctx->opts = std::move(opts);
  impl_->ctx->handlers = std::move(handlers);
}

http_server::~http_server() {
  stop();
}

uint16_t http_server::start() {
  auto& d = *impl_;
  auto addr = asio::ip::make_address(d.ctx->opts.address);
  tcp::endpoint ep{addr, d.ctx->opts.port};
  d.acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(d.ioc));
  d.acceptor->open(ep.protocol());
  d.acceptor->set_option(asio::socket_base::reuse_address(true));
  d.acceptor->bind(ep);
  d.acceptor->listen(asio::socket_base::max_listen_connections);
  auto port = d.acceptor->local_endpoint().port();
  d.guard.emplace(d.ioc.get_executor());
  d.accept_backoff = std::make_unique<asio::steady_timer>(d.acceptor->get_executor());
  d.do_accept();
  for (int i = 0; i < d.ctx->opts.io_threads; ++i)
    d.threads.emplace_back([&d] {
      // Every callback guards its calls into the application; this is the last line:
      // an exception that still escapes is logged and the loop goes on.
      for (;;) {
        try {
          d.ioc.run();
          return;
        } catch (const std::exception& e) {
          log::error("exception escaped an I/O callback; the I/O loop goes on", {{"error", e.what()}});
        } catch (...) {
          log::error("exception escaped an I/O callback; the I/O loop goes on");
        }
      }
    });
  return port;
}

void http_server::stop_accepting() {
  auto& d = *impl_;
  if (!d.acceptor)
    return;
  asio::post(d.acceptor->get_executor(), [&d] {
    beast::error_code ec;
    if (d.accept_backoff)
      d.accept_backoff->cancel();
    d.acceptor->close(ec);
  });
}

void http_server::drain() {
  impl_->ctx->draining = true;
}

void http_server::stop() {
  auto& d = *impl_;
  if (d.ctx->stopping.exchange(true))
    return;
  stop_accepting();
  d.guard.reset();
  d.ioc.stop();
  for (auto& t : d.threads)
    t.join();
  d.threads.clear();
  drop_websocket_callbacks(*d.ctx);
}

size_t http_server::open_connections() const {
  return impl_->ctx->connections.load();
}

size_t http_server::open_websockets() const {
  return impl_->ctx->websockets.load();
}

}  // namespace hirehub::gateway
