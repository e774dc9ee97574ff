#pragma once
/// The skill taxonomy: canonical skill names (the `skill_tags` master list) and
/// the aliases people write for them (golang -> Go, k8s -> Kubernetes,
/// 파이썬 -> Python). Used by the resume parser and by jobs' skill tags so
/// that a job asking for "Go" meets a resume that says "golang". Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hirehub::domain {

struct skill {
  std::string name;      ///< canonical, as in skill_tags
  std::string category;  ///< language, framework, database, ...
};

/// Every canonical skill.
const std::vector<skill>& all_skills();

/// The canonical skill for a name or alias (case-insensitive, surrounding
/// spaces and a trailing version such as "Python 3" or "Java 17" ignored).
std::optional<skill> canonical_skill(std::string_view text);

/// Every skill mentioned in free text, canonical, in order of first mention.
/// A mention must stand alone (not inside a longer word: "Go" in "Google" is
/// not a mention; "C" only in lists such as "C, C++").
std::vector<std::string> skills_in_text(std::string_view text);

}  // namespace hirehub::domain
