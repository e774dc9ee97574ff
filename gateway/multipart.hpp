#pragma once
/// multipart/form-data (RFC 7578) bodies: the parts of an upload form. Pure;
/// bounded (part count, header size); anything malformed is refused with a
/// message naming what is wrong.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hirehub::gateway {

struct form_part {
  std::string name;                     ///< form field name
  std::optional<std::string> filename;  ///< set for file fields
  std::string content_type;
  std::string_view body;  ///< into the request body
};

struct multipart_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The boundary of a `multipart/form-data; boundary=...` content type, or
/// nullopt for any other type.
std::optional<std::string> form_boundary(std::string_view content_type);

/// Splits `body`; throws multipart_error. The parts view `body`.
std::vector<form_part> parse_multipart(std::string_view body, const std::string& boundary, size_t max_parts = 16);

}  // namespace hirehub::gateway
