#pragma once
/// Matching, pure: how well a resume fits a job, as scores from 0 to 100 with the
/// breakdown that explains them and two or three sentences of reasoning.
///
/// Both sides are first reduced to a compact form (skill ids of the taxonomy with
/// the evidence for each, years, the role family of the titles, a few culture
/// signals), so that one job is scored against 100,000 candidates, or one resume
/// against 10,000 jobs, from memory without allocating.
///
/// - skill: every skill the job names, required ones weighing twice, credited by the
///   evidence for it in the resume: named in a dated experience (1.0, a little more
///   with years), listed in the skills section (0.8), mentioned elsewhere (0.5);
///   mentioned only under interests or hobbies is not held (0).
/// - experience: total years against the job's range (experience_min/max, else its
///   level: entry 0-1, junior 1-3, mid 3-6, senior 6-10, lead 8-15), full inside it
///   and falling off smoothly outside (faster below than above); blended 3:1 with
///   the role family of the resume's titles against the job's title.
/// - culture: how the team works (remote, agile, startup pace, global/English,
///   ownership, mentoring, data-driven) from the job's text and remote type against
///   what the resume says; a heuristic, weighted low (0.10 by default).
/// - overall: the weighted blend, capped when required skills are missing: at most
///   100 - 60 x (the share of required skills missing), so missing all is at most 40.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hirehub::domain::matching {

/// The id of a canonical skill name (the taxonomy's skills first, then any other
/// name a job uses, interned). Thread-safe.
uint32_t skill_id(std::string_view canonical_name);
std::string skill_name(uint32_t id);

enum class evidence : uint8_t { experience, skills, text, interests };
evidence evidence_of(std::string_view source);  ///< "experience" | "skills" | "text" | "interests"
const char* to_string(evidence e);

enum class role_family : uint8_t {
  unknown,
  backend,
  frontend,
  fullstack,
  mobile,
  data,
  ml,
  devops,
  qa,
  security,
  design,
  product,
  marketing,
  sales,
  hr,
  finance,
};
role_family family_of(std::string_view title);
const char* to_string(role_family f);

/// Culture signals, one bit each.
enum culture_signal : uint16_t {
  remote = 1 << 0,
  agile = 1 << 1,
  startup = 1 << 2,
  global = 1 << 3,
  ownership = 1 << 4,
  mentoring = 1 << 5,
  data_driven = 1 << 6,
  collaboration = 1 << 7,
};
/// The signals a text gives; `remote_type` (remote | hybrid | onsite) of a job adds remote.
uint16_t culture_of(std::string_view text, std::string_view remote_type = {});
/// The signals by name ("remote", "agile", ...), and back (unknown names ignored).
std::vector<std::string> culture_names(uint16_t signals);
uint16_t culture_from_names(const std::vector<std::string>& names);

struct held_skill {
  uint32_t skill = 0;
  evidence source = evidence::text;
  float years = 0;  ///< from dated experiences, else as stated in the skills section
};

/// A resume in compact form. Skills sorted by id, interests-only skills left out.
struct candidate {
  std::vector<held_skill> skills;
  float years = 0;
  role_family family = role_family::unknown;
  uint16_t culture = 0;
};

struct skill_evidence {
  std::string name;  ///< canonical
  evidence source = evidence::text;
  double years_from_experience = 0;
  int stated_years = 0;
};

/// What the parser read from a resume, in the words matching needs.
struct candidate_input {
  std::vector<skill_evidence> skills;
  double years = 0;
  std::vector<std::string> titles;  ///< positions of the experiences, newest first
  uint16_t culture = 0;             ///< signals the parser found
  std::string text;                 ///< more text to read signals from (may be empty)
};
candidate compact(const candidate_input& in);

struct job_skill {
  uint32_t skill = 0;
  bool required = true;
};

/// A job in compact form.
struct job_profile {
  std::vector<job_skill> skills;
  float min_years = 0, max_years = 60;
  role_family family = role_family::unknown;
  uint16_t culture = 0;
  bool korean = true;  ///< the language of the reasoning
};

struct job_input {
  std::string title;
  std::string text;                                  ///< description and requirements
  std::vector<std::pair<std::string, bool>> skills;  ///< canonical name, required
  int experience_min = -1, experience_max = -1;      ///< -1: not set
  std::string experience_level;                      ///< entry | junior | mid | senior | lead
  std::string remote_type;
};
job_profile compact(const job_input& in);

struct weights {
  double skill = 0.55, experience = 0.35, culture = 0.10;
  /// Overall when every required skill is missing (the cap rises linearly to 100).
  double missing_cap_floor = 40;
};

struct scores {
  float overall = 0, skill = 0, experience = 0, culture = 0;
};

/// The scores, rounded to 0.01. No allocation: the bulk path.
scores score(const job_profile& job, const candidate& c, const weights& w = {});

/// The scores with what they came from: matched required and preferred skills
/// (evidence, years), missing required skills, years against the range, role
/// families, culture signals shared, the weights and the cap.
nlohmann::json breakdown(const job_profile& job, const candidate& c, const weights& w = {});

/// Two or three sentences from a breakdown, in Korean or English.
std::string reasoning(const nlohmann::json& breakdown, bool korean);

}  // namespace hirehub::domain::matching
