#pragma once
// Shared by the benchmarks: a blocking keep-alive HTTP/1.1 connection and percentiles.
#include <algorithm>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace hh_bench {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

/// The `p` quantile (0..1) of `v` (copied and sorted).
inline double pct(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

class connection {
 public:
  explicit connection(int port) : sock_(ioc_) {
    sock_.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    sock_.set_option(tcp::no_delay(true));
  }
  int post(const std::string& target, const std::string& body, const std::string& tok, std::string* out) {
    return send(bhttp::verb::post, target, body, tok, out);
  }
  int get(const std::string& target, const std::string& tok, std::string* out) {
    return send(bhttp::verb::get, target, {}, tok, out);
  }
  /// A POST with another content type (multipart uploads).
  int post_as(const std::string& target, const std::string& content_type, const std::string& body,
              const std::string& tok, std::string* out) {
    return send(bhttp::verb::post, target, body, tok, out, content_type);
  }

 private:
  int send(bhttp::verb verb, const std::string& target, const std::string& body, const std::string& tok,
           std::string* out, const std::string& content_type = "application/json") {
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty())
      req.set(bhttp::field::content_type, content_type);
    req.set(bhttp::field::authorization, "Bearer " + tok);
    req.body() = body;
    req.prepare_payload();
    bhttp::write(sock_, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(sock_, buf_, res);
    if (out)
      *out = std::move(res.body());
    return static_cast<int>(res.result_int());
  }

  asio::io_context ioc_;
  tcp::socket sock_;
  beast::flat_buffer buf_;
};

}  // namespace hh_bench
