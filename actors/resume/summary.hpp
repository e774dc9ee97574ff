#pragma once
/// The local, extractive resume summary: a lead line built from the parsed
/// facts (years, latest position and company, main skills) and the resume's
/// own most informative sentences, in the resume's language. Works on masked
/// text only, so it can carry no PII. It is to stay the last fallback of the
/// LLM provider chain, which is not built yet (docs/status.md). Pure.

#include <string>
#include <string_view>

#include "actors/resume/parse.hpp"

namespace hirehub::resume {

std::string extractive_summary(std::string_view masked_text, const parsed_resume& parsed, size_t max_bytes = 480);

}  // namespace hirehub::resume
