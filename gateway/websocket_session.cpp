// The WebSocket session: one upgraded connection, its frames in and a bounded queue out.
#include <deque>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "gateway/server_session.hpp"

namespace hirehub::gateway::detail {

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

void start_websocket(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot,
                     bhttp::request<bhttp::string_body> req, http_request info,
                     std::function<ws_callbacks(std::shared_ptr<ws_connection>)> open) {
  auto ws = std::make_shared<ws_session>(std::move(socket), std::move(ctx), std::move(slot));
  ws->run(std::move(req), std::move(info), std::move(open));
}

void drop_websocket_callbacks(shared_ctx& ctx) {
  std::lock_guard<std::mutex> guard{ctx.ws_mtx};
  for (auto& w : ctx.ws_sessions)
    if (auto s = w.lock())
      s->drop_callbacks();
  ctx.ws_sessions.clear();
}

}  // namespace hirehub::gateway::detail
