// The HTTP session: requests on one connection (keep-alive), headers checked
// before the body, uploads streamed to a temporary file, the WebSocket upgrade.
#include <cerrno>
#include <cstring>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/version.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/server_session.hpp"
#include "runtime/ids.hpp"

namespace hirehub::gateway::detail {

namespace {

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
      if (!guarded("websocket upgrade", info.request_id, [&] { admission = ctx_->handlers.on_ws_upgrade(info); })) {
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
      start_websocket(stream_.release_socket(), ctx_, std::move(slot_), std::move(req), std::move(info),
                      std::move(admission.open));
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

void start_http_session(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot) {
  std::make_shared<http_session>(std::move(socket), std::move(ctx), std::move(slot))->run();
}

}  // namespace hirehub::gateway::detail
