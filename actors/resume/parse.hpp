#pragma once
/// Structure out of (masked) resume text: sections in Korean and English
/// (경력/학력/기술/자격증, Experience/Education/Skills/Certifications ...),
/// experiences (company, position, start/end, current), educations, skills
/// normalised through the taxonomy, certifications and total years of
/// experience (overlapping jobs counted once). Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hirehub::resume {

struct year_month {
  int year = 0;
  int month = 0;            ///< 1-12; 0 when only the year is known
  std::string iso() const;  ///< "2019-03" or "2019"
  bool operator==(const year_month& o) const { return year == o.year && month == o.month; }
};

struct experience {
  std::string company;
  std::string position;
  std::optional<year_month> start, end;
  bool current = false;
  std::string description;
};

struct education {
  std::string school;
  std::string degree;  ///< high_school, associate, bachelor, master, doctorate, or empty
  std::string major;
  std::optional<year_month> start, end;
  bool current = false;
};

/// Where the strongest evidence for a skill was found.
enum class skill_source {
  experience,  ///< named in a dated experience (its position or description)
  skills,      ///< listed in the skills section
  text,        ///< mentioned elsewhere (summary, projects, certifications)
  interests,   ///< only under interests or hobbies: not held
};

const char* to_string(skill_source s);
skill_source skill_source_of(std::string_view s);  ///< unknown: text

struct skill_item {
  std::string name;  ///< canonical
  std::string category;
  std::string proficiency;  ///< beginner, intermediate, advanced, expert, or empty
  int years = 0;            ///< as stated in the skills section; 0 when not stated
  skill_source source = skill_source::text;
  /// Years of the dated experiences that name the skill (overlaps counted once).
  double years_from_experience = 0;
};

struct parsed_resume {
  std::vector<experience> experiences;
  std::vector<education> educations;
  std::vector<skill_item> skills;
  std::vector<std::string> certifications;
  double years_experience = 0;
  std::string language;  ///< "ko" or "en": the language most of the text is in
  /// How the person says they work (remote, agile, ...: domain/matching's culture signals).
  std::vector<std::string> work_style;
};

struct parse_options {
  int now_year = 2026;  ///< "present" ends here
  int now_month = 11;
};

parsed_resume parse_resume(std::string_view text, const parse_options& options = {});

void to_json(nlohmann::json& j, const parsed_resume& p);
void from_json(const nlohmann::json& j, parsed_resume& p);

}  // namespace hirehub::resume
