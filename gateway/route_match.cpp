#include "gateway/route_match.hpp"

#include <optional>

namespace hirehub::gateway {

bool match_path(const std::string& path, const std::string& tmpl, std::vector<std::string>* params) {
  if (params)
    params->clear();
  size_t p = 0;
  size_t t = 0;
  while (t < tmpl.size()) {
    if (tmpl[t] == '{') {
      auto close = tmpl.find('}', t);
      if (close == std::string::npos)
        return false;
      auto end = path.find('/', p);
      if (end == std::string::npos)
        end = path.size();
      // A literal after the parameter in the same segment ("{id}.ics") ends it.
      auto seg_end = tmpl.find_first_of("/{", close + 1);
      auto suffix = tmpl.substr(close + 1, (seg_end == std::string::npos ? tmpl.size() : seg_end) - close - 1);
      if (!suffix.empty()) {
        if (end - p <= suffix.size() || path.compare(end - suffix.size(), suffix.size(), suffix) != 0)
          return false;
        end -= suffix.size();
      }
      if (end == p)
        return false;
      if (params)
        params->push_back(path.substr(p, end - p));
      p = end;
      t = close + 1;
      continue;
    }
    if (p >= path.size() || path[p] != tmpl[t])
      return false;
    ++p;
    ++t;
  }
  return p == path.size();
}

size_t literal_length(const std::string& tmpl) {
  size_t n = 0;
  bool in_param = false;
  for (char c : tmpl) {
    if (c == '{')
      in_param = true;
    else if (c == '}')
      in_param = false;
    else if (!in_param)
      ++n;
  }
  return n;
}

std::optional<std::string> url_decode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      int hi = i + 1 < s.size() ? hex(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  // Valid UTF-8 only (the database refuses anything else).
  for (size_t i = 0; i < out.size();) {
    auto b = static_cast<unsigned char>(out[i]);
    size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > out.size())
      return std::nullopt;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(out[i + k]) & 0xC0) != 0x80)
        return std::nullopt;
    if (len == 1 && b < 0x20)
      return std::nullopt;
    i += len;
  }
  return out;
}

}  // namespace hirehub::gateway
