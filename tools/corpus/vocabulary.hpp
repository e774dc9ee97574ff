#pragma once
// The corpus generator's vocabulary (internal to tools/corpus): a seeded random
// source, names and contact details as people write them (Korean and English),
// roles with their skills, companies, schools and non-PII look-alikes.

#include <random>
#include <string>
#include <vector>

#include "tools/corpus/corpus.hpp"

namespace hirehub::resume::corpus::detail {

using rng = std::mt19937_64;

template <class T>
const T& pick(rng& r, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(r)];
}
int uniform(rng& r, int lo, int hi);
bool chance(rng& r, double p);
std::string digits(rng& r, int n);
std::string pad(int v, int w);

// ---- people and their contact details (contacts.cpp) ---------------------------------
extern const std::vector<std::string> surnames_ko;
extern const std::vector<std::string> given_ko;
std::string korean_name(rng& r);
std::string english_name(rng& r);
std::string sep_join(rng& r, const std::vector<std::string>& parts);
std::string phone_kr(rng& r);
std::string phone_en(rng& r);
/// A resident (or foreigner) registration number; `hyphen` says how it was written.
std::string rrn(rng& r, bool foreigner, bool& hyphen);
std::string email(rng& r, const std::string& hint);
/// An address; its parts that are PII (and the postcode) go to `pii`.
std::string address_kr(rng& r, std::vector<planted>& pii);
std::string address_en(rng& r, std::vector<planted>& pii);

// ---- careers (careers.cpp) --------------------------------------------------------------
struct job_role {
  std::string ko, en;
  std::vector<std::string> skills;
};
const std::vector<job_role>& roles();
/// A skill as someone writes it (an alias, another case, Hangul).
std::string spelling(rng& r, const std::string& skill, bool ko);
struct company {
  std::string ko, en;
};
const std::vector<company>& companies();
const std::vector<company>& schools();
/// A line of non-PII that looks like PII to a careless masker; its values go to `keep`.
std::string lookalike_bullet(rng& r, bool ko, std::vector<std::string>& keep);

}  // namespace hirehub::resume::corpus::detail
