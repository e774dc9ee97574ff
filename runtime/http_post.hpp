#pragma once
/// Blocking HTTP calls with JSON bodies (libcurl), for the senders and model
/// clients that run on detached actors or worker threads, and for hirehubctl.
/// Never throw.

#include <chrono>
#include <string>
#include <vector>

namespace hirehub::http {

struct answer {
  long status = 0;  ///< 0: no HTTP answer (connection refused, timeout, TLS, ...)
  std::string body;
  std::string error;  ///< set when status is 0
};

/// POSTs `body` as application/json to `url` with extra `headers` ("Name: value"),
/// waiting at most `timeout` for the whole exchange.
answer post_json(const std::string& url, const std::vector<std::string>& headers, const std::string& body,
                 std::chrono::milliseconds timeout);

/// Any method ("GET", "POST", ...); a non-empty `body` is sent as application/json.
answer call(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
            const std::string& body, std::chrono::milliseconds timeout);

}  // namespace hirehub::http
