#pragma once
/// The matching evaluation's own corpus, written apart from the resume corpus
/// (tools/corpus) and from the parser's tests: people and jobs drawn from latent
/// profiles (role family, the skills a person really has with their years, total
/// years; the skills a job requires and prefers, its range), then written out in
/// the surface forms people use: aliases, Korean and English names, particles,
/// dated experience lines in several layouts, skills sections that list a few
/// skills the person used once, interests sections naming skills they do not have
/// (often exactly what the job asks). Each (job, resume) pair is graded 0-3 from
/// the latent profiles only, never from the text.

#include <cstdint>
#include <string>
#include <vector>

namespace hirehub::match_eval {

struct person {
  std::string family;                                ///< backend, frontend, data, ml, devops, mobile
  std::vector<std::pair<std::string, double>> held;  ///< canonical skill, years used
  double years = 0;
  std::string text;  ///< the resume as written (masked: no names or contacts)
};

struct opening {
  std::string family;
  std::string title;
  std::vector<std::pair<std::string, bool>> skills;  ///< canonical, required
  int min_years = 0, max_years = 0;
  std::string text;  ///< description and requirements as written
};

struct corpus {
  std::vector<person> people;
  std::vector<opening> jobs;
};

corpus generate(uint64_t seed, size_t people, size_t jobs);

/// 3: every required skill, years in range, same family; 2: most required skills
/// and years near the range; 1: some required skills or the same family; 0: none.
int grade(const opening& job, const person& p);

}  // namespace hirehub::match_eval
