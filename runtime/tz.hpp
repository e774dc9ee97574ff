#pragma once
/// IANA time zones (the system tz database, read by Howard Hinnant's date/tz):
/// validating a zone name, turning a local wall-clock time in a zone into UTC,
/// formatting UTC in a zone, and the VTIMEZONE block a calendar file needs.

#include <cstdint>
#include <string>

namespace hirehub::tz {

/// True when `name` is a zone of the tz database ("Asia/Seoul", "UTC", ...).
bool valid_zone(const std::string& name);

struct parsed_time {
  bool ok = false;
  int64_t utc_ms = 0;
  std::string error;  ///< why the text is not a time in the zone
};

/// Parses "2027-03-15T10:00", "2027-03-15T10:00:00" (a wall-clock time in
/// `zone`) or an RFC 3339 time with "Z" or an offset (an instant; `zone` only
/// has to be valid). A local time skipped by a DST change is an error; one that
/// happens twice (the hour repeated when clocks go back) is the earlier instant.
parsed_time to_utc(const std::string& text, const std::string& zone);

/// RFC 3339 with the zone's offset at that instant: "2027-03-15T10:00:00-04:00".
std::string local_rfc3339(int64_t utc_ms, const std::string& zone);

/// The local wall-clock time in iCalendar form: "20270315T100000".
std::string local_ical(int64_t utc_ms, const std::string& zone);

/// RFC 5545 VTIMEZONE for `zone` with every offset change between `from_ms`
/// and `to_ms` (CRLF line ends), so a calendar application that does not know
/// the zone still places local times right on both sides of a DST change.
std::string vtimezone(const std::string& zone, int64_t from_ms, int64_t to_ms);

}  // namespace hirehub::tz
