#pragma once
/// Generated resumes, Korean and English, with their ground truth: the PII
/// planted (in many formats), non-PII look-alikes (dates, versions, salaries,
/// percentages, project codes, hotline and corporate numbers, company, school
/// and product names) and the skills written into them (often as aliases).
/// Rendered as plain text, DOCX (libzip; contact details in a table in some)
/// and PDF (cairo with Debian's Nanum fonts, so Korean survives extraction).
/// Used by the quality tests, the benchmarks, the fuzz seeds and the node's
/// development commands (`hirehub seed`, `hirehub resume sample`).

#include <cstdint>
#include <string>
#include <vector>

namespace hirehub::resume::corpus {

struct planted {
  std::string type;   ///< resident_id, foreigner_id, phone, email, address, postcode, name
  std::string value;  ///< exactly as written in the resume
};

struct generated {
  std::string language;                                 ///< ko or en
  std::string title;                                    ///< e.g. "백엔드 개발자 이력서"
  std::vector<std::string> lines;                       ///< the resume, line by line
  std::vector<std::vector<std::string>> contact_table;  ///< rows of the contact block (DOCX renders a table)
  std::vector<planted> pii;
  std::vector<std::string> lookalikes;  ///< must survive masking
  std::vector<std::string> skills;      ///< canonical names planted
  double years_experience = 0;
  std::string text() const;  ///< contact rows ("cell | cell") then the lines
};

/// A resume from a seed; `language` is "ko", "en" or "" (chosen by the seed).
/// `pages` asks for about that many pages of content (more projects).
generated generate(uint64_t seed, const std::string& language = "", int pages = 1);

/// Renderings of the same resume.
std::string render_text(const generated& r);
std::string render_docx(const generated& r);
std::string render_pdf(const generated& r);

}  // namespace hirehub::resume::corpus
