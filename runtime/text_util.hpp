#pragma once
/// Small UTF-8 and ASCII text helpers (the resume stages, search terms, skills). Pure.

#include <string>
#include <string_view>

namespace hirehub::text {

/// Decodes the code point at `i` and advances `i`; an invalid byte decodes as
/// U+FFFD and advances by one, so a scan always terminates.
char32_t decode_utf8(std::string_view s, size_t& i);
void append_utf8(std::string& out, char32_t c);

/// Whether `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);

bool is_hangul_syllable(char32_t c);
std::string ascii_lower(std::string_view s);
std::string_view trim(std::string_view s);
/// Runs of spaces and tabs become one space.
std::string collapse_spaces(std::string_view s);
/// Number of code points.
size_t utf8_length(std::string_view s);
/// Cuts at most `max_bytes` without splitting a code point.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

}  // namespace hirehub::text
