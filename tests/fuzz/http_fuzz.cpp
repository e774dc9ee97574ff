// libFuzzer target: any bytes as an HTTP/1.1 request, through Beast's parser with
// the node's limits (header 8 KiB, body 64 KiB) and then everything HireHub does
// with a request before a handler sees it: the route's path template, the query's
// percent-decoding, the client address behind X-Forwarded-For, the bearer token's
// verification and a multipart body. Nothing may crash, hang or throw anything but
// the refusals the server answers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "gateway/jwt.hpp"
#include "gateway/multipart.hpp"
#include "gateway/net_address.hpp"
#include "gateway/route_match.hpp"
#include "gateway/ws_protocol.hpp"

namespace http = boost::beast::http;
namespace gw = hirehub::gateway;

namespace {

const std::vector<std::string> templates = {
    "/api/v1/applications/{id}",       "/api/v1/applications/{id}/interviews/{interview_id}.ics",
    "/api/v1/jobs/{id}",               "/admin/api/entities/{kind}/{id}",
    "/api/v1/resumes",                 "/api/v1/notifications/{id}/read",
    "/admin/api/nodes/{id}/actors/{actor_id}/stop"};

const hirehub::jwt::keys& keys() {
  static const auto k = hirehub::jwt::keys::hs256("fuzz-secret-0123456789abcdef0123456789abcdef");
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8192);
  parser.body_limit(65536);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < size && !parser.is_done()) {
    auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) {
      ec = {};
      if (n == 0)
        break;
    }
    if (ec)
      return 0;  // refused (400/413/431): nothing else runs
    if (n == 0)
      break;
    used += n;
  }
  if (!parser.is_header_done())
    return 0;
  const auto& req = parser.get();
  std::string target{req.target()};
  auto q = target.find('?');
  auto path = target.substr(0, q);
  std::vector<std::string> params;
  for (const auto& t : templates)
    if (gw::match_path(path, t, &params))
      for (const auto& p : params)
        if (p.size() > path.size())
          std::abort();  // a parameter is a piece of the path
  if (q != std::string::npos) {
    auto query = target.substr(q + 1);
    size_t pos = 0;
    while (pos <= query.size()) {
      auto amp = query.find('&', pos);
      auto part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      if (auto v = gw::url_decode(part); v && v->size() > part.size())
        std::abort();  // decoding never grows
      if (amp == std::string::npos)
        break;
      pos = amp + 1;
    }
  }
  gw::client_of("127.0.0.1:1000", std::string{req["X-Forwarded-For"]}, {"127.0.0.1", "10.0.0.0/8"});
  auto auth = std::string{req[http::field::authorization]};
  if (auth.rfind("Bearer ", 0) == 0) {
    auto v = keys().verify(auth.substr(7), "hirehub", 1700000000);
    if (v.ok && v.ok->sub.empty())
      std::abort();  // a verified token names its subject
  }
  if (!parser.is_done())
    return 0;
  const auto& body = req.body();
  if (auto boundary = gw::form_boundary(std::string{req[http::field::content_type]})) {
    try {
      auto parts = gw::parse_multipart(body, *boundary);
      for (const auto& p : parts)
        if (p.body.data() < body.data() || p.body.data() + p.body.size() > body.data() + body.size())
          std::abort();  // parts view the body
    } catch (const gw::multipart_error&) {
    }
  }
  gw::parse_client_frame(body);
  return 0;
}
