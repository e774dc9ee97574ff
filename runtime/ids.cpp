#include "runtime/ids.hpp"

#include <cctype>
#include <random>

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace hirehub::ids {

std::string random_uuid() {
  thread_local boost::uuids::random_generator gen;
  return boost::uuids::to_string(gen());
}

std::string name_uuid(const std::string& name) {
  // A fixed namespace for HireHub ids (itself a v4 UUID chosen once).
  static const boost::uuids::uuid ns = {
      {0x6f, 0x1c, 0x2a, 0x9e, 0x4b, 0x3d, 0x4e, 0x8a, 0x9c, 0x51, 0x0d, 0x7e, 0x22, 0x8f, 0x41, 0xb3}};
  boost::uuids::name_generator_sha1 gen{ns};
  return boost::uuids::to_string(gen(name));
}

namespace {
bool uuid_shaped(const std::string& s, bool lower_only) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (!std::isxdigit(c) || (lower_only && std::isupper(c))) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool is_uuid(const std::string& s) {
  return uuid_shaped(s, true);
}

std::string canonical_uuid(const std::string& s) {
  if (!uuid_shaped(s, false))
    return {};
  std::string out = s;
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string request_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  auto v = rng();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i)
    out[i] = hex[(v >> (i * 4)) & 0xf];
  return out;
}

}  // namespace hirehub::ids
