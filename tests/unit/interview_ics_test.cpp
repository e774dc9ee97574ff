#include <gtest/gtest.h>

#include <sstream>

#include "actors/interview_ics.hpp"
#include "runtime/tz.hpp"

using namespace hirehub;
using namespace hirehub::application;

namespace {

std::vector<std::string> lines_of(const std::string& ics) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p < ics.size()) {
    auto e = ics.find("\r\n", p);
    EXPECT_NE(e, std::string::npos) << "every line ends with CRLF";
    if (e == std::string::npos)
      break;
    out.push_back(ics.substr(p, e - p));
    p = e + 2;
  }
  return out;
}

state app_with(const std::string& zone, const std::string& local) {
  state st;
  st.id = "11111111-1111-4111-8111-111111111111";
  st.job_title = "Backend Engineer, Payments; Seoul";
  interview iv;
  iv.id = "22222222-2222-4222-8222-222222222222";
  iv.type = "video";
  auto t = tz::to_utc(local, zone);
  EXPECT_TRUE(t.ok) << t.error;
  iv.starts_at_ms = t.utc_ms;
  iv.duration_minutes = 45;
  iv.time_zone = zone;
  iv.location = "https://meet.example.com/abc, room 3";
  iv.notes = "Bring your portfolio.\nAsk for Minji at the desk.";
  iv.status = "scheduled";
  iv.version = 2;
  st.interviews.push_back(iv);
  return st;
}

}  // namespace

TEST(tz, zones_and_local_times) {
  EXPECT_TRUE(tz::valid_zone("Asia/Seoul"));
  EXPECT_TRUE(tz::valid_zone("UTC"));
  EXPECT_FALSE(tz::valid_zone("Asia/Atlantis"));
  EXPECT_FALSE(tz::valid_zone(""));
  EXPECT_FALSE(tz::valid_zone("../../etc/passwd"));
  auto t = tz::to_utc("2027-07-01T09:00", "Europe/Berlin");  // CEST, UTC+2
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(tz::local_rfc3339(t.utc_ms, "Europe/Berlin"), "2027-07-01T09:00:00+02:00");
  EXPECT_EQ(tz::local_rfc3339(t.utc_ms, "Asia/Seoul"), "2027-07-01T16:00:00+09:00");
  EXPECT_EQ(tz::local_ical(t.utc_ms, "UTC"), "20270701T070000");
  EXPECT_FALSE(tz::to_utc("2027-03-28T02:30", "Europe/Berlin").ok);  // skipped
  EXPECT_FALSE(tz::to_utc("2027-13-01T10:00", "UTC").ok);
  EXPECT_FALSE(tz::to_utc("2027-01-01T10:00+25:00", "UTC").ok);
}

TEST(interview_ics, the_event_carries_tzid_and_the_zone_defines_the_dst_change) {
  // Made on 2027-02-01 for 2027-03-15 10:00 New York: the clocks change in between (2027-03-14).
  auto st = app_with("America/New_York", "2027-03-15T10:00");
  auto made = tz::to_utc("2027-02-01T00:00:00Z", "UTC").utc_ms;
  auto ics = interview_ics(st, st.interviews[0], made);
  auto lines = lines_of(ics);
  auto has = [&](const std::string& l) { return std::find(lines.begin(), lines.end(), l) != lines.end(); };
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_TRUE(has("TZID:America/New_York"));
  EXPECT_TRUE(has("DTSTART;TZID=America/New_York:20270315T100000"));
  EXPECT_TRUE(has("DTEND;TZID=America/New_York:20270315T104500"));
  EXPECT_TRUE(has("UID:22222222-2222-4222-8222-222222222222@hirehub"));
  EXPECT_TRUE(has("SEQUENCE:1"));
  EXPECT_TRUE(has("DTSTAMP:20270201T000000Z"));
  // The DAYLIGHT component: at 02:00 EST on 2027-03-14 the offset goes from -0500 to -0400.
  auto daylight = std::find(lines.begin(), lines.end(), "BEGIN:DAYLIGHT");
  ASSERT_NE(daylight, lines.end());
  EXPECT_EQ(*(daylight + 1), "DTSTART:20270314T020000");
  EXPECT_EQ(*(daylight + 2), "TZOFFSETFROM:-0500");
  EXPECT_EQ(*(daylight + 3), "TZOFFSETTO:-0400");
  EXPECT_EQ(*(daylight + 4), "TZNAME:EDT");
  // The component in force when the file was made is standard time.
  auto standard = std::find(lines.begin(), lines.end(), "BEGIN:STANDARD");
  ASSERT_NE(standard, lines.end());
  EXPECT_LT(standard, daylight);
  EXPECT_EQ(*(standard + 3), "TZOFFSETTO:-0500");
  // Text is escaped, and no line is longer than 75 octets.
  EXPECT_TRUE(has("LOCATION:https://meet.example.com/abc\\, room 3"));
  EXPECT_NE(ics.find("Bring your portfolio.\\nAsk for Minji"), std::string::npos);
  for (auto& l : lines)
    EXPECT_LE(l.size(), 75u) << l;
}

TEST(interview_ics, a_zone_without_dst_has_one_standard_component) {
  auto st = app_with("Asia/Seoul", "2027-03-15T10:00");
  auto ics = interview_ics(st, st.interviews[0], st.interviews[0].starts_at_ms - 86400000);
  EXPECT_NE(ics.find("TZOFFSETTO:+0900"), std::string::npos);
  EXPECT_EQ(ics.find("BEGIN:DAYLIGHT"), std::string::npos);
  EXPECT_NE(ics.find("DTSTART;TZID=Asia/Seoul:20270315T100000"), std::string::npos);
}

TEST(interview_ics, folding_never_splits_a_utf8_character) {
  std::string line = "SUMMARY:";
  for (int i = 0; i < 40; ++i)
    line += "면접";  // 3 octets each
  auto folded = ics_fold(line);
  auto lines = lines_of(folded);
  ASSERT_GT(lines.size(), 1u);
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 75u);
    joined += i == 0 ? lines[i] : lines[i].substr(1);  // continuation lines start with a space
  }
  EXPECT_EQ(joined, line);
  EXPECT_EQ(ics_escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
}
