#pragma once
// Internal to the gateway's Beast server (server.cpp, http_session.cpp,
// websocket_session.cpp), as Beast's chat example splits it: the listener accepts
// and counts connections, an HTTP session reads requests (and upgrades), a
// WebSocket session carries frames. What they share is here.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "gateway/server.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"

namespace hirehub::gateway::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bws = boost::beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

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
    static auto& failures =
        metrics::get_counter("hirehub_gateway_callback_failures_total",
                             "Exceptions caught at the I/O boundary (the connection got 500 or was closed with 1011)");
    failures.inc();
    log::error("exception at the I/O boundary",
               {{"where", where}, {"request_id", request_id}, {"error", what}, {"message", message}});
  } catch (...) {
  }
  return false;
}

/// An error answer written by the server itself (before the application saw the request).
http_response error_response(int status, const std::string& code, const std::string& message);

class ws_session;
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
  std::set<std::weak_ptr<ws_session>, std::owner_less<std::weak_ptr<ws_session>>> ws_sessions;
};

/// Serves an accepted connection as HTTP/1.1 (keep-alive, uploads, the upgrade).
void start_http_session(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot);

/// Takes over an upgraded connection as a WebSocket; `open` gives the application's callbacks.
void start_websocket(tcp::socket&& socket, std::shared_ptr<shared_ctx> ctx, address_slot slot,
                     bhttp::request<bhttp::string_body> req, http_request info,
                     std::function<ws_callbacks(std::shared_ptr<ws_connection>)> open);

/// The server stops: no open WebSocket calls into the application again.
void drop_websocket_callbacks(shared_ctx& ctx);

}  // namespace hirehub::gateway::detail
