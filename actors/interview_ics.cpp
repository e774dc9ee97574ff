#include "actors/interview_ics.hpp"

#include "runtime/tz.hpp"

namespace hirehub::application {

namespace {

std::string utc_ical(int64_t ms) {
  // iso_time: 2027-03-15T14:00:00.000Z -> 20270315T140000Z
  auto iso = iso_time(ms);
  std::string out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':')
      out += c;
  return out + "Z";
}

}  // namespace

std::string ics_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string ics_fold(const std::string& line) {
  std::string out;
  size_t col = 0;
  for (size_t i = 0; i < line.size();) {
    // Length of the UTF-8 sequence starting at i.
    auto c = static_cast<unsigned char>(line[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
    if (col + n > 75) {
      out += "\r\n ";
      col = 1;
    }
    out.append(line, i, n);
    col += n;
    i += n;
  }
  return out + "\r\n";
}

std::string interview_ics(const state& st, const interview& iv, int64_t now_ms) {
  const int64_t year_ms = int64_t{366} * 24 * 3600 * 1000;
  auto end_ms = iv.starts_at_ms + int64_t{iv.duration_minutes} * 60 * 1000;
  std::string out =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//HireHub//Interviews//EN\r\nCALSCALE:GREGORIAN\r\n"
      "METHOD:PUBLISH\r\n";
  // Every offset change from the time the file is made to a year after the interview.
  out += tz::vtimezone(iv.time_zone, std::min(now_ms, iv.starts_at_ms), iv.starts_at_ms + year_ms);
  out += "BEGIN:VEVENT\r\n";
  out += ics_fold("UID:" + iv.id + "@hirehub");
  out += "SEQUENCE:" + std::to_string(iv.version - 1) + "\r\n";
  out += "DTSTAMP:" + utc_ical(now_ms) + "\r\n";
  out += ics_fold("DTSTART;TZID=" + iv.time_zone + ":" + tz::local_ical(iv.starts_at_ms, iv.time_zone));
  out += ics_fold("DTEND;TZID=" + iv.time_zone + ":" + tz::local_ical(end_ms, iv.time_zone));
  out += ics_fold("SUMMARY:" + ics_escape("Interview (" + iv.type + "): " + st.job_title));
  if (!iv.location.empty())
    out += ics_fold("LOCATION:" + ics_escape(iv.location));
  if (!iv.notes.empty())
    out += ics_fold("DESCRIPTION:" + ics_escape(iv.notes));
  out += std::string{"STATUS:"} + (iv.status == "cancelled" ? "CANCELLED" : "CONFIRMED") + "\r\n";
  out += "END:VEVENT\r\nEND:VCALENDAR\r\n";
  return out;
}

}  // namespace hirehub::application
