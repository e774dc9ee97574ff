#pragma once
/// One blocking HTTP POST of a JSON body (libcurl), for the senders and model
/// clients that run on detached actors or worker threads. Never throws.

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

}  // namespace hirehub::http
