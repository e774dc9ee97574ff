#include "gateway/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace hirehub::gateway {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// A parameter of a header value: name="value" or name=value (RFC 7578 4.2;
// filename* is ignored, browsers send UTF-8 in filename).
std::optional<std::string> param(std::string_view header, std::string_view name) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    auto rest = trim(header.substr(pos));
    auto eq = rest.find('=');
    if (eq == std::string_view::npos)
      continue;
    if (lower(trim(rest.substr(0, eq))) != name)
      continue;
    auto v = trim(rest.substr(eq + 1));
    if (!v.empty() && v.front() == '"') {
      std::string out;
      for (size_t i = 1; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          out += v[++i];
          continue;
        }
        if (v[i] == '"')
          return out;
        out += v[i];
      }
      throw multipart_error("unterminated quoted " + std::string(name) + " in a part header");
    }
    auto end = v.find(';');
    return std::string(trim(v.substr(0, end)));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> form_boundary(std::string_view content_type) {
  auto semi = content_type.find(';');
  if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data")
    return std::nullopt;
  std::optional<std::string> b;
  try {
    b = param(content_type, "boundary");
  } catch (const multipart_error&) {
    return std::nullopt;  // a malformed header (an unterminated quote) names no boundary
  }
  if (!b || b->empty() || b->size() > 70)
    return std::nullopt;
  return b;
}

std::vector<form_part> parse_multipart(std::string_view body, const std::string& boundary, size_t max_parts) {
  const std::string delim = "--" + boundary;
  std::vector<form_part> parts;
  size_t pos = body.find(delim);
  // The first delimiter opens the body or follows a preamble's line end (a delimiter
  // at offset 1 has no room for one).
  if (pos == std::string_view::npos || (pos != 0 && (pos < 2 || body.substr(pos - 2, 2) != "\r\n")))
    throw multipart_error("the body does not start with the multipart boundary");
  for (;;) {
    pos += delim.size();
    if (body.substr(pos, 2) == "--")
      return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n")
      throw multipart_error("a multipart boundary is not followed by a line end");
    pos += 2;
    auto header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string_view::npos || header_end - pos > 8192)
      throw multipart_error("a part's headers are missing or longer than 8 KiB");
    form_part part;
    bool disposition = false;
    auto headers = body.substr(pos, header_end - pos);
    size_t h = 0;
    while (h <= headers.size()) {
      auto eol = headers.find("\r\n", h);
      if (eol == std::string_view::npos)
        eol = headers.size();
      auto line = headers.substr(h, eol - h);
      h = eol + 2;
      if (line.empty())
        continue;
      auto colon = line.find(':');
      if (colon == std::string_view::npos)
        throw multipart_error("a part header has no colon");
      auto name = lower(trim(line.substr(0, colon)));
      auto value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        if (lower(value.substr(0, 9)) != "form-data")
          throw multipart_error("a part is not form-data");
        auto n = param(value, "name");
        if (!n || n->empty())
          throw multipart_error("a part has no field name");
        part.name = *n;
        part.filename = param(value, "filename");
        disposition = true;
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }
    if (!disposition)
      throw multipart_error("a part has no Content-Disposition header");
    auto data = header_end + 4;
    auto next = body.find("\r\n" + delim, data);
    if (next == std::string_view::npos)
      throw multipart_error("the body ends before the closing multipart boundary");
    part.body = body.substr(data, next - data);
    parts.push_back(std::move(part));
    if (parts.size() > max_parts)
      throw multipart_error("too many parts (at most " + std::to_string(max_parts) + ")");
    pos = next + 2;
  }
}

}  // namespace hirehub::gateway
