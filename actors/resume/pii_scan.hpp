#pragma once
// Internal to the PII masker: the recognizers (pii_numbers.cpp: registration
// numbers, phones, e-mail, addresses; pii_names.cpp: Korean and English names)
// add scored findings to a collector; pii.cpp resolves overlaps and masks.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "actors/resume/pii.hpp"
#include "runtime/text_util.hpp"

namespace hirehub::resume::detail {

using sp = re2::StringPiece;
using text::decode_utf8;

inline size_t offset(std::string_view text, const sp& m) {
  return static_cast<size_t>(m.data() - text.data());
}

inline char32_t prev_cp(std::string_view text, size_t pos) {
  if (pos == 0)
    return 0;
  size_t b = pos - 1;
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80)
    --b;
  size_t i = b;
  return decode_utf8(text, i);
}

inline char32_t next_cp(std::string_view text, size_t pos) {
  if (pos >= text.size())
    return 0;
  return decode_utf8(text, pos);
}

inline size_t next_boundary(std::string_view text, size_t pos) {
  ++pos;
  while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80)
    ++pos;
  return pos;
}

inline bool is_digit(char32_t c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char32_t c) {
  return c < 128 && std::isalpha(static_cast<int>(c));
}

/// Calls f(groups, start, end) for every match; f returns false to reject a
/// match (the scan then retries one code point later).
template <class F>
void each_match(const RE2& re, std::string_view text, F f) {
  int n = re.NumberOfCapturingGroups() + 1;
  std::vector<sp> m(static_cast<size_t>(n));
  sp input(text.data(), text.size());
  size_t pos = 0;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, m.data(), n)) {
    size_t s = offset(text, m[0]);
    size_t e = s + m[0].size();
    if (f(m, s, e) && e > s)
      pos = e;
    else
      pos = next_boundary(text, s);
  }
}

/// Whether one of `words` occurs in the `window` bytes before `start` (same

/// Whether one of `words` occurs in the `window` bytes before `start` (same
/// line or the line above), case-insensitively.
bool context_before(std::string_view text, size_t start, const std::vector<std::string>& words, size_t window = 48);

struct collector {
  std::string_view text;
  double threshold;
  std::vector<pii_finding> all;
  void add(pii_type t, size_t s, size_t e, double score, const char* rule) {
    if (score >= threshold && e > s)
      all.push_back({t, s, e, std::min(score, 1.0), rule});
  }
};

// The recognizers, in the order mask_pii runs them.
void registration_numbers(collector& c, const masking_options& o);
void phones(collector& c);
void emails(collector& c);
void addresses(collector& c);
void labelled_names(collector& c);
void heading_name(collector& c);
void titled_names(collector& c);
void name_mentions(collector& c);

}  // namespace hirehub::resume::detail
