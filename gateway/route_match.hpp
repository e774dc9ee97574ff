#pragma once
/// Path templates of the route table and the OpenAPI document:
/// "/api/v1/applications/{id}/interviews/{interview_id}.ics". A parameter takes
/// a whole segment, less a literal that follows it in the same segment.

#include <optional>
#include <string>
#include <vector>

namespace hirehub::gateway {

/// True when `path` fits `tmpl`; the parameters go to `params` (may be null).
bool match_path(const std::string& path, const std::string& tmpl, std::vector<std::string>* params);

/// Characters of `tmpl` outside parameters: of two templates that fit a path,
/// the one with more literal text is the more specific.
size_t literal_length(const std::string& tmpl);

/// Decodes %XX and '+'; nullopt for malformed escapes or invalid UTF-8.
std::optional<std::string> url_decode(const std::string& s);

}  // namespace hirehub::gateway
