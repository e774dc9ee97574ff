#pragma once
/// Client addresses for rate limits (pure; unit-tested): CIDR ranges, the key one
/// client's requests are counted under, and the client behind trusted proxies.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hirehub::gateway {

/// An IPv4 or IPv6 address with a prefix length (a CIDR range; a lone address is /32 or /128).
struct ip_network {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  int prefix = 0;
  bool contains(const ip_network& address) const;
};
std::optional<ip_network> parse_network(const std::string& text);

/// The key one client's requests are counted under: an IPv4 address (also when
/// IPv4-mapped), or the /64 of an IPv6 one (one host usually holds a whole /64).
std::string network_key(const std::string& address);

/// The client of a request from TCP peer `remote` ("address:port"): the peer, or,
/// when the peer is one of `trusted_proxies`, the last address in `forwarded_for`
/// (X-Forwarded-For) that is not a trusted proxy; as a network_key.
std::string client_of(const std::string& remote, const std::string& forwarded_for,
                      const std::vector<std::string>& trusted_proxies);

}  // namespace hirehub::gateway
