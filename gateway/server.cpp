#include "gateway/server.hpp"

#include <utility>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket.hpp>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/net_address.hpp"
#include "runtime/ids.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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

namespace {

/// Runs one call into the application on an I/O thread. An exception must never
/// leave an I/O callback (it would end io_context::run and the process): it is
/// logged with the request id and counted, and the caller answers for that
/// connection alone. False when `f` threw.
template <class F>
bool guarded(const char* where, const std::string& request_id, F&& f) noexcept {
  const char* what = nullptr;
  std::string message;
  try {
    f();
    return true;
  } catch (const std::exception& e) {
    what = "exception";
    message = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  try {
    static auto& failures = metrics::get_counter(
        "hirehub_gateway_callback_failures_total",
        "Exceptions caught at the I/O boundary (the connection got 500 or was closed with 1011)");
    failures.inc();
    log::error("exception at the I/O boundary", {{"where", where}, {"request_id", request_id}, {"error", what},
                                                 {"message", message}});
  } catch (...) {
  }
  return false;
}

http_response error_response(int status, const std::string& code, const std::string& message) {
  http_response r;
  r.status = status;
  r.body = R"({"error":{"code":")" + code + R"(","message":")" + message + R"(","details":{}}})";
  return r;
}

struct shared_ctx;
/// One connection counted for its client address; the count goes down when the
/// last owner (the HTTP session, then its WebSocket) drops it.
using address_slot = std::shared_ptr<void>;

struct shared_ctx {
  server_options opts;
  server_handlers handlers;
  std::atomic<size_t> connections{0};
  std::atomic<size_t> websockets{0};
  std::atomic<size_t> large_bodies{0};  // uploads being received
  std::mutex address_mtx;
  std::unordered_map<std::string, size_t> per_address;  // open connections per client address (IPv6: per /64)
  std::atomic<bool> stopping{false};
  std::atomic<bool> draining{false};  // responses close their connections
  std::mutex ws_mtx;
  std::set<std::weak_ptr<class ws_session>, std::owner_less<std::weak_ptr<class ws_session>>> ws_sessions;
};

class ws_session : public std::enable_shared_from_this<ws_session>, public ws_connection {
 public:
  ws_session(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot)
      : ws_(std::move(socket)), ctx_(std::move(ctx)), slot_(std::move(slot)) {
    ++ctx_->connections;
    ++ctx_->websockets;
  }

  ~ws_session() override {
    --ctx_->connections;
    --ctx_->websockets;
  }

  void run(bhttp::request<bhttp::string_body> req, http_request info,
           std::function<ws_callbacks(std::shared_ptr<ws_connection>)> open) {
    info_ = std::move(info);
    open_ = std::move(open);
    ws_.set_option(bws::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(ctx_->opts.ws_max_frame_bytes);
    ws_.set_option(
        bws::stream_base::decorator([](bws::response_type& res) { res.set(bhttp::field::server, "hirehub"); }));
    ws_.async_accept(req, beast::bind_front_handler(&ws_session::on_accept, shared_from_this()));
  }

  bool send(std::string text) override {
    if (closed_.load())
      return false;
    if (queued_.fetch_add(1) >= ctx_->opts.ws_max_queued_frames) {
      --queued_;
      close(1008, "send queue full: the client reads too slowly");
      return false;
    }
    asio::post(ws_.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      if (self->closing_ || self->closed_.load()) {
        --self->queued_;
        return;
      }
      self->queue_.push_back(std::move(t));
      if (!self->writing_)
        self->do_write();
    });
    return true;
  }

  void close(uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::move(reason)]() mutable {
      if (self->closing_ || self->closed_.load())
        return;
      self->closing_ = true;
      self->close_reason_ = bws::close_reason(static_cast<bws::close_code>(code), r);
      if (!self->writing_)
        self->do_close();
    });
  }

  void drop_callbacks() {
    std::lock_guard<std::mutex> guard{cb_mtx_};
    cb_ = {};
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      finish();
      return;
    }
    {
      std::lock_guard<std::mutex> guard{ctx_->ws_mtx};
      ctx_->ws_sessions.insert(weak_from_this());
    }
    ws_callbacks cb;
    auto open = std::move(open_);
    if (!open || !guarded("websocket open", info_.request_id, [&] { cb = open(shared_from_this()); })) {
      close(1011, "internal error");
      do_read();  // reads the client's close answer
      return;
    }
    {
      std::lock_guard<std::mutex> guard{cb_mtx_};
      cb_ = std::move(cb);
    }
    do_read();
  }

  void do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&ws_session::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) {
      if (ec == bws::error::message_too_big)
        log::debug("websocket frame over the limit; closing", {{"limit", ctx_->opts.ws_max_frame_bytes}});
      finish();
      return;
    }
    auto text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (!ws_.got_text())
      text = "\x01binary";  // not JSON: the application answers with an error frame
    std::function<void(std::string)> on_text;
    {
      std::lock_guard<std::mutex> guard{cb_mtx_};
      on_text = cb_.on_text;
    }
    if (on_text && !guarded("websocket frame", info_.request_id, [&] { on_text(std::move(text)); })) {
      {
        std::lock_guard<std::mutex> guard{cb_mtx_};
        cb_.on_text = nullptr;
      }
      close(1011, "internal error");
    }
    do_read();
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), beast::bind_front_handler(&ws_session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    queue_.pop_front();
    --queued_;
    if (ec) {
      finish();
      return;
    }
    if (closing_) {
      do_close();
      return;
    }
    if (!queue_.empty())
      do_write();
  }

  void do_close() {
    writing_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  void finish() {
    if (closed_.exchange(true))
      return;
    std::function<void()> on_close;
    {
      std::lock_guard<std::mutex> guard{cb_mtx_};
      on_close = std::move(cb_.on_close);
      cb_ = {};
    }
    if (on_close && !ctx_->stopping.load())
      guarded("websocket close", info_.request_id, on_close);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  bws::stream<beast::tcp_stream> ws_;
  std::shared_ptr<shared_ctx> ctx_;
  address_slot slot_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::atomic<size_t> queued_{0};
  bool writing_ = false;
  bool closing_ = false;
  bws::close_reason close_reason_;
  std::atomic<bool> closed_{false};
  http_request info_;
  std::function<ws_callbacks(std::shared_ptr<ws_connection>)> open_;
  std::mutex cb_mtx_;
  ws_callbacks cb_;
};

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot)
      : stream_(std::move(socket)), ctx_(std::move(ctx)), slot_(std::move(slot)) {
    ++ctx_->connections;
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec)
      remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  ~http_session() {
    release_large_slot();
    drop_temp_file();
    --ctx_->connections;
  }

  void run() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&http_session::do_read, shared_from_this()));
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->header_limit(ctx_->opts.max_header_bytes);
    // The larger limit while the header is read (Beast checks Content-Length
    // against it then); on_header applies the route's own.
    parser_->body_limit(std::max<uint64_t>(ctx_->opts.max_body_bytes, ctx_->opts.max_upload_body_bytes));
    stream_.expires_after(ctx_->opts.idle_timeout);
    // The header first: the body limit depends on the route (uploads are larger).
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&http_session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t bytes) {
    body_limit_ = ctx_->opts.max_body_bytes;
    body_limit_key_ = "http.max_body_bytes";
    if (ec) {
      on_read(ec, bytes);
      return;
    }
    const auto& req = parser_->get();
    version_ = req.version();
    auto target = req.target();
    auto path = target.substr(0, target.find('?'));
    bool upload = !ctx_->opts.upload_path.empty() && req.method() == bhttp::verb::post &&
                  std::string_view(path.data(), path.size()) == ctx_->opts.upload_path;
    if (upload) {
      body_limit_ = ctx_->opts.max_upload_body_bytes;
      body_limit_key_ = "resume.max_upload_bytes";
    }
    if (auto length = parser_->content_length(); length && *length > body_limit_) {
      on_read(bhttp::error::body_limit, 0);
      return;
    }
    if (!bws::is_upgrade(req)) {
      // The caller is looked at before the body is read: a request that will be
      // refused (401, 403) costs no body (and an upload no disk).
      auto head = head_info(req);
      request_id_ = head.request_id;
      head_decision decision;
      if (!guarded("http headers", head.request_id, [&] {
            if (ctx_->handlers.on_head)
              decision = ctx_->handlers.on_head(head);
          })) {
        write_error(500, "internal", "internal error");
        return;
      }
      if (decision.refused) {
        keep_alive_ = false;  // the body was not read: the connection cannot be reused
        write(std::move(*decision.refused));
        return;
      }
      auth_ = std::move(decision.auth);
      if (upload) {
        read_to_file();
        return;
      }
    }
    parser_->body_limit(body_limit_);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  /// A large body goes to a temporary file, not to memory; at most
  /// max_large_bodies are received at once on this node (503 beyond).
  void read_to_file() {
    if (ctx_->large_bodies.fetch_add(1) >= ctx_->opts.max_large_bodies) {
      --ctx_->large_bodies;
      static auto& busy = metrics::get_counter("hirehub_http_large_bodies_refused_total",
                                               "Uploads refused because too many were being received (503)");
      busy.inc();
      keep_alive_ = false;
      auto r = error_response(503, "overloaded",
                              "too many uploads are being received by this node (http.max_large_bodies); retry");
      r.headers.emplace_back("Retry-After", "2");
      write(std::move(r));
      return;
    }
    large_slot_ = true;
    std::string tmpl = ctx_->opts.upload_tmp_dir + "/hirehub-upload-XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) {
      log::error("cannot create a temporary file for an upload",
                 {{"dir", ctx_->opts.upload_tmp_dir}, {"error", std::strerror(errno)}});
      write_error(503, "unavailable", "the node cannot take uploads right now (no temporary space); retry");
      return;
    }
    ::close(fd);
    temp_path_ = tmpl;
    file_parser_.emplace(std::move(*parser_));
    parser_.reset();
    file_parser_->body_limit(body_limit_);
    beast::error_code ec;
    file_parser_->get().body().open(temp_path_.c_str(), beast::file_mode::write, ec);
    if (ec) {
      write_error(503, "unavailable", "the node cannot take uploads right now (" + ec.message() + "); retry");
      return;
    }
    bhttp::async_read(stream_, buffer_, *file_parser_,
                      beast::bind_front_handler(&http_session::on_file_read, shared_from_this()));
  }

  void release_large_slot() {
    if (large_slot_) {
      large_slot_ = false;
      --ctx_->large_bodies;
    }
  }

  void drop_temp_file() {
    if (!temp_path_.empty()) {
      ::unlink(temp_path_.c_str());
      temp_path_.clear();
    }
  }

  /// Handles a failed read; true when there was nothing else to do.
  bool read_failed(beast::error_code ec) {
    if (!ec)
      return false;
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      do_close();
      return true;
    }
    if (ec == bhttp::error::body_limit) {
      write_error(413, "payload_too_large",
                  "the request body exceeds " + std::to_string(body_limit_) + " bytes (" + body_limit_key_ + ")");
      return true;
    }
    if (ec == bhttp::error::header_limit) {
      write_error(431, "bad_request",
                  "the request headers exceed " + std::to_string(ctx_->opts.max_header_bytes) +
                      " bytes (http.max_header_bytes)");
      return true;
    }
    if (ec == asio::error::connection_reset || ec == asio::error::eof) {
      do_close();
      return true;
    }
    write_error(400, "bad_request", "malformed HTTP request: " + ec.message());
    return true;
  }

  void on_file_read(beast::error_code ec, std::size_t) {
    release_large_slot();
    file_parser_->get().body().close();
    if (read_failed(ec)) {
      drop_temp_file();
      return;
    }
    // Mapped read-only and unlinked at once: nothing is left on disk whatever happens next.
    int fd = ::open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
    drop_temp_file();
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      if (fd >= 0)
        ::close(fd);
      write_error(503, "unavailable", "the upload could not be kept; retry");
      return;
    }
    auto req = file_parser_->release();
    auto info = head_info(req);
    try {
      info.file = std::make_shared<const body_file>(fd, static_cast<size_t>(st.st_size));
    } catch (const std::exception&) {
      write_error(503, "unavailable", "the upload could not be kept; retry");
      return;
    }
    file_parser_.reset();
    dispatch(std::move(info), req.keep_alive());
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (read_failed(ec))
      return;
    auto req = parser_->release();
    auto info = head_info(req);
    info.body = std::move(req.body());
    if (bws::is_upgrade(req)) {
      if (info.path != "/ws") {
        write_error(404, "not_found", "WebSocket endpoint is /ws");
        return;
      }
      request_id_ = info.request_id;
      ws_admission admission;
      if (!guarded("websocket upgrade", info.request_id,
                   [&] { admission = ctx_->handlers.on_ws_upgrade(info); })) {
        write_error(500, "internal", "internal error");
        return;
      }
      if (admission.refused || !admission.open) {
        keep_alive_ = false;
        if (!admission.refused)
          admission.refused = error_response(503, "unavailable", "the node is stopping");
        write(std::move(*admission.refused));
        return;
      }
      stream_.expires_never();
      auto ws = std::make_shared<ws_session>(stream_.release_socket(), ctx_, std::move(slot_));
      ws->run(std::move(req), std::move(info), std::move(admission.open));
      return;
    }
    dispatch(std::move(info), req.keep_alive());
  }

  /// Hands a complete request to the application.
  void dispatch(http_request info, bool keep_alive) {
    keep_alive_ = keep_alive;
    request_id_ = info.request_id;
    info.auth = std::move(auth_);
    stream_.expires_never();  // the actor side has its own request timeout
    auto once = std::make_shared<std::atomic<bool>>(false);
    auto self = shared_from_this();
    http_reply reply = [self, once](http_response r) {
      if (once->exchange(true))
        return;
      asio::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable {
        if (!guarded("http response", self->request_id_, [&] { self->write(std::move(r)); }))
          self->do_close();
      });
    };
    auto id = info.request_id;
    // A handler that throws has not taken the request: answer 500 here. (One that
    // threw after replying: the reply's flag makes this a no-op.)
    if (!guarded("http request", id, [&] { ctx_->handlers.on_http(std::move(info), reply); }))
      reply(error_response(500, "internal", "internal error"));
  }

  /// The request's fields from its headers (the body is not read yet, or kept elsewhere).
  template <class Fields>
  http_request head_info(const bhttp::header<true, Fields>& req) {
    http_request info;
    info.method = std::string{req.method_string()};
    info.target = std::string{req.target()};
    auto q = info.target.find('?');
    info.path = info.target.substr(0, q);
    info.query = q == std::string::npos ? "" : info.target.substr(q + 1);
    info.content_type = std::string{req[bhttp::field::content_type]};
    info.authorization = std::string{req[bhttp::field::authorization]};
    info.idempotency_key = std::string{req["Idempotency-Key"]};
    info.forwarded_for = std::string{req["X-Forwarded-For"]};
    info.request_id = std::string{req["X-Request-Id"]};
    if (info.request_id.empty() || info.request_id.size() > 64)
      info.request_id = ids::request_id();
    info.remote = remote_;
    return info;
  }

  void write_error(int status, const std::string& code, const std::string& message) {
    keep_alive_ = false;
    write(error_response(status, code, message));
  }

  void write(http_response r) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>();
    res->result(static_cast<unsigned>(r.status));
    res->version(version_);
    res->set(bhttp::field::server, "hirehub");
    res->set(bhttp::field::content_type, r.content_type);
    if (!request_id_.empty())
      res->set("X-Request-Id", request_id_);
    for (auto& [k, v] : r.headers)
      res->set(k, v);
    if (ctx_->draining.load())
      keep_alive_ = false;
    res->keep_alive(keep_alive_);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(ctx_->opts.idle_timeout);
    bhttp::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec || !self->keep_alive_ || self->ctx_->stopping.load()) {
        self->do_close();
        return;
      }
      self->do_read();
    });
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<shared_ctx> ctx_;
  address_slot slot_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;
  std::shared_ptr<const authenticated> auth_;  // from the header check, for the request
  std::string temp_path_;                      // an upload's body file while it is read
  bool large_slot_ = false;                    // counted in shared_ctx::large_bodies
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string request_id_;
  uint64_t body_limit_ = 0;
  std::string body_limit_key_;
  std::string remote_;
};

}  // namespace

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
      static auto& refused = metrics::get_counter(
          "hirehub_http_connections_refused_per_address_total",
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
        static auto& errors = metrics::get_counter("hirehub_http_accept_errors_total",
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
        guarded("accept", "", [&] { std::make_shared<http_session>(std::move(socket), ctx, std::move(slot))->run(); });
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
  std::lock_guard<std::mutex> guard{d.ctx->ws_mtx};
  for (auto& w : d.ctx->ws_sessions)
    if (auto s = w.lock())
      s->drop_callbacks();
  d.ctx->ws_sessions.clear();
}

size_t http_server::open_connections() const {
  return impl_->ctx->connections.load();
}

size_t http_server::open_websockets() const {
  return impl_->ctx->websockets.load();
}

}  // namespace hirehub::gateway
