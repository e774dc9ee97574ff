#pragma once
/// A parsed resume in the words matching needs (domain/matching): each skill with
/// the evidence for it and its years, total years, the titles, the masked text for
/// the culture signals. Pure.

#include <string>

#include "actors/resume/parse.hpp"
#include "domain/matching.hpp"

namespace hirehub::resume {

/// `masked_text` adds culture signals to those the parser stored (may be empty).
domain::matching::candidate_input match_input_of(const parsed_resume& p, std::string masked_text = {});

}  // namespace hirehub::resume
