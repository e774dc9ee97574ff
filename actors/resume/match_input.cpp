#include "actors/resume/match_input.hpp"

namespace hirehub::resume {

domain::matching::candidate_input match_input_of(const parsed_resume& p, std::string masked_text) {
  namespace m = domain::matching;
  m::candidate_input in;
  for (const auto& s : p.skills)
    in.skills.push_back({s.name, m::evidence_of(to_string(s.source)), s.years_from_experience, s.years});
  in.years = p.years_experience;
  for (const auto& e : p.experiences)
    if (!e.position.empty())
      in.titles.push_back(e.position);
  in.culture = m::culture_from_names(p.work_style);
  in.text = std::move(masked_text);
  return in;
}

}  // namespace hirehub::resume
