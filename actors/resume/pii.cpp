#include "actors/resume/pii.hpp"
#include "actors/resume/pii_scan.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include <re2/re2.h>

#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

const char* to_string(pii_type t) {
  switch (t) {
    case pii_type::resident_id: return "resident_id";
    case pii_type::foreigner_id: return "foreigner_id";
    case pii_type::phone: return "phone";
    case pii_type::email: return "email";
    case pii_type::address: return "address";
    case pii_type::postcode: return "postcode";
    default: return "name";
  }
}

std::map<std::string, int> masking_result::counts() const {
  std::map<std::string, int> out;
  for (const auto& f : findings)
    ++out[to_string(f.type)];
  return out;
}

std::string mask_for(pii_type type, std::string_view value) {
  switch (type) {
    case pii_type::resident_id:
    case pii_type::foreigner_id: return "******-*******";
    case pii_type::email: return "***@***";
    case pii_type::name:
    case pii_type::address: return "***";
    default: {
      // Phones and postcodes keep their separators: 010-1234-5678 -> ***-****-****.
      std::string out;
      bool leading_digits = true;
      for (char c : value) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
          out += '*';
        } else if (c == '+' && leading_digits) {
          out += '+';
        } else {
          out += c;
          leading_digits = false;
        }
      }
      return out;
    }
  }
}

namespace detail {

bool context_before(std::string_view text, size_t start, const std::vector<std::string>& words, size_t window) {
  size_t from = start > window ? start - window : 0;
  while (from > 0 && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80)
    ++from;
  auto lower = ascii_lower(text.substr(from, start - from));
  for (const auto& w : words)
    if (lower.find(w) != std::string::npos)
      return true;
  return false;
}

}  // namespace detail

namespace {

using namespace detail;

std::vector<pii_finding> resolve(std::vector<pii_finding> all) {
  std::sort(all.begin(), all.end(), [](const pii_finding& a, const pii_finding& b) {
    if (a.score != b.score)
      return a.score > b.score;
    return (a.end - a.start) > (b.end - b.start);
  });
  std::vector<pii_finding> kept;
  for (const auto& f : all) {
    bool overlaps = false;
    for (auto& k : kept) {
      if (f.start < k.end && k.start < f.end) {
        overlaps = true;
        // A longer, weaker span around a stronger one (an address around its
        // postcode) still covers the rest: widen the kept one.
        if (f.type == k.type || f.type == pii_type::address) {
          k.start = std::min(k.start, f.start);
          k.end = std::max(k.end, f.end);
        }
        break;
      }
    }
    if (!overlaps)
      kept.push_back(f);
  }
  std::sort(kept.begin(), kept.end(), [](const pii_finding& a, const pii_finding& b) { return a.start < b.start; });
  // Widening may have made neighbours overlap: merge them.
  std::vector<pii_finding> out;
  for (const auto& f : kept) {
    if (!out.empty() && f.start < out.back().end) {
      out.back().end = std::max(out.back().end, f.end);
      continue;
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace

masking_result mask_pii(std::string_view text, const masking_options& options) {
  collector c{text, options.threshold, {}};
  registration_numbers(c, options);
  phones(c);
  emails(c);
  addresses(c);
  labelled_names(c);
  heading_name(c);
  titled_names(c);
  name_mentions(c);
  masking_result r;
  r.findings = resolve(std::move(c.all));
  size_t pos = 0;
  r.masked.reserve(text.size());
  for (const auto& f : r.findings) {
    r.masked.append(text.substr(pos, f.start - pos));
    r.masked += mask_for(f.type, text.substr(f.start, f.end - f.start));
    pos = f.end;
  }
  r.masked.append(text.substr(pos));
  return r;
}

}  // namespace hirehub::resume
