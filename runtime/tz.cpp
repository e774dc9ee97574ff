#include "runtime/tz.hpp"

#include <regex>

#include <date/tz.h>

namespace hirehub::tz {

namespace {

using namespace std::chrono;
using ms_time = date::sys_time<milliseconds>;

const date::time_zone* find(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string offset_text(seconds off, bool colon) {
  auto s = off.count();
  char sign = s < 0 ? '-' : '+';
  s = s < 0 ? -s : s;
  char buf[48];
  if (colon)
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  else
    std::snprintf(buf, sizeof buf, "%c%02lld%02lld", sign, static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  return buf;
}

std::string ical_local(date::local_seconds t) {
  return date::format("%Y%m%dT%H%M%S", t);
}

}  // namespace

bool valid_zone(const std::string& name) {
  return find(name) != nullptr;
}

parsed_time to_utc(const std::string& text, const std::string& zone) {
  parsed_time out;
  auto* z = find(zone);
  if (!z) {
    out.error = "unknown time zone '" + zone + "'; an IANA name like Asia/Seoul or America/New_York";
    return out;
  }
  static const std::regex re{R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$)"};
  std::smatch m;
  if (!std::regex_match(text, m, re)) {
    out.error = "expected a time like 2027-03-15T10:00 (local in time_zone) or 2027-03-15T10:00:00Z";
    return out;
  }
  auto num = [&m](int i) { return m[i].matched ? std::stoi(m[i].str()) : 0; };
  date::year_month_day ymd{date::year{num(1)}, date::month{static_cast<unsigned>(num(2))},
                           date::day{static_cast<unsigned>(num(3))}};
  if (!ymd.ok() || num(1) < 1970 || num(1) > 9999 || num(4) > 23 || num(5) > 59 || num(6) > 59) {
    out.error = "not a valid calendar date and time: " + text;
    return out;
  }
  auto wall = date::local_days{ymd} + hours{num(4)} + minutes{num(5)} + seconds{num(6)};
  if (m[7].matched) {
    auto o = m[7].str();
    seconds off{0};
    if (o != "Z") {
      int h = std::stoi(o.substr(1, 2));
      int mi = std::stoi(o.substr(4, 2));
      if (h > 23 || mi > 59) {
        out.error = "bad UTC offset " + o;
        return out;
      }
      off = hours{h} + minutes{mi};
      if (o[0] == '-')
        off = -off;
    }
    auto utc = date::sys_seconds{wall.time_since_epoch()} - off;
    out.utc_ms = duration_cast<milliseconds>(utc.time_since_epoch()).count();
    out.ok = true;
    return out;
  }
  auto info = z->get_info(wall);
  if (info.result == date::local_info::nonexistent) {
    out.error = text + " does not exist in " + zone + " (the clocks skip it at a DST change)";
    return out;
  }
  // unique, or ambiguous: `first` is the earlier instant.
  auto utc = date::sys_seconds{wall.time_since_epoch()} - info.first.offset;
  out.utc_ms = duration_cast<milliseconds>(utc.time_since_epoch()).count();
  out.ok = true;
  return out;
}

std::string local_rfc3339(int64_t utc_ms, const std::string& zone) {
  auto* z = find(zone);
  if (!z)
    z = date::locate_zone("UTC");
  auto t = date::floor<seconds>(ms_time{milliseconds{utc_ms}});
  auto info = z->get_info(t);
  auto local = date::local_seconds{t.time_since_epoch()} + info.offset;
  return date::format("%Y-%m-%dT%H:%M:%S", local) + offset_text(info.offset, true);
}

std::string local_ical(int64_t utc_ms, const std::string& zone) {
  auto* z = find(zone);
  if (!z)
    z = date::locate_zone("UTC");
  auto t = date::floor<seconds>(ms_time{milliseconds{utc_ms}});
  auto info = z->get_info(t);
  return ical_local(date::local_seconds{t.time_since_epoch()} + info.offset);
}

std::string vtimezone(const std::string& zone, int64_t from_ms, int64_t to_ms) {
  auto* z = find(zone);
  if (!z)
    return {};
  auto from = date::floor<seconds>(ms_time{milliseconds{from_ms}});
  auto to = date::floor<seconds>(ms_time{milliseconds{to_ms}});
  std::string out = "BEGIN:VTIMEZONE\r\nTZID:" + zone + "\r\n";
  auto component = [&out](const date::sys_info& info, seconds from_offset, date::local_seconds start) {
    const char* kind = info.save != minutes{0} ? "DAYLIGHT" : "STANDARD";
    out += std::string{"BEGIN:"} + kind + "\r\n";
    out += "DTSTART:" + ical_local(start) + "\r\n";
    out += "TZOFFSETFROM:" + offset_text(from_offset, false) + "\r\n";
    out += "TZOFFSETTO:" + offset_text(info.offset, false) + "\r\n";
    if (!info.abbrev.empty() && info.abbrev[0] != '+' && info.abbrev[0] != '-')
      out += "TZNAME:" + info.abbrev + "\r\n";
    out += std::string{"END:"} + kind + "\r\n";
  };
  // The rules in force at `from`, then every change up to `to`. Each change's
  // DTSTART is the wall-clock time just before it, in the offset it changes from.
  auto info = z->get_info(from);
  auto first_start = info.begin < date::sys_days{date::year{1970} / 1 / 1} ? date::sys_seconds{} : info.begin;
  auto before = info.begin > date::sys_seconds{} ? z->get_info(info.begin - seconds{1}).offset : info.offset;
  component(info, before, date::local_seconds{first_start.time_since_epoch()} + before);
  for (int guard = 0; guard < 64 && info.end <= to; ++guard) {
    auto prev = info.offset;
    info = z->get_info(info.end);
    component(info, prev, date::local_seconds{info.begin.time_since_epoch()} + prev);
  }
  out += "END:VTIMEZONE\r\n";
  return out;
}

}  // namespace hirehub::tz
