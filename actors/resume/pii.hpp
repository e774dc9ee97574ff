#pragma once
/// PII detection and masking for Korean and English resumes, after Microsoft
/// Presidio's design: recognizers made of a pattern, a validator and context
/// words, each finding scored; findings at or above a threshold are masked.
/// Covers resident and foreigner registration numbers, phone numbers, e-mail
/// addresses, postal addresses and postcodes, and personal names (labelled
/// fields, the name heading the resume, a surname + title in running text,
/// and every later mention of a name already found). Company, school and
/// product names are kept. Pure; no finding's value is ever logged.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hirehub::resume {

enum class pii_type { resident_id, foreigner_id, phone, email, address, postcode, name };
const char* to_string(pii_type t);

struct pii_finding {
  pii_type type;
  size_t start = 0;  ///< byte offsets into the scanned text, [start, end)
  size_t end = 0;
  double score = 0;
  const char* recognizer = "";  ///< which rule found it (for tuning; never the value)
};

struct masking_result {
  std::string masked;
  std::vector<pii_finding> findings;  ///< masked ones, by start
  /// How many of each type were masked ({"phone": 2, "name": 3}): what
  /// pii_masking_logs records. Never the values.
  std::map<std::string, int> counts() const;
};

struct masking_options {
  double threshold = 0.5;
  int current_year = 2026;  ///< registration numbers of people born later are not valid
};

masking_result mask_pii(std::string_view text, const masking_options& options = {});

/// The replacement for one finding, keeping the shape the seed shows:
/// `***-****-****` for a phone, `******-*******` for a registration number,
/// `***` for a name or an address, `***@***` for an e-mail.
std::string mask_for(pii_type type, std::string_view value);

}  // namespace hirehub::resume
