#pragma once
/// Text out of an uploaded resume. The type is decided by content (magic
/// bytes), never by the file name: PDF (poppler-cpp, every page in reading
/// order), DOCX (libzip + pugixml: paragraphs and table rows in document
/// order) and UTF-8 plain text. Pure apart from the libraries' own parsing;
/// blocking, so callers run it off the actor scheduler.

#include <stdexcept>
#include <string>
#include <string_view>

namespace hirehub::resume {

enum class file_kind { pdf, docx, text, unsupported };
const char* to_string(file_kind k);
/// MIME type served for a kind.
const char* mime_type(file_kind k);

/// The kind by magic bytes. A ZIP without `word/document.xml`, a legacy OLE
/// Office file and binary data are `unsupported`; text is UTF-8 with no NULs.
file_kind sniff(std::string_view bytes);

/// Why a file of a supported kind has no text we can use.
enum class extract_errc { empty, encrypted, corrupt, unsupported };
const char* to_string(extract_errc e);

class extract_error : public std::runtime_error {
 public:
  extract_error(extract_errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
  extract_errc code() const noexcept { return code_; }

 private:
  extract_errc code_;
};

struct extracted {
  file_kind kind = file_kind::unsupported;
  std::string text;  ///< UTF-8, '\n' line ends, pages separated by '\f'
  int pages = 0;     ///< PDF pages; 1 for DOCX and text
};

struct extract_limits {
  size_t max_text_bytes = 2 * 1024 * 1024;       ///< extracted text beyond this: corrupt
  size_t max_docx_xml_bytes = 8 * 1024 * 1024;  ///< inflated document.xml (zip bombs); a long resume is ~1 MiB
  int max_pdf_pages = 200;
};

/// Throws extract_error saying what is wrong, in words a user understands
/// ("the PDF is password-protected", "the file is empty", ...).
extracted extract(std::string_view bytes, const extract_limits& limits = {});

}  // namespace hirehub::resume
