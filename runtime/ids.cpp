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

bool is_uuid(const std::string& s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
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
