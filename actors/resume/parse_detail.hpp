#pragma once
// Internal to the resume parser (parse.cpp: sections and the whole; parse_entries.cpp:
// dated entries and skills): what a line is, and the entry parsers.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/resume/parse.hpp"

namespace hirehub::resume::detail {

enum class section { none, summary, experience, education, skills, certifications, projects, interests, other };

struct line_info {
  std::string_view text;
  section sec = section::none;
};

/// A date range found in a line ("2019.03 ~ 2021.02", "Mar 2020 - Present").
struct date_range {
  std::optional<year_month> start, end;
  bool current = false;
  size_t begin = 0, finish = 0;  ///< where in the line
};

std::optional<date_range> find_range(std::string_view line);

/// The line without its date range and any "(3년 2개월)" / "(3 yrs)" duration.
std::string without_dates(std::string_view line, const date_range& r);

/// An experience's months as [first, last + 1) counted from year 0 ("present" and
/// anything later is `now`); none without a start or when it ends before it starts.
std::optional<std::pair<int, int>> span_of(const experience& e, int now_year, int now_month);

/// Months covered by the union of spans (overlaps counted once).
int union_months(std::vector<std::pair<int, int>> spans);

/// The section a heading line starts, or none for a line that is not a heading.
section section_of(std::string_view line);

/// The entries of the experience, education and skills sections (and skills found
/// anywhere in `text`).
std::vector<experience> parse_experiences(const std::vector<line_info>& lines);
std::vector<education> parse_educations(const std::vector<line_info>& lines);
std::vector<skill_item> parse_skills(const std::vector<line_info>& lines);

/// Marks the skills the dated experiences name as held by experience, with the
/// years of those experiences (union of their months, "present" at `now`).
void add_experience_evidence(std::vector<skill_item>& skills, const std::vector<experience>& exps, int now_year,
                             int now_month);

}  // namespace hirehub::resume::detail
