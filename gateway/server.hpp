#pragma once
/// The HTTP/1.1 + WebSocket server (Boost.Beast on Asio). Beast types stay in
/// server.cpp: the application sees plain request/response structs and a
/// thread-safe handle to each WebSocket.
///
/// Limits: max connections (refused at accept), header and body size (431/413),
/// idle timeout on keep-alive connections, WebSocket frame size and a bounded
/// send queue per WebSocket (a client too slow to read is closed, 1008).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hirehub::gateway {

/// What the application established about the caller from the headers alone
/// (defined by the application; the server only carries it into the request).
struct authenticated;

/// A request body the server streamed to a temporary file (large uploads): the
/// file is already unlinked; its bytes are mapped read-only while this lives.
class body_file {
 public:
  body_file(int fd, size_t size);
  ~body_file();
  body_file(const body_file&) = delete;
  body_file& operator=(const body_file&) = delete;
  std::string_view view() const { return {data_, size_}; }

 private:
  int fd_ = -1;
  size_t size_ = 0;
  const char* data_ = nullptr;
};

struct http_request {
  std::string method;
  std::string target;  ///< path + query as sent
  std::string path;
  std::string query;
  std::string body;
  std::string content_type;
  std::string authorization;
  std::string idempotency_key;
  std::string request_id;  ///< X-Request-Id from the client, or generated
  std::string remote;
  std::string forwarded_for;                         ///< X-Forwarded-For as sent (trusted only from known proxies)
  std::shared_ptr<const authenticated> auth;         ///< set by the header check (server_handlers::on_head)
  std::shared_ptr<const body_file> file;             ///< the body, when it was streamed to a file

  /// The body, wherever it is.
  std::string_view body_view() const { return file ? file->view() : std::string_view{body}; }
};

struct http_response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Completes a request; thread-safe; only the first call counts.
using http_reply = std::function<void(http_response)>;

/// The application's handle on one open WebSocket. Thread-safe.
class ws_connection {
 public:
  virtual ~ws_connection() = default;
  /// Queues a text frame; false (and the socket is closed) when the queue is full.
  virtual bool send(std::string text) = 0;
  virtual void close(uint16_t code, std::string reason) = 0;
};

struct ws_callbacks {
  std::function<void(std::string)> on_text;
  std::function<void()> on_close;  ///< the socket is gone (either side)
};

/// The application's answer to an upgrade to /ws: refused with a response
/// (e.g. 401), or accepted with the function that opens the session. The caller
/// is authenticated once, here; `open` carries what was established (it never
/// authenticates again, so a token that expires in between cannot fail it).
struct ws_admission {
  std::optional<http_response> refused;
  std::function<ws_callbacks(std::shared_ptr<ws_connection>)> open;
};

/// The application's look at a request's headers, before its body is read: a
/// refusal is answered at once (the body is never read, the connection closed);
/// otherwise what it found out about the caller goes with the request.
struct head_decision {
  std::optional<http_response> refused;
  std::shared_ptr<const authenticated> auth;
};

/// Every handler runs on an I/O thread. The server guards each call: an
/// exception that escapes one is logged with the request id and answered 500
/// (HTTP) or closes that WebSocket with 1011; it never reaches the I/O loop.
struct server_handlers {
  /// Called with the headers of every request (not upgrades), before its body is read.
  std::function<head_decision(const http_request&)> on_head;
  std::function<void(http_request, http_reply)> on_http;
  /// Called for an upgrade to /ws before it is accepted.
  std::function<ws_admission(const http_request&)> on_ws_upgrade;
};

struct server_options {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  int io_threads = 1;
  size_t max_connections = 10000;
  uint32_t max_header_bytes = 8192;
  uint64_t max_body_bytes = 65536;
  /// POSTs to this path (the resume upload) may carry up to `max_upload_body_bytes`;
  /// their bodies are streamed to a temporary file in `upload_tmp_dir`, and at
  /// most `max_large_bodies` of them are received at once (503 beyond).
  std::string upload_path;
  uint64_t max_upload_body_bytes = 0;
  std::string upload_tmp_dir = "/tmp";
  size_t max_large_bodies = 32;
  size_t max_connections_per_address = 256;  ///< beyond: refused at accept
  std::chrono::milliseconds idle_timeout{30000};
  size_t ws_max_queued_frames = 1024;
  size_t ws_max_frame_bytes = 16384;
};

class http_server {
 public:
  http_server(server_options opts, server_handlers handlers);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds and starts the I/O threads; returns the bound port. Throws on bind failure.
  uint16_t start();
  /// Stops accepting new connections.
  void stop_accepting();
  /// From now on every response closes its connection (clients reconnect, to
  /// another node behind a load balancer); WebSockets stay until stop().
  void drain();
  /// Stops the I/O threads and drops every callback into the application.
  void stop();

  size_t open_connections() const;
  size_t open_websockets() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace hirehub::gateway
