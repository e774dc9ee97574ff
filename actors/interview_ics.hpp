#pragma once
/// An interview as an iCalendar file (RFC 5545): one VEVENT whose start and
/// end carry TZID, with the VTIMEZONE that defines that zone around the
/// interview, so a calendar shows the right local time on either side of a
/// DST change. Pure.

#include <string>

#include "actors/application_core.hpp"

namespace hirehub::application {

/// `company` and `job_title` go into the summary; `now_ms` is DTSTAMP.
std::string interview_ics(const state& st, const interview& iv, int64_t now_ms);

/// RFC 5545 TEXT escaping (backslash, semicolon, comma, newline).
std::string ics_escape(const std::string& text);

/// Folds a content line at 75 octets (never inside a UTF-8 sequence) with CRLF.
std::string ics_fold(const std::string& line);

}  // namespace hirehub::application
