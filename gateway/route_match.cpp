#include "gateway/route_match.hpp"

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

}  // namespace hirehub::gateway
