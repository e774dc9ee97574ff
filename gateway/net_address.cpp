#include "gateway/net_address.hpp"

#include <algorithm>
#include <cstdint>

#include <arpa/inet.h>

namespace hirehub::gateway {

namespace {

std::vector<std::string> split_hops(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    auto part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto b = part.find_first_not_of(" \t");
    auto e = part.find_last_not_of(" \t");
    if (b != std::string::npos)
      out.push_back(part.substr(b, e - b + 1));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace

std::optional<ip_network> parse_network(const std::string& text) {
  ip_network n;
  auto slash = text.find('/');
  auto addr = text.substr(0, slash);
  if (inet_pton(AF_INET, addr.c_str(), n.bytes.data()) == 1) {
    n.v6 = false;
    n.prefix = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), n.bytes.data()) == 1) {
    n.v6 = true;
    n.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string::npos) {
    auto len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    auto p = std::stoi(len);
    if (p > n.prefix)
      return std::nullopt;
    n.prefix = p;
  }
  return n;
}

bool ip_network::contains(const ip_network& a) const {
  if (a.v6 != v6)
    return false;
  int bits = prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((bytes[i] & mask) != (a.bytes[i] & mask))
      return false;
  }
  return true;
}

std::string network_key(const std::string& address) {
  auto n = parse_network(address);
  if (!n)
    return address;
  if (!n->v6)
    return address;
  // An IPv4-mapped IPv6 address is its IPv4 one.
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(mapped, mapped + 12, n->bytes.begin())) {
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, n->bytes.data() + 12, buf, sizeof buf);
    return buf;
  }
  // One host usually holds a whole /64: its addresses count as one client.
  std::fill(n->bytes.begin() + 8, n->bytes.end(), 0);
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, n->bytes.data(), buf, sizeof buf);
  return std::string{buf} + "/64";
}

std::string client_of(const std::string& remote, const std::string& forwarded_for,
                      const std::vector<std::string>& trusted_proxies) {
  auto peer = remote;
  if (!peer.empty() && peer.front() == '[') {  // [v6]:port
    peer = peer.substr(1, peer.find(']') - 1);
  } else if (auto colon = peer.rfind(':'); colon != std::string::npos && peer.find(':') == colon) {
    peer = peer.substr(0, colon);  // v4:port
  } else if (colon != std::string::npos) {
    peer = peer.substr(0, colon);  // v6:port as Asio prints it
  }
  auto trusted = [&](const std::string& address) {
    auto a = parse_network(address);
    if (!a)
      return false;
    for (auto& t : trusted_proxies)
      if (auto net = parse_network(t); net && net->contains(*a))
        return true;
    return false;
  };
  // Behind trusted proxies the client is the last address in X-Forwarded-For that is
  // not one of them (addresses further left were written by the client itself).
  if (!forwarded_for.empty() && trusted(peer)) {
    auto hops = split_hops(forwarded_for);
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      if (!parse_network(*it))
        break;  // garbage: stop at the last address a trusted proxy wrote
      peer = *it;
      if (!trusted(*it))
        break;
    }
  }
  return network_key(peer);
}

}  // namespace hirehub::gateway
